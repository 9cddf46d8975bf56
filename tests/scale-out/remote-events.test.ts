// The event stream of any runtime shows a run executing on another: a `stepflow worker` executes
// the run (its step held open by a gate), and `stepflow serve`, sharing the PostgreSQL store,
// streams the run's events live as the worker journals them, ending after `runCompleted`.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '@stepflow/protocol';
import { openPostgresStateStoreFromUrl } from '@stepflow/store-postgres';
import {
  startTestPostgres,
  testPostgresUnavailableReason,
  type TestPostgres,
} from '@stepflow/store-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService } from '../service/service-harness.ts';
import { openSse } from '../service/sse-client.ts';
import { startWorker } from './worker-process.ts';

const unavailable = testPostgresUnavailableReason();
const GATED_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/gated-server.mjs');

const FLOW = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'held-then-inc',
  steps: [
    { id: 'hold', component: '/fx/hold', input: { $from: { workflow: 'input' } } },
    { id: 'inc', component: '/fx/inc', input: { $from: { step: 'hold' } } },
  ],
  output: { $from: { step: 'inc' }, path: 'n' },
};

describe.skipIf(unavailable !== undefined)('events of a run executing in another runtime', () => {
  let server: TestPostgres | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
  });

  it('reach the stream of a runtime that does not execute it, live and in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stepflow-remote-events-'));
    const gate = join(dir, 'gate');
    const config = {
      plugins: {
        fx: {
          type: 'stepflow',
          transport: 'stdio',
          command: process.execPath,
          args: [GATED_SERVER],
          env: { GATE_FILE: gate },
        },
      },
      routes: { '/fx/{*component}': [{ plugin: 'fx' }] },
    };
    await writeFile(join(dir, 'stepflow-config.yml'), JSON.stringify(config));
    const worker = await startWorker(dir, ['--store', server!.url]);
    children.push(worker);

    // Submitted straight to the store: the worker is the only runtime, so it claims the run.
    const store = await openPostgresStateStoreFromUrl(server!.url);
    try {
      await store.createRun({ id: 'remote-1', flow: FLOW, input: { n: 41 } });
      await eventually(
        async () =>
          (await store.readEvents('remote-1')).some((e) => e.event.type === 'stepStarted') ||
          undefined,
      );
    } finally {
      await store.close();
    }

    const service = await startService(dir, ['--store', server!.url]);
    children.push(service.child);
    const shown = (await service.api('runs/remote-1')).body as { runtime?: string };
    expect(shown.runtime).toContain(`:${worker.pid}:`);

    const stream = await openSse(`${service.url}/api/v1/runs/remote-1/events`);
    const seen: RunEvent[] = [];
    const ids: number[] = [];
    try {
      for (;;) {
        const next = await stream.next();
        if (next === undefined) break;
        const event = JSON.parse(next.data) as RunEvent;
        seen.push(event);
        ids.push(Number(next.id));
        // What the worker journaled before the stream opened has arrived: let the step end.
        if (event.type === 'stepStarted' && event.stepId === 'hold') await writeFile(gate, '');
      }
    } finally {
      stream.close();
    }
    expect(ids).toEqual(ids.map((_, index) => index + 1));
    const completed = seen.filter((e) => e.type === 'stepCompleted').map((e) => e.stepId);
    expect(completed).toEqual(['hold', 'inc']);
    const last = seen[seen.length - 1]!;
    expect(last.type).toBe('runCompleted');
    expect(last.type === 'runCompleted' && last.result).toEqual({ outcome: 'success', result: 42 });
  });
});
