import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../component-server/harness.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const RECORDER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/record-modules.mjs');
/** What only export needs: the SDK, the exporters and their OTLP plumbing. */
const SDK_MODULE = /@opentelemetry[+/](?:sdk-|exporter-|resources|context-async-hooks|otlp-)/;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Runs a builtin-only flow with the CLI and returns the modules the process resolved. */
async function modulesOfRun(env: Record<string, string>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-modules-'));
  dirs.push(dir);
  const flow = join(dir, 'flow.yaml');
  await writeFile(
    flow,
    `schema: https://stepflow.org/schemas/v1/flow.json
name: modules
steps:
  - id: put
    component: /builtin/put_blob
    input: { data: { $from: { workflow: input } }, blob_type: data }
output: { $from: { step: put } }
`,
  );
  const record = join(dir, 'modules.txt');
  await writeFile(record, '');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', RECORDER, CLI, 'run', '--flow', flow, '--input-json', '{"a":1}'],
      {
        cwd: ROOT,
        env: { ...withoutOtel(process.env), ...env, RECORD_MODULES_TO: record },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('close', resolve);
  });
  expect(code).toBe(0);
  return (await readFile(record, 'utf8')).split('\n').filter((line) => line !== '');
}

function withoutOtel(env: NodeJS.ProcessEnv): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && !name.startsWith('OTEL_') && name !== 'STEPFLOW_OTLP_ENDPOINT')
      plain[name] = value;
  return plain;
}

describe('stepflow run with telemetry off', () => {
  it('loads no OpenTelemetry SDK or exporter module', async () => {
    const modules = await modulesOfRun({});
    expect(modules.some((url) => url.includes('/apps/stepflow/dist/'))).toBe(true);
    expect(modules.filter((url) => SDK_MODULE.test(url))).toEqual([]);
  });

  it('loads them once an OTEL_* variable turns export on (the check above can fail)', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const modules = await modulesOfRun({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      });
      expect(modules.some((url) => SDK_MODULE.test(url))).toBe(true);
      expect(receiver.spans.map((span) => span.name)).toContain('step put');
    } finally {
      await receiver.close();
    }
  });
});
