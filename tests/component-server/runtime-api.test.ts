import { join } from 'node:path';
import type { Flow } from '@stepflow/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHarness,
  FIXTURES,
  FLOW_SCHEMA,
  leftovers,
  nodePlugin,
  SAMPLE_SERVER,
  type Harness,
} from './harness.ts';

const open: Harness[] = [];

afterEach(async () => {
  for (const harness of open.splice(0)) {
    await harness.close();
    expect(await leftovers(harness)).toEqual([]);
  }
});

/** A harness with the sample server as plugin `sample`, routed at `/sample/{*component}`. */
function sampleHarness(
  extraPlugins: Record<string, unknown> = {},
  extraRoutes: Record<string, unknown> = {},
  sampleExtra: Record<string, unknown> = {},
): Harness {
  const harness = createHarness((marker) => ({
    plugins: {
      builtin: { type: 'builtin' },
      sample: nodePlugin(SAMPLE_SERVER, marker, sampleExtra),
      ...Object.fromEntries(
        Object.entries(extraPlugins).map(([name, plugin]) => [
          name,
          typeof plugin === 'function' ? (plugin as (m: string) => unknown)(marker) : plugin,
        ]),
      ),
    },
    routes: {
      '/sample/{*component}': [{ plugin: 'sample' }],
      '/builtin/{*component}': [{ plugin: 'builtin' }],
      ...extraRoutes,
    },
  }));
  open.push(harness);
  return harness;
}

function flow(steps: unknown[], output: unknown, extra: Record<string, unknown> = {}): Flow {
  return { schema: FLOW_SCHEMA, steps, output, ...extra } as unknown as Flow;
}

const input = (path?: string): unknown =>
  path === undefined ? { $from: { workflow: 'input' } } : { $from: { workflow: 'input' }, path };
const from = (step: string, path?: string): unknown =>
  path === undefined ? { $from: { step } } : { $from: { step }, path };

