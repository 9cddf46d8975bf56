import { FlowValidationError, InputValidationError } from '@stepflow/runtime';
import type { Flow } from '@stepflow/protocol';
import type { Runtime } from '@stepflow/runtime';
import { dirname } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { CliContext } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { createCliRuntime } from '../create-cli-runtime.ts';
import { openCliStateStore, type CliStateStore } from '../open-cli-state-store.ts';
import { formatDiagnostics, hasBlockingDiagnostics } from '../format-diagnostics.ts';
import { diagnoseFlow, loadFlowOrExit } from '../load-inputs.ts';
import { normalizeResult, pruneUnexpectedErrorData, resultsMatch } from './normalize-result.ts';
import { resolveTestConfig } from './resolve-test-config.ts';
import type { TestTotals } from './test-report.ts';
import { updateFlowFile } from './update-flow-file.ts';
import type { CaseUpdate } from './update-flow-file.ts';
import { startTestServers } from './test-servers.ts';
import type { StartedTestServers } from './test-servers.ts';

/** The flags of `stepflow test` that shape how one file runs. */
export interface TestFileOptions {
  readonly config?: string;
  readonly cases?: readonly string[];
  readonly update: boolean;
  readonly diff: boolean;
  /** Compare `error.data` even where the expectation leaves it out (REF's exactness). */
  readonly strict: boolean;
  /** `--store`: journal the test runs in this state store (overrides the config's). */
  readonly store?: string;
}

interface TestCaseDocument {
  readonly index: number;
  readonly name: string;
  input: unknown;
  readonly output?: unknown;
}

const SEPARATOR = '----------';

/**
 * Runs the test cases of one flow file with a fresh runtime, sequentially, printing REF's
 * per-case lines and the `<path>: P/T passed` line, and adding to `totals`.
 */
export async function runTestFile(
  path: string,
  document: Record<string, unknown>,
  options: TestFileOptions,
  context: CliContext,
  totals: TestTotals,
): Promise<void> {
  const out = context.io.writeOut;
  const test = asRecord(document.test);
  const allCases = asArray(test?.cases).map((raw, index): TestCaseDocument => {
    const record = asRecord(raw) ?? {};
    return {
      index,
      name: typeof record.name === 'string' ? record.name : `case ${index + 1}`,
      input: record.input ?? null,
      ...('output' in record && record.output !== null ? { output: record.output } : {}),
    };
  });
  if (!test || allCases.length === 0) {
    out(`${path}: Skipped (no test cases)\n`);
    totals.filesSkipped += 1;
    return;
  }
  const filter = options.cases;
  const cases =
    filter && filter.length > 0 ? allCases.filter((c) => filter.includes(c.name)) : allCases;
  if (cases.length === 0) {
    out(`${path}: Skipped (no test case matches --case)\n`);
    totals.filesSkipped += 1;
    return;
  }
  totals.filesTested += 1;
  totals.cases += cases.length;

  const serverSpecs = asRecord(test.servers) as Record<string, Record<string, unknown>> | undefined;
  let servers: StartedTestServers | undefined;
  let runtime: Runtime;
  let flow: Flow;
  let opened: CliStateStore | undefined;
  try {
    if (serverSpecs && Object.keys(serverSpecs).length > 0) {
      servers = await startTestServers(serverSpecs, path, dirname(path), context.logger);
    }
    const loaded = await loadFlowOrExit(path);
    // The runtime's parse of the file is authoritative for inputs and the inline config.
    const loadedTest = asRecord((loaded.flow as { test?: unknown }).test) ?? test;
    const { config } = await resolveTestConfig(
      path,
      loadedTest,
      options.config,
      context.io,
      servers?.placeholders,
    );
    const diagnostics = diagnoseFlow(loaded, config);
    if (hasBlockingDiagnostics(diagnostics)) {
      out(
        formatDiagnostics(
          diagnostics.filter((d) => d.level !== 'warning'),
          path,
        ),
      );
      throw new CliError(`${path}: the flow is invalid`);
    }
    const loadedCases = asArray(loadedTest.cases);
    for (const testCase of cases) {
      const loadedCase = asRecord(loadedCases[testCase.index]);
      if (loadedCase && 'input' in loadedCase) testCase.input = loadedCase.input;
    }
    flow = loaded.flow;
    if (options.store !== undefined || config.config.stateStore !== undefined) {
      opened = await openCliStateStore(options.store, config, context.io.cwd);
    }
    runtime = await createCliRuntime(
      config,
      context.logger,
      opened?.durable === true ? opened.store : undefined,
    );
  } catch (error) {
    await opened?.store.close();
    await servers?.stop();
    // Whatever stops one file from running (bad flow, config, plugin, server) is reported for
    // that file; the other files still run.
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof CliError))
      context.logger.debug('test setup failed', { error: (error as Error).stack });
    out(`Execution error: ${error instanceof CliError ? message : `${path}: ${message}`}\n`);
    totals.errors += cases.length;
    out(`${path}: 0/${cases.length} passed\n`);
    return;
  }

  let passed = 0;
  const updates: CaseUpdate[] = [];
  try {
    for (const testCase of cases) {
      out(`${SEPARATOR}\nRunning Test Case ${testCase.name}\n`);
      let actual: unknown;
      try {
        actual = (await runtime.run({ flow, input: testCase.input })).result;
      } catch (error) {
        if (!InputValidationError.isInstance(error) && !FlowValidationError.isInstance(error)) {
          context.logger.debug('test case threw', { error: (error as Error).stack });
        }
        out(`Test Case ${testCase.name} execution error: ${(error as Error).message}\n`);
        totals.errors += 1;
        continue;
      }
      if (!('output' in testCase)) {
        out(`Test Case ${testCase.name} has no expected output. Actual Output:\n${toYaml(actual)}`);
        totals.failed += 1;
        if (options.update) updates.push({ index: testCase.index, output: actual });
        continue;
      }
      if (resultsMatch(testCase.output, actual, options.strict)) {
        out(`Test Case ${testCase.name} passed\n`);
        passed += 1;
        totals.passed += 1;
        continue;
      }
      totals.failed += 1;
      if (options.update) updates.push({ index: testCase.index, output: actual });
      if (options.diff) {
        out(
          `Test Case ${testCase.name} failed. Diff (expected → actual):\n${diffOf(testCase.output, actual, options.strict)}`,
        );
      } else {
        out(`Test Case ${testCase.name} failed. New Output:\n${toYaml(actual)}`);
      }
    }
  } finally {
    await runtime.close();
    await opened?.store.close();
    await servers?.stop();
  }
  if (updates.length > 0) {
    await updateFlowFile(path, updates);
    out(`${path}: updated the expected output of ${updates.length} test case(s)\n`);
  }
  out(`${path}: ${passed}/${cases.length} passed\n`);
}

function diffOf(expected: unknown, actual: unknown, strict: boolean): string {
  const left = toYaml(normalizeResult(expected));
  const right = toYaml(
    normalizeResult(strict ? actual : pruneUnexpectedErrorData(expected, actual)),
  );
  const patch = createTwoFilesPatch('expected', 'actual', left, right, undefined, undefined, {
    context: 3,
  });
  // Drop the `Index:`/`====` banner lines: the `---`/`+++` header says it all.
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('Index:') && !/^=+$/.test(line))
    .join('\n');
}

function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
