import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMcpHarness,
  FIXTURE_SERVER,
  oneStep,
  type McpHarness,
} from '../../test/mcp-harness.ts';

// Against a fixture MCP server (test/fixtures) that pages its tools and crashes on demand.
const harnesses: McpHarness[] = [];
/** Tests that start the server several times: generous on a loaded machine. */
const RESTARTS_TIMEOUT_MS = 90_000;
/** Waits for what another process does (its stderr lines) without a fixed sleep. */
const eventually = { timeout: 15_000, interval: 20 };
const directories: string[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

function fixture(
  env: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): McpHarness {
  const harness = createMcpHarness({
    fx: { type: 'mcp', command: process.execPath, args: [FIXTURE_SERVER], env, ...extra },
  });
  harnesses.push(harness);
  return harness;
}

function causeOf(result: unknown): string {
  return JSON.stringify(result);
}

function pidOf(result: unknown): number {
  return (result as { result: { pid: number } }).result.pid;
}

describe('an MCP plugin', () => {
  it('reads every page of tools/list', async () => {
    const harness = fixture({ FIXTURE_PAGE_SIZE: '2' });
    const components = (await harness.runtime.listComponents())
      .filter((entry) => entry.plugin === 'fx')
      .map((entry) => entry.info.component);
    expect(components).toEqual([
      '/whoami',
      '/gate',
      '/crash-once',
      '/crash',
      '/noisy',
      '/fail',
      '/rpc-error',
      '/stall',
      '/two-texts',
      '/add-tool',
    ]);
    // A tool of the last page is callable.
    expect(await harness.run(oneStep('/fx/two-texts', {}))).toMatchObject({ outcome: 'success' });
  });

  it('lists the tools again when the server says they changed', async () => {
    const result = await fixture({}, { output: 'text' }).run(`steps:
  - { id: add, component: /fx/add-tool, input: {} }
  - { id: call, component: /fx/late, input: { after: { $from: { step: add } } } }
output: { $from: { step: call } }
`);
    expect(result).toEqual({ outcome: 'success', result: 'late tool' });
  });

  it('runs tool calls concurrently', async () => {
    // Each gate call answers only once three are in flight: serialised calls would never end.
    const result = await fixture({}, { output: 'text' }).run(`steps:
  - { id: a, component: /fx/gate, input: { parties: 3 } }
  - { id: b, component: /fx/gate, input: { parties: 3 } }
  - { id: c, component: /fx/gate, input: { parties: 3 } }
output: [{ $from: { step: a } }, { $from: { step: b } }, { $from: { step: c } }]
`);
    expect(result).toEqual({
      outcome: 'success',
      result: ['released with 3', 'released with 3', 'released with 3'],
    });
  });

  it(
    'restarts a server that crashed, and the engine retries the step on it',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stepflow-mcp-'));
      directories.push(dir);
      const harness = fixture({}, { toolOutput: { whoami: 'structured' } });
      const before = pidOf(await harness.run(oneStep('/fx/whoami', {})));
      const result = await harness.run(oneStep('/fx/crash-once', { marker: join(dir, 'crashed') }));
      expect(result).toMatchObject({ outcome: 'success' });
      const after = pidOf(await harness.run(oneStep('/fx/whoami', {})));
      expect(after).not.toBe(before);
      expect(harness.logs.some((line) => line.startsWith("warn MCP server 'fx' stopped"))).toBe(
        true,
      );
    },
    RESTARTS_TIMEOUT_MS,
  );

  it(
    'marks a server that keeps crashing dead, with one clear error',
    async () => {
      const harness = fixture();
      const result = await harness.run(oneStep('/fx/crash', {}));
      expect(result.outcome).toBe('failed');
      expect(causeOf(result)).toMatch(/MCP server 'fx'/);
      const errors = harness.logs.filter((line) => line.startsWith('error '));
      expect(errors.length).toBeLessThanOrEqual(1);
      // The server's stderr is logged, tagged with the plugin.
      expect(harness.logs).toContain('info [fx] fixture: crashing on request {"plugin":"fx"}');
    },
    RESTARTS_TIMEOUT_MS,
  );

  it('fails once, clearly, when the command does not exist', async () => {
    const harness = createMcpHarness({
      gone: { type: 'mcp', command: `no-such-command-${randomUUID()}`, args: [] },
    });
    harnesses.push(harness);
    const first = await harness.run(oneStep('/gone/anything', {}));
    const second = await harness.run(oneStep('/gone/anything', {}));
    for (const result of [first, second]) {
      expect(result.outcome).toBe('failed');
      expect(causeOf(result)).toMatch(
        /MCP server plugin 'gone' \(no-such-command-[^)]*\) could not be started and is marked dead: .*ENOENT/,
      );
    }
    expect(harness.logs.filter((line) => line.startsWith('error '))).toHaveLength(1);
    expect(harness.logs.filter((line) => line.startsWith('warn '))).toHaveLength(0);
    await expect(harness.runtime.listComponents()).rejects.toThrow(/could not be started/);
  });

  it(
    'gives up on a server that exits the same way at every start, with its stderr',
    async () => {
      const harness = fixture({ FIXTURE_REFUSE: 'bad licence' });
      const result = await harness.run(oneStep('/fx/whoami', {}));
      expect(result.outcome).toBe('failed');
      expect(causeOf(result)).toMatch(
        /failed the same way on two starts in a row and is marked dead: the server did not start: .*fixture: refusing to start \(bad licence\)/,
      );
      expect(harness.logs.filter((line) => line.startsWith('warn '))).toHaveLength(1);
    },
    RESTARTS_TIMEOUT_MS,
  );

  it('drains a chatty stderr so the server never blocks on it', async () => {
    const harness = fixture({}, { output: 'text' });
    // 5000 lines of ~115 bytes: far beyond a pipe's buffer.
    const result = await harness.run(oneStep('/fx/noisy', { lines: 5000 }));
    expect(result).toEqual({ outcome: 'success', result: 'quiet again' });
    // stderr and stdout are separate pipes: the last lines may still be on their way.
    await vi.waitFor(
      () =>
        expect(harness.logs.filter((line) => line.startsWith('info [fx] noise line'))).toHaveLength(
          5000,
        ),
      eventually,
    );
  });

  it('turns isError into a failed step with the text, and a JSON-RPC error into a step error', async () => {
    const harness = fixture();
    expect(await harness.run(oneStep('/fx/fail', { message: 'disk full' }))).toEqual({
      outcome: 'failed',
      error: { code: -32003, message: 'disk full', data: { tool: 'fail' } },
    });
    const rpc = await harness.run(oneStep('/fx/rpc-error', {}));
    expect(rpc.outcome).toBe('failed');
    expect(causeOf(rpc)).toMatch(
      /"code":-32050,"message":"MCP tool 'rpc-error' \(plugin 'fx', step 'call'\) failed: custom failure","data":\{"why":"asked to"\}/,
    );
    const recovered = await harness.run(
      oneStep('/fx/rpc-error', {}, '    onError: { action: useDefault, defaultValue: 7 }'),
    );
    expect(recovered).toEqual({ outcome: 'success', result: 7 });
  });

  it('bounds a call that never answers by timeoutMs, and cancels it', async () => {
    const harness = fixture({}, { timeoutMs: 100 });
    const result = await harness.run(oneStep('/fx/stall', {}));
    expect(result.outcome).toBe('failed');
    expect(causeOf(result)).toMatch(
      /MCP tool 'stall' \(plugin 'fx', step 'call'\) did not answer within 100 ms/,
    );
    // The server was told to cancel and is still usable.
    await vi.waitFor(
      () => expect(harness.logs.join('\n')).toContain('fixture: stall cancelled'),
      eventually,
    );
    expect(await harness.run(oneStep('/fx/fail', {}))).toMatchObject({ outcome: 'failed' });
  });

  it('cancels the tool call on the server when the run is cancelled', async () => {
    const harness = fixture();
    const controller = new AbortController();
    const running = harness.run(oneStep('/fx/stall', {}), {}, controller.signal);
    await vi.waitFor(
      () => expect(harness.logs.join('\n')).toContain('fixture: stall started'),
      eventually,
    );
    controller.abort(new Error('stopped by the test'));
    expect(await running).toMatchObject({ outcome: 'failed' });
    await vi.waitFor(
      () => expect(harness.logs.join('\n')).toContain('fixture: stall cancelled'),
      eventually,
    );
  });

  it('names the tool when the result does not fit the output mode', async () => {
    const text = await fixture({}, { output: 'text' }).run(oneStep('/fx/two-texts', {}));
    expect(causeOf(text)).toMatch(
      /MCP tool 'two-texts' did not return a single text item \(output mode 'text'\); it returned 2 content item\(s\) of type text/,
    );
    const structured = await fixture({}, { output: 'structured' }).run(
      oneStep('/fx/two-texts', {}),
    );
    expect(causeOf(structured)).toMatch(/MCP tool 'two-texts' returned no structuredContent/);
  });

  it('rejects an input that is not an object of arguments', async () => {
    const result = await fixture().run(oneStep('/fx/whoami', [1, 2]));
    expect(causeOf(result)).toMatch(
      /the input of MCP tool 'whoami' \(plugin 'fx', step 'call'\) must be an object of arguments, not a list/,
    );
  });

  it('leaves no process behind when closed', async () => {
    const harness = fixture({}, { toolOutput: { whoami: 'structured' } });
    const pid = pidOf(await harness.run(oneStep('/fx/whoami', {})));
    await harness.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
