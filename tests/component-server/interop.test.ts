import { join } from 'node:path';
import type { Flow } from '@stepflow/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHarness,
  FIXTURES,
  FLOW_SCHEMA,
  leftovers,
  nodePlugin,
  type Harness,
} from './harness.ts';

const open: Harness[] = [];

afterEach(async () => {
  for (const harness of open.splice(0)) {
    await harness.close();
    expect(await leftovers(harness)).toEqual([]);
  }
});

/** A harness with one fixture server as plugin `server`, routed at `/s/{*component}`. */
function serverHarness(fixture: string, extra: Record<string, unknown> = {}): Harness {
  const harness = createHarness((marker) => ({
    plugins: { server: nodePlugin(join(FIXTURES, fixture), marker, extra) },
    routes: { '/s/{*component}': [{ plugin: 'server' }] },
  }));
  open.push(harness);
  return harness;
}

function flow(steps: unknown[], output: unknown, extra: Record<string, unknown> = {}): Flow {
  return { schema: FLOW_SCHEMA, steps, output, ...extra } as unknown as Flow;
}

const from = (step: string): unknown => ({ $from: { step } });
/** The FlowResult of the nested flow for input `value`. */
const ok = (value: number): unknown => ({ outcome: 'success', result: { got: value } });

/** A flow the fixture stores and runs nested: it wraps its input. */
const INNER = { schema: FLOW_SCHEMA, steps: [], output: { got: { $from: { workflow: 'input' } } } };

describe('callbacks without observability (as the Python SDK sends them)', () => {
  it('serves get_metadata, evaluate and batches while two steps of one server run in parallel', async () => {
    const harness = serverHarness('python-sdk-like-server.mjs');
    const { result } = await harness.run(
      flow(
        [
          {
            id: 'first',
            component: '/s/metadata',
            input: { together: 3 },
            metadata: { role: 'first' },
          },
          {
            id: 'second',
            component: '/s/metadata',
            input: { together: 3 },
            metadata: { role: 'second' },
          },
          {
            id: 'nested',
            component: '/s/nested',
            input: { together: 3, flow: { $literal: INNER }, value: 1 },
          },
        ],
        { first: from('first'), second: from('second'), nested: from('nested') },
        { metadata: { owner: 'interop' } },
      ),
      {},
    );
    expect(result).toEqual({
      outcome: 'success',
      result: {
        first: { flow_metadata: { owner: 'interop' }, step_metadata: { role: 'first' } },
        second: { flow_metadata: { owner: 'interop' }, step_metadata: { role: 'second' } },
        nested: {
          evaluated: { outcome: 'success', result: { got: 1 } },
          batch: [ok(1), ok(2)],
        },
      },
    });
    expect(harness.transports).toHaveLength(1);
  });

  it('serves them while steps of two different runs on one server are in flight', async () => {
    const harness = serverHarness('python-sdk-like-server.mjs');
    const nested = (value: number): Flow =>
      flow(
        [
          {
            id: 'nested',
            component: '/s/nested',
            input: { together: 2, flow: { $literal: INNER }, value },
          },
        ],
        from('nested'),
      );
    const [one, two] = await Promise.all([
      harness.run(nested(10), {}),
      harness.run(nested(20), {}),
    ]);
    expect(one.result).toEqual({
      outcome: 'success',
      result: {
        evaluated: { outcome: 'success', result: { got: 10 } },
        batch: [ok(10), ok(11)],
      },
    });
    expect(two.result).toEqual({
      outcome: 'success',
      result: {
        evaluated: { outcome: 'success', result: { got: 20 } },
        batch: [ok(20), ok(21)],
      },
    });
  });
});

describe('component servers that list names without a leading slash', () => {
  it('are sent the spelling they list, also after a restart', async () => {
    const harness = serverHarness('unslashed-server.mjs');
    const { result } = await harness.run(
      flow(
        [
          { id: 'sum', component: '/s/add', input: { a: 2, b: 3 } },
          { id: 'restarted', component: '/s/crash_first', input: { after: from('sum') } },
        ],
        { sum: from('sum'), restarted: from('restarted') },
      ),
      {},
    );
    expect(result).toEqual({ outcome: 'success', result: { sum: 5, restarted: { attempt: 2 } } });
    expect(harness.transports).toHaveLength(2);
  });
});

describe('servers that never answer', () => {
  const step = (component: string): Flow =>
    flow([{ id: 'call', component: `/s/${component}`, input: {} }], from('call'));

  it('fail the step after the plugin defaultTimeoutMs', async () => {
    const harness = serverHarness('misbehaving-server.mjs', { defaultTimeoutMs: 200 });
    const { result } = await harness.run(step('hang'), {});
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(result)).toContain(
      "component server 'server' did not answer in time (defaultTimeoutMs 200) executing /hang for step 'call'",
    );
  });

  it('fail the request whose response is over maxMessageBytes at once, and keep the server', async () => {
    const harness = serverHarness('misbehaving-server.mjs', { maxMessageBytes: 1024 });
    const { result } = await harness.run(step('huge'), {});
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(result)).toContain(
      'Incoming message exceeds the maximum size of 1 KiB (more than 4',
    );
    expect(harness.transports).toHaveLength(1);
    expect(
      harness.logs.filter((line) => line.includes('exceeds the maximum size')).length,
    ).toBeGreaterThan(0);
  });

  for (const component of ['stop', 'close_stdout']) {
    it(`are ended and restarted when they can no longer answer (${component})`, async () => {
      const harness = serverHarness('misbehaving-server.mjs');
      const { result } = await harness.run(step(component), {});
      expect(result).toEqual({ outcome: 'success', result: { attempt: 2 } });
      expect(harness.transports).toHaveLength(2);
    });
  }
});