describe('stepflow plugin over stdio (runtime API)', () => {
  it('runs a chain of steps through the sample server, spawning it once', async () => {
    const harness = sampleHarness();
    const { result } = await harness.run(
      flow(
        [
          { id: 'stats', component: '/sample/text_stats', input: { text: input('text') } },
          {
            id: 'echo',
            component: '/sample/echo',
            input: { words: from('stats', 'words'), tag: 'x' },
          },
        ],
        { words: from('echo', 'words'), echoed: from('echo') },
      ),
      { text: 'one two three' },
    );
    expect(result).toEqual({
      outcome: 'success',
      result: { words: 3, echoed: { words: 3, tag: 'x' } },
    });
    expect(harness.transports).toHaveLength(1);
  });

  it('lists the components of the server', async () => {
    const harness = sampleHarness();
    const listed = await harness.runtime.listComponents();
    const sample = listed.filter((c) => c.plugin === 'sample').map((c) => c.info.component);
    expect(sample).toEqual(expect.arrayContaining(['/echo', '/text_stats', '/crash_once', '/udf']));
    expect(listed.find((c) => c.info.component === '/text_stats')?.info.input_schema).toMatchObject(
      { type: 'object' },
    );
  });

  it('serves blobs/put and blobs/get callbacks while the execute request is pending', async () => {
    const harness = sampleHarness();
    const { result } = await harness.run(
      flow(
        [
          { id: 'store', component: '/sample/store_blob', input: { value: input() } },
          {
            id: 'read',
            component: '/sample/read_blob',
            input: { blob_id: from('store', 'blob_id') },
          },
          {
            id: 'via_builtin',
            component: '/builtin/get_blob',
            input: { blob_id: from('store', 'blob_id') },
          },
        ],
        {
          read: from('read', 'value'),
          builtin: from('via_builtin', 'data'),
          id: from('store', 'blob_id'),
        },
      ),
      { hello: 'blobs' },
    );
    expect(result).toMatchObject({
      outcome: 'success',
      result: {
        read: { hello: 'blobs' },
        builtin: { hello: 'blobs' },
        id: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
  });

  it('serves flows/evaluate (with a nested step on the same server), submit_batch and get_batch', async () => {
    const harness = sampleHarness();
    const inner = flow(
      [{ id: 'inner_echo', component: '/sample/echo', input: { n: input('n') } }],
      from('inner_echo', 'n'),
    );
    const failing = flow(
      [{ id: 'boom', component: '/sample/fail', input: { code: 9, message: 'inner failed' } }],
      from('boom'),
    );
    const { result } = await harness.run(
      flow(
        [
          {
            id: 'one',
            component: '/sample/run_flow',
            input: { flow: { $literal: inner }, input: { n: 1 } },
          },
          {
            id: 'many',
            component: '/sample/map_flow',
            input: {
              flow: { $literal: inner },
              items: [{ n: 1 }, { n: 2 }, { n: 3 }],
              max_concurrency: 2,
            },
          },
          {
            id: 'bad',
            component: '/sample/run_flow',
            input: { flow: { $literal: failing }, input: {} },
            onError: { action: 'useDefault', defaultValue: 'inner failed as expected' },
          },
        ],
        { one: from('one'), many: from('many', 'results'), bad: from('bad') },
      ),
      {},
    );
    expect(result).toEqual({
      outcome: 'success',
      result: { one: 1, many: [1, 2, 3], bad: 'inner failed as expected' },
    });
  });

  it('serves flows/get_metadata for the current step, and null for a step the flow does not have', async () => {
    const harness = sampleHarness();
    const { result } = await harness.run(
      flow(
        [
          {
            id: 'meta',
            component: '/sample/step_metadata',
            input: { other_step: 'other' },
            metadata: { owner: 'team-a' },
          },
          {
            id: 'other',
            component: '/sample/step_metadata',
            input: { other_step: 'missing' },
            metadata: { tier: 2 },
          },
        ],
        { meta: from('meta'), other: from('other') },
        { metadata: { project: 'demo' } },
      ),
      {},
    );
    expect(result).toEqual({
      outcome: 'success',
      result: {
        meta: {
          flow_metadata: { project: 'demo' },
          step_metadata: { owner: 'team-a' },
          other_step_metadata: { tier: 2 },
        },
        other: {
          flow_metadata: { project: 'demo' },
          step_metadata: { tier: 2 },
          other_step_metadata: null,
        },
      },
    });
  });

  it('turns a component error into a step failure that onError handles', async () => {
    const harness = sampleHarness();
    const failing = { code: 7, message: 'no can do', data: { why: 'testing' } };
    const { result, events } = await harness.run(
      flow(
        [
          { id: 'fails', component: '/sample/fail', input: failing },
          {
            id: 'defaulted',
            component: '/sample/fail',
            input: failing,
            onError: { action: 'useDefault', defaultValue: 'fallback' },
          },
          { id: 'skipped', component: '/sample/fail', input: failing, onError: { action: 'skip' } },
          {
            id: 'unknown',
            component: '/sample/no_such_component',
            input: {},
            onError: { action: 'useDefault', defaultValue: 'none' },
          },
        ],
        { defaulted: from('defaulted'), unknown: from('unknown') },
      ),
      {},
    );
    expect(result).toEqual({
      outcome: 'success',
      result: { defaulted: 'fallback', unknown: 'none' },
    });
    const completed = events.filter((e) => e.type === 'stepCompleted') as {
      stepId: string;
      result: unknown;
    }[];
    const fails = completed.find((e) => e.stepId === 'fails')?.result;
    expect(fails).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(fails)).toContain('no can do');
    expect(JSON.stringify(fails)).toContain('7');
    expect(completed.find((e) => e.stepId === 'skipped')?.result).toMatchObject({
      outcome: 'skipped',
    });

    const referenced = await harness.run(
      flow([{ id: 'fails', component: '/sample/fail', input: failing }], from('fails')),
      {},
    );
    expect(referenced.result).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(referenced.result)).toContain('no can do');
  });

  it('routes by conditions on the step input', async () => {
    const harness = sampleHarness(
      {
        mock: {
          type: 'mock',
          components: {
            '/echo': {
              behaviors: { '{"target":"mock"}': { outcome: 'success', result: 'from the mock' } },
            },
          },
        },
      },
      {
        '/pick/{*component}': [
          { plugin: 'sample', conditions: [{ path: '$.target', value: 'server' }] },
          { plugin: 'mock' },
        ],
      },
    );
    const { result } = await harness.run(
      flow(
        [
          { id: 'to_server', component: '/pick/echo', input: { target: 'server' } },
          { id: 'to_mock', component: '/pick/echo', input: { target: 'mock' } },
        ],
        { server: from('to_server'), mock: from('to_mock') },
      ),
      {},
    );
    expect(result).toEqual({
      outcome: 'success',
      result: { server: { target: 'server' }, mock: 'from the mock' },
    });
  });

  it('restarts a server that killed itself and retries the step with attempt 2', async () => {
    const harness = sampleHarness();
    const { result, events } = await harness.run(
      flow(
        [
          { id: 'warm', component: '/sample/echo', input: 'warm' },
          { id: 'crash', component: '/sample/crash_once', input: { value: from('warm') } },
          { id: 'after', component: '/sample/echo', input: { after: from('crash', 'attempt') } },
        ],
        { crash: from('crash'), after: from('after') },
      ),
      {},
    );
    expect(result).toEqual({
      outcome: 'success',
      result: { crash: { attempt: 2, value: 'warm' }, after: { after: 2 } },
    });
    expect(harness.transports).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'stepRetrying',
        stepId: 'crash',
        attempt: 1,
        reason: 'transport',
      }),
    );
    expect(harness.logs.some((line) => line.includes("component server 'sample' stopped"))).toBe(
      true,
    );
  });

  it('fails a step whose server keeps crashing, after the transport budget, naming the plugin', async () => {
    const harness = sampleHarness();
    const { result } = await harness.run(
      flow(
        [
          { id: 'crash', component: '/sample/crash_once', input: { crash_attempts: 99 } },
          { id: 'fine', component: '/sample/echo', input: 'still here' },
        ],
        { crash: from('crash'), fine: from('fine') },
      ),
      {},
    );
    expect(result).toMatchObject({ outcome: 'failed' });
    const text = JSON.stringify(result);
    expect(text).toContain("component server 'sample'");
    expect(text).toMatch(/crash|stopped|dead/);
  });

  it('times a server that never answers out by the step timeoutMs, and ends it on close', async () => {
    const harness = sampleHarness(
      { silent: (marker: string) => nodePlugin(join(FIXTURES, 'silent-server.mjs'), marker) },
      {
        '/silent/{*component}': [{ plugin: 'silent' }],
      },
    );
    const { result } = await harness.run(
      flow(
        [
          { id: 'hangs', component: '/silent/anything', input: {}, timeoutMs: 300 },
          { id: 'fine', component: '/sample/echo', input: 'ok' },
        ],
        { hangs: from('hangs'), fine: from('fine') },
      ),
      {},
    );
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(result)).toContain('timed out after 300 ms');
    expect(harness.transports.filter((t) => t.pid !== undefined)).toHaveLength(2);
  });

  it('kills and restarts a server that does not answer the handshake in initializeTimeoutMs, then gives up', async () => {
    const harness = sampleHarness(
      {
        silent: (marker: string) =>
          nodePlugin(join(FIXTURES, 'silent-server.mjs'), marker, { initializeTimeoutMs: 150 }),
      },
      { '/silent/{*component}': [{ plugin: 'silent' }] },
    );
    const { result } = await harness.run(
      flow([{ id: 'hangs', component: '/silent/anything', input: {} }], from('hangs')),
      {},
    );
    expect(result).toMatchObject({ outcome: 'failed' });
    const text = JSON.stringify(result);
    expect(text).toContain("component server plugin 'silent'");
    expect(text).toContain('failed 5 times in a row');
    expect(text).toMatch(/timed? ?out/i);
    expect(harness.transports).toHaveLength(5);
  });

  it('logs and drops stdout lines that are not protocol messages, and keeps working', async () => {
    const harness = createHarness((marker) => ({
      plugins: { noisy: nodePlugin(join(FIXTURES, 'garbage-server.mjs'), marker) },
      routes: { '/noisy/{*component}': [{ plugin: 'noisy' }] },
    }));
    open.push(harness);
    const { result } = await harness.run(
      flow([{ id: 'echo', component: '/noisy/echo', input: { ok: true } }], from('echo')),
      {},
    );
    expect(result).toEqual({ outcome: 'success', result: { ok: true } });
    expect(harness.transports).toHaveLength(1);
    expect(
      harness.logs.some((line) => line.includes("'noisy'") && line.includes('Loading models')),
    ).toBe(true);
  });

  it('marks a server that dies on every start dead, failing only the steps routed to it', async () => {
    const harness = sampleHarness(
      { dead: (marker: string) => nodePlugin(join(FIXTURES, 'exit-server.mjs'), marker) },
      {
        '/dead/{*component}': [{ plugin: 'dead' }],
      },
    );
    const { result, events } = await harness.run(
      flow(
        [
          {
            id: 'doomed',
            component: '/dead/echo',
            input: {},
            onError: { action: 'useDefault', defaultValue: 'n/a' },
          },
          { id: 'fine', component: '/sample/echo', input: 'ok' },
        ],
        { doomed: from('doomed'), fine: from('fine') },
      ),
      {},
    );
    expect(result).toEqual({ outcome: 'success', result: { doomed: 'n/a', fine: 'ok' } });
    const retrying = events.filter((e) => e.type === 'stepRetrying' && e.stepId === 'doomed');
    expect(retrying).toHaveLength(0);
    const dead = harness.logs.find((line) => line.includes('marked dead'));
    expect(dead).toContain("component server plugin 'dead'");
    expect(dead).toContain('cannot load my configuration');
    const second = await harness.run(
      flow([{ id: 'again', component: '/dead/echo', input: {} }], from('again')),
      {},
    );
    expect(JSON.stringify(second.result)).toContain("component server plugin 'dead'");
    // It failed the same way twice: dead without three more tries.
    expect(harness.transports).toHaveLength(1 + 2);
  });

  it('queues executions beyond the plugin maxConcurrency', async () => {
    const harness = sampleHarness({}, {}, { maxConcurrency: 2 });
    const steps = Array.from({ length: 6 }, (_, i) => ({
      id: `p${i}`,
      component: '/sample/concurrency_probe',
      input: { ms: 30 },
    }));
    const { result } = await harness.run(
      flow(steps, Object.fromEntries(steps.map((s) => [s.id, from(s.id, 'peak')]))),
      {},
    );
    expect(result).toMatchObject({ outcome: 'success' });
    const peaks = Object.values((result as { result: Record<string, number> }).result);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(2);
  });

  it('rejects a config whose command is missing with a clear error at the step', async () => {
    const harness = sampleHarness(
      {
        missing: {
          type: 'stepflow',
          transport: 'stdio',
          command: 'stepflow-no-such-server-binary',
          args: [],
        },
      },
      {
        '/missing/{*component}': [{ plugin: 'missing' }],
      },
    );
    const { result } = await harness.run(
      flow([{ id: 'x', component: '/missing/echo', input: {} }], from('x')),
      {},
    );
    expect(result).toMatchObject({ outcome: 'failed' });
    const text = JSON.stringify(result);
    expect(text).toContain("component server plugin 'missing'");
    expect(text).toContain('could not be started');
  });
});
