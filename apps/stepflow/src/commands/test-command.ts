import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { withCliTelemetry } from '../internal/cli-telemetry.ts';
import { ExitCode } from '../internal/cli-error.ts';
import { collectFlowFiles } from '../internal/test-runner/collect-flow-files.ts';
import { runTestFile } from '../internal/test-runner/run-test-file.ts';
import { emptyTotals, formatSummary } from '../internal/test-runner/test-report.ts';

interface TestOptions {
  readonly config?: string;
  readonly case?: string[];
  readonly update: boolean;
  readonly diff: boolean;
  readonly strict: boolean;
  readonly store?: string;
}

/** `stepflow test`: runs the `test.cases` of flow files and compares their results. */
export function testCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('test')
    .description('Run the test cases in flow files (directories are searched for *.yaml / *.yml)')
    .argument('[paths...]', 'flow files or directories', ['.'])
    .option(
      '-c, --config <file>',
      'use this config for every file (default: test.config, stepflow-config.test.yml, discovery)',
    )
    .option('--case <name>', 'run only the test case with this name (repeatable)', collect, [])
    .option(
      '--update',
      'write the actual output into the file for failed or missing expectations',
      false,
    )
    .option('--diff', 'show a unified diff instead of the full actual output on a mismatch', false)
    .option(
      '--strict',
      'also compare error.data the expectation leaves out (as the reference Stepflow runner does)',
      false,
    )
    .option(
      '--store <url>',
      'journal the test runs in this state store: memory (default), sqlite:<file> or postgres://… (overrides the config stateStore)',
    )
    .addHelpText(
      'after',
      '\nResults are compared after normalisation (keys sorted, run_id masked, backtrace dropped),' +
        '\nnumbers by value, error.data only when the expectation has it.' +
        '\nExit codes: 0 all cases passed, 1 a case failed or could not run, 2 usage error.',
    )
    .action(async (paths: string[], options: TestOptions) => {
      const ctx = context();
      setExitCode(await withCliTelemetry(ctx, () => testPaths(paths, options, ctx)));
    });
}

async function testPaths(
  paths: string[],
  options: TestOptions,
  ctx: CliContext,
): Promise<ExitCode> {
  const files = await collectFlowFiles(paths);
  if (files.length === 0) {
    ctx.io.writeOut('No workflow files found\n');
    return ExitCode.success;
  }
  const totals = emptyTotals();
  for (const file of files) {
    if (file.kind === 'invalid') {
      ctx.io.writeOut(`${file.path}: Execution error: ${file.message}\n`);
      totals.filesTested += 1;
      totals.cases += 1;
      totals.errors += 1;
      continue;
    }
    await runTestFile(
      file.path,
      file.document,
      {
        config: options.config,
        cases: options.case,
        update: options.update,
        diff: options.diff,
        strict: options.strict,
        ...(options.store === undefined ? {} : { store: options.store }),
      },
      ctx,
      totals,
    );
  }
  ctx.io.writeOut(`\n${formatSummary(totals)}`);
  return totals.failed + totals.errors > 0 ? ExitCode.failed : ExitCode.success;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
