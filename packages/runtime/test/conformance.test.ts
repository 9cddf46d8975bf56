import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRuntime, loadConfig, loadFlowFile, validateFlow } from '../src/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'conformance');

function flowFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return flowFiles(path);
    return /\.ya?ml$/.test(name) && !name.startsWith('stepflow') ? [path] : [];
  });
}

/** REF test normalisation: `run_id` masked; expected results without `error.data` ignore it. */
function normalise(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(actual))
    return actual.map((item, i) =>
      normalise(item, Array.isArray(expected) ? expected[i] : undefined),
    );
  if (typeof actual !== 'object' || actual === null) return actual;
  const exp = (typeof expected === 'object' && expected !== null ? expected : {}) as Record<
    string,
    unknown
  >;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(actual)) {
    if (key === 'run_id') continue;
    if (key === 'data' && 'code' in actual && !('data' in exp)) continue;
    out[key] = normalise(value, exp[key]);
  }
  return out;
}

describe('conformance flows (copied from the shared suite)', () => {
  for (const file of flowFiles(root)) {
    describe(relative(root, file), () => {
      it('loads and validates without errors', async () => {
        const loaded = await loadFlowFile(file);
        const { config } = await loadConfig({ flowPath: file, cwd: root });
        const blocking = validateFlow(loaded.flow, { config, raw: loaded.raw, file }).filter(
          (d) => d.level !== 'warning',
        );
        expect(blocking).toEqual([]);
      });

      it('passes every test case', async () => {
        const loaded = await loadFlowFile(file);
        const { config, workingDirectory } = await loadConfig({ flowPath: file, cwd: root });
        const runtime = createRuntime({ config, workingDirectory });
        const cases =
          (
            loaded.flow as {
              test?: { cases?: { name: string; input: unknown; output?: unknown }[] };
            }
          ).test?.cases ?? [];
        for (const testCase of cases) {
          const { result } = await runtime.run({ flow: loaded.flow, input: testCase.input });
          expect(normalise(result, testCase.output), testCase.name).toEqual(testCase.output);
        }
        await runtime.close();
      });
    });
  }
});
