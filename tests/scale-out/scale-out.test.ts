// Three runtimes on one PostgreSQL (two `stepflow serve`, one `stepflow worker`): 500 runs of a
// three-step flow submitted across them, one runtime killed -9 midway and another drained with
// SIGTERM. Every run completes with the right result, no recorded step executes twice, and each
// runtime executed some of the work.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgresStateStoreFromUrl } from '@stepflow/store-postgres';
import {
  startTestPostgres,
  testPostgresUnavailableReason,
  type TestPostgres,
} from '@stepflow/store-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, eventually, startService, type ServiceProcess } from '../service/service-harness.ts';
import { startWorker } from './worker-process.ts';

const unavailable = testPostgresUnavailableReason();
const COUNTING_SERVER = join(
  dirname(fileURLToPath(import.meta.url)),
  'fixtures/counting-server.mjs',
);
const BATCH = 400;
const POSTS = 100;
const TOTAL = BATCH + POSTS;
/** Short leases, so the killed runtime's runs move within seconds. */
const RUNTIME_ARGS = ['--lease-ttl', '5000', '--max-runs', '16'];

const FLOW = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'count-three',
  steps: ['one', 'two', 'three'].map((id, index, ids) => ({
    id,
    component: '/fx/inc',
    input:
      index === 0
        ? { n: { $from: { workflow: 'input' }, path: 'n' } }
        : { n: { $from: { step: ids[index - 1]! }, path: 'n' } },
  })),
  output: { $from: { step: 'three' }, path: 'n' },
};

/** One line of the fixture: an execution of a step by a runtime (pid). */
interface Execution {
  readonly runId: string;
  readonly stepId: string;
  readonly runtime: number;
}

/** Runs a short `stepflow` command; resolves with its stdout (rejects on a non-zero exit). */
function runCli(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [CLI, ...args], { cwd }, (error, stdout, stderr) =>
      error === null ? done(stdout) : fail(new Error(`stepflow ${args[0]}: ${stderr}`)),
    );
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

describe.skipIf(unavailable !== undefined)('three runtimes sharing one PostgreSQL', () => {
  let server: TestPostgres | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
  });

  it('spreads 500 runs, survives kill -9 and a drain, and never runs a recorded step twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stepflow-scale-out-'));
    const recordFile = join(dir, 'executions.jsonl');
    await writeFile(recordFile, '');
    const config = {
      plugins: {
        fx: {
          type: 'stepflow',
          transport: 'stdio',
          command: process.execPath,
          args: [COUNTING_SERVER],
          env: { RECORD_FILE: recordFile, STEPFLOW_TEST_MARKER: dir },
        },
      },
      routes: { '/fx/{*component}': [{ plugin: 'fx' }] },
    };
    await writeFile(join(dir, 'stepflow-config.yml'), JSON.stringify(config));
    const executions = async (): Promise<Execution[]> =>
      (await readFile(recordFile, 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Execution);

    const args = ['--store', server!.url, ...RUNTIME_ARGS];
    const killed: ServiceProcess = await startService(dir, args);
    const survivor: ServiceProcess = await startService(dir, args);
    const drained = await startWorker(dir, args);
    children.push(killed.child, survivor.child, drained);
    const pids = [killed.child.pid!, survivor.child.pid!, drained.pid!];

    const flowId = (await survivor.api('flows', { body: { flow: FLOW } })).body.flowId as string;
    const { batchId } = (
      await survivor.api('batches', {
        body: {
          flowId,
          inputs: Array.from({ length: BATCH }, (_, n) => ({ n })),
          maxConcurrency: 24,
        },
      })
    ).body as { batchId: string };
    const posted = await Promise.all(
      Array.from({ length: POSTS }, async (_, i) => {
        const via = i % 2 === 0 ? killed : survivor;
        const n = BATCH + i;
        const { status, body } = await via.api('runs', {
          body: { flowId, input: { n }, wait: false },
        });
        expect(status).toBe(202);
        return { runId: body.runId as string, n };
      }),
    );

    // Midway (a fifth of the steps executed: 3 per run), kill -9 one runtime; later drain another.
    await eventually(async () => ((await executions()).length >= TOTAL * 0.6 ? true : undefined));
    // The API and `stepflow runs list` name the runtime holding each running run.
    const listed = (await survivor.api('runs?status=running&limit=500')).body.runs as {
      runtime?: string;
    }[];
    expect(listed.some((run) => pids.some((pid) => run.runtime?.includes(`:${pid}:`)))).toBe(true);
    const cli = await runCli(dir, [
      'runs',
      'list',
      '--store',
      server!.url,
      '--status',
      'running',
      // Queued runs (no runtime yet) are the newest: list them all to see held ones too.
      '--limit',
      '1000',
      '--format',
      'json',
    ]);
    expect(cli).toMatch(/"runtime": ?"[^"]+:\d+:[0-9a-f]+"/);
    killed.child.kill('SIGKILL');
    await eventually(async () => ((await executions()).length >= TOTAL * 1.5 ? true : undefined));
    drained.kill('SIGTERM');
    expect(await exitOf(drained)).toBe(0);

    // The survivor finishes everything: the killed runtime's runs once their leases lapsed.
    const batch = await eventually(async () => {
      const found = (await survivor.api(`batches/${batchId}`)).body;
      return found.status === 'completed' ? found : undefined;
    }, 6000);
    expect(batch).toMatchObject({ status: 'completed' });

    const store = await openPostgresStateStoreFromUrl(server!.url);
    try {
      const runs = [
        ...(await store.listBatchRuns(batchId, { limit: 10_000 })).map((run) => ({
          run,
          n: run.batchIndex!,
        })),
        ...(await Promise.all(
          posted.map(async ({ runId, n }) => {
            const run = await eventually(async () => {
              const found = await store.getRun(runId);
              return found?.status === 'completed' ? found : undefined;
            }, 6000);
            return { run, n };
          }),
        )),
      ];
      expect(runs).toHaveLength(TOTAL);
      for (const { run, n } of runs)
        expect(run, `run of n=${n}`).toMatchObject({
          status: 'completed',
          result: { outcome: 'success', result: n + 3 },
        });

      // Each recorded step has exactly one recorded completion.
      for (const { run } of runs) {
        const completed = (await store.readEvents(run.id))
          .filter((entry) => entry.event.type === 'stepCompleted')
          .map((entry) => (entry.event as { stepId: string }).stepId);
        expect(completed.sort(), `completions of ${run.id}`).toEqual(['one', 'three', 'two']);
      }
    } finally {
      await store.close();
    }

    // Executions: at most one per step, except a step in flight in the killed runtime, which
    // another runtime executed again after taking the run over.
    const byStep = new Map<string, Execution[]>();
    for (const execution of await executions()) {
      const key = `${execution.runId}/${execution.stepId}`;
      byStep.set(key, [...(byStep.get(key) ?? []), execution]);
    }
    expect(byStep.size).toBe(TOTAL * 3);
    for (const [key, list] of byStep) {
      if (list.length === 1) continue;
      expect(list, `executions of ${key}`).toHaveLength(2);
      expect(list[0]!.runtime, `first execution of ${key}`).toBe(pids[0]);
    }
    // The work was spread: every runtime executed some.
    const perRuntime = pids.map(
      (pid) => [...byStep.values()].flat().filter((e) => e.runtime === pid).length,
    );
    for (const count of perRuntime) expect(count).toBeGreaterThan(0);

    expect(await survivor.stop()).toBe(0);
  }, 120_000);
});
