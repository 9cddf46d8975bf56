import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateStore } from '@stepflow/node-runtime';
import {
  crashWorkspace,
  readExecutions,
  reapServers,
  runCli,
  startCli,
  waitFor,
  type CrashWorkspace,
} from './durable-fixture.ts';

const CANARY = 'canary-7f3a9c-do-not-store';

/** A two-step flow whose first step waits for a gate file. */
function gatedFlow(gate: string): Record<string, unknown> {
  return {
    schema: 'https://stepflow.org/schemas/v1/flow.json',
    name: 'gated',
    steps: [
      {
        id: 'w1',
        component: '/journal/wait',
        input: { id: 'w1', gate, value: { $from: { workflow: 'input' }, path: 'start' } },
      },
      {
        id: 'w2',
        component: '/journal/work',
        input: { id: 'w2', value: { $from: { step: 'w1' }, path: 'value' } },
      },
    ],
    output: { $from: { step: 'w2' }, path: 'value' },
  };
}

describe('durable runs through the stepflow command', () => {
  let workspace: CrashWorkspace;
  let store: string;
  let flow: string;
  let gate: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    workspace = await crashWorkspace({
      EXECUTIONS_FILE: '${EXECUTIONS_FILE}',
      CANARY_TOKEN: '${CANARY_VALUE}',
    });
    store = `sqlite:${join(workspace.dir, 'state.db')}`;
    gate = join(workspace.dir, 'gate');
    flow = join(workspace.dir, 'gated.json');
    writeFileSync(flow, JSON.stringify(gatedFlow(gate)));
    env = { EXECUTIONS_FILE: workspace.executionsPath, CANARY_VALUE: CANARY };
  });
  afterEach(async () => {
    writeFileSync(gate, '');
    expect(await reapServers(workspace.marker)).toEqual([]);
    await workspace.dispose();
  });

  const runArgs = (runId: string, start = 1): string[] => [
    'run',
    '--flow',
    flow,
    '--config',
    workspace.configPath,
    '--store',
    store,
    '--run-id',
    runId,
    '--input-json',
    JSON.stringify({ start }),
  ];
  const runs = (...args: string[]) =>
    runCli(
      ['runs', ...args, '--store', store, '--config', workspace.configPath],
      workspace.dir,
      env,
    );

  it('prints the run id, and --run-id of a finished run prints its result without running anything', async () => {
    writeFileSync(gate, '');
    const first = await runCli(['--log-level', 'debug', ...runArgs('idem')], workspace.dir, env);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('run idem');
    expect(JSON.parse(first.stdout)).toEqual({ outcome: 'success', result: 3 });
    const executed = readExecutions(workspace.executionsPath).length;

    const again = await runCli(runArgs('idem'), workspace.dir, env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ outcome: 'success', result: 3 });
    expect(readExecutions(workspace.executionsPath)).toHaveLength(executed);

    const json = await runCli(['--log-format', 'json', ...runArgs('fresh')], workspace.dir, env);
    const notice = json.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.run_id === 'fresh');
    expect(notice).toMatchObject({ msg: 'run fresh', run_id: 'fresh' });

    const list = await runs('list', '--format', 'json');
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { id: string; status: string }[];
    expect(listed.map((run) => run.id).sort()).toEqual(['fresh', 'idem']);
    expect(listed.every((run) => run.status === 'completed')).toBe(true);

    const show = await runs('show', 'idem', '--format', 'json');
    const shown = JSON.parse(show.stdout) as {
      steps: { id: string; status: string; attempts: number }[];
    };
    expect(shown.steps).toEqual([
      expect.objectContaining({ id: 'w1', status: 'completed', attempts: 1 }),
      expect.objectContaining({ id: 'w2', status: 'completed', attempts: 1 }),
    ]);
    expect((await runs('show', 'idem')).stdout).toContain('w2    completed');

    const events = await runs('events', 'idem');
    const types = events.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types[0]).toBe('runStarted');
    expect(types.at(-1)).toBe('runCompleted');

    const other = join(workspace.dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...gatedFlow(gate), name: 'other' }));
    const conflict = await runCli(
      [
        'run',
        ...runArgs('idem')
          .slice(1)
          .map((arg) => (arg === flow ? other : arg)),
      ],
      workspace.dir,
      env,
    );
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/run idem cannot be resumed/);

    // Nothing from the config's secrets reaches the store or the output.
    for (const file of readdirSync(workspace.dir).filter((name) => name.startsWith('state.db'))) {
      expect(readFileSync(join(workspace.dir, file)).includes(CANARY)).toBe(false);
    }
    for (const output of [first, again, json, list, show, events]) {
      expect(output.stdout + output.stderr).not.toContain(CANARY);
    }
  });

  it('stays resumable after SIGTERM and resumes with runs resume', async () => {
    const running = startCli(runArgs('term', 10), workspace.dir, env);
    await waitFor(() => readExecutions(workspace.executionsPath).length >= 1, running.exited);
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit.code).not.toBe(0);
    expect(running.stderr()).toContain('stepflow runs resume term');
    expect(await reapServers(workspace.marker)).toEqual([]);

    const opened = await openStateStore(store);
    try {
      expect((await opened.getRun('term'))?.status).toBe('running');
      const types = (await opened.readEvents('term')).map((entry) => entry.event.type);
      expect(types).not.toContain('runCompleted');
    } finally {
      await opened.close();
    }

    writeFileSync(gate, '');
    const resumed = await runs('resume', 'term');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ outcome: 'success', result: 12 });
    expect((await runs('resume', '--all')).stderr).toContain('no unfinished runs');
  });

  it('refuses to resume a run whose input had secrets; run --run-id with the input resumes it', async () => {
    const args = [
      ...runArgs('secret').slice(0, -1),
      JSON.stringify({ start: 5, api_key: 'k-77x' }),
    ];
    const running = startCli(args, workspace.dir, env);
    await waitFor(() => readExecutions(workspace.executionsPath).length >= 1, running.exited);
    running.child.kill('SIGTERM');
    await running.exited;
    expect(await reapServers(workspace.marker)).toEqual([]);

    const refused = await runs('resume', 'secret');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('stepflow run --flow <file> --run-id secret --input <file>');

    writeFileSync(gate, '');
    const again = await runCli(args, workspace.dir, env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ outcome: 'success', result: 7 });
    for (const file of readdirSync(workspace.dir).filter((name) => name.startsWith('state.db'))) {
      expect(readFileSync(join(workspace.dir, file)).includes('k-77x')).toBe(false);
    }
  });

  it('runs cancel stops a run executing in another process', async () => {
    const running = startCli(runArgs('victim'), workspace.dir, env);
    await waitFor(() => readExecutions(workspace.executionsPath).length >= 1, running.exited);

    const refused = await runCli(runArgs('victim'), workspace.dir, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/run victim is being executed by .+:\d+:/);

    const cancel = await runs('cancel', 'victim');
    expect(cancel.code, cancel.stderr).toBe(0);
    writeFileSync(gate, '');
    const exit = await running.exited;
    expect(exit.code).toBe(1);
    expect(JSON.parse(running.stdout())).toMatchObject({
      outcome: 'failed',
      error: { code: 410, message: 'Run cancelled' },
    });
    // The step after the cancelled one never ran.
    expect(readExecutions(workspace.executionsPath).map((e) => e.stepId)).toEqual(['w1']);
    const show = await runs('show', 'victim', '--format', 'json');
    expect(JSON.parse(show.stdout)).toMatchObject({ status: 'cancelled' });
  });

  it('a store that cannot be opened is a usage error naming it', async () => {
    const corrupt = join(workspace.dir, 'corrupt.db');
    writeFileSync(corrupt, 'this is not a database'.repeat(100));
    const bad = await runCli(['runs', 'list', '--store', `sqlite:${corrupt}`], workspace.dir, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`state store sqlite:${corrupt}`);

    const url = await runCli(['runs', 'list', '--store', 'mysql://u:hunter2@h/db'], workspace.dir);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('unknown scheme "mysql"');
    expect(url.stderr).not.toContain('hunter2');

    writeFileSync(gate, '');
    const run = await runCli(
      [
        'run',
        '--flow',
        flow,
        '--config',
        workspace.configPath,
        '--input-json',
        '{"start":1}',
        '--store',
        'postgres://u:hunter2@127.0.0.1:1/db',
      ],
      workspace.dir,
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('postgres://u:***@127.0.0.1:1/db');
    expect(run.stderr).not.toContain('hunter2');
  });
});
