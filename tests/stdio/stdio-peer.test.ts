import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  createJsonRpcPeer,
  JsonRpcError,
  MalformedMessageError,
  type AnyMethods,
  type JsonRpcPeer,
} from '@stepflow/jsonrpc';
import {
  ChildProcessExitedError,
  InvalidJsonLineError,
  MessageTooLargeError,
  spawnStdioTransport,
  type StdioChildTransport,
} from '@stepflow/transport-stdio';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** What the parent serves to the child. */
type ParentMethods = { 'blobs/put': { params: { data: unknown }; result: { id: string } } };

interface Child {
  peer: JsonRpcPeer<AnyMethods, ParentMethods>;
  transport: StdioChildTransport;
  errors: Error[];
  stderr: string[];
  puts: unknown[];
  stderrLines: (count: number) => Promise<void>;
}

const children: Child[] = [];

afterEach(async () => {
  const all = children.splice(0);
  await Promise.all(all.map((c) => c.peer.close()));
  for (const c of all) expect(isAlive(c.transport.pid)).toBe(false);
});

/** Whether `pid` runs; a zombie (dead, not yet reaped by a non-reaping init) counts as dead. */
function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // No /proc (not Linux): signal 0 succeeded.
  }
}

async function startChild(maxMessageBytes?: number): Promise<Child> {
  const errors: Error[] = [];
  const stderr: string[] = [];
  const puts: unknown[] = [];
  const stderrWaiters: { count: number; resolve: () => void }[] = [];
  const transport = spawnStdioTransport({
    command: process.execPath,
    args: [fixture('child-server.mjs')],
    stderrLines: (line) => {
      stderr.push(line);
      for (const waiter of stderrWaiters) if (stderr.length >= waiter.count) waiter.resolve();
    },
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
  });
  const peer = createJsonRpcPeer<AnyMethods, ParentMethods>(transport, {
    onError: (e) => errors.push(e),
  });
  peer.handleRequest('blobs/put', ({ data }) => {
    puts.push(data);
    return { id: `blob-${puts.length}` };
  });
  await peer.start();
  /** Resolves once `count` stderr lines arrived (stderr is its own pipe: it can trail stdout). */
  const stderrLines = (count: number): Promise<void> =>
    new Promise((resolve) => {
      if (stderr.length >= count) resolve();
      else stderrWaiters.push({ count, resolve });
    });
  const child = { peer, transport, errors, stderr, puts, stderrLines };
  children.push(child);
  return child;
}

describe('JSON-RPC over a real child process', () => {
  it('round-trips requests, results and wire errors', async () => {
    const { peer, errors } = await startChild();
    await expect(peer.request('echo', { hello: ['wörld', 1, null] })).resolves.toEqual({
      hello: ['wörld', 1, null],
    });
    const error = await peer.request('fail', undefined).catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error)).toBe(true);
    expect((error as JsonRpcError).toJson()).toEqual({
      code: -32011,
      message: 'Not found',
      data: { what: 'thing' },
    });
    await expect(peer.request('nope', undefined)).rejects.toMatchObject({ code: -32601 });
    expect(errors).toEqual([]);
  });

  it('serves 1,000 concurrent requests that each call back into the parent while pending', async () => {
    const { peer, puts, errors } = await startChild();
    const results = (await Promise.all(
      Array.from({ length: 1000 }, (_, i) => peer.request('store', { i })),
    )) as { id: string; by: number }[];
    expect(puts).toHaveLength(1000);
    expect(new Set(results.map((r) => r.id)).size).toBe(1000);
    // Each response belongs to its own request: the child saw ids 1..1000.
    expect(results.map((r) => r.by)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(errors).toEqual([]);
  });

  it('rejects every pending request promptly when the child exits mid-request, with exit info', async () => {
    const { peer } = await startChild();
    const hanging = Array.from({ length: 5 }, () => peer.request('hang', undefined));
    const crash = peer.request('crash', { code: 7 });
    const outcomes = await Promise.all([...hanging, crash].map((p) => p.catch((e: unknown) => e)));
    for (const error of outcomes) {
      expect(ConnectionClosedError.isInstance(error)).toBe(true);
      const cause = (error as Error).cause;
      expect(ChildProcessExitedError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({
        exitCode: 7,
        signal: null,
        stderrTail: ['about to crash', 'crashing on purpose with code 7'],
      });
    }
    expect((outcomes[0] as Error).message).toMatch(
      /^Connection closed while request "hang" was pending: Child process ".*child-server\.mjs" \(pid \d+\) exited with code 7; last stderr lines:/,
    );
    const info = await peer.closed;
    expect(ChildProcessExitedError.isInstance(info.error)).toBe(true);
  });

  it('keeps serving while the child floods stderr', async () => {
    const { peer, stderr, stderrLines } = await startChild();
    // 16 MiB of stderr, far beyond any pipe buffer: unread stderr would block the child.
    const flood = peer.request('floodStderr', { lines: 16 * 1024, width: 1023 });
    const echoes = await Promise.all(Array.from({ length: 50 }, (_, i) => peer.request('echo', i)));
    expect(echoes).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await expect(flood).resolves.toBe('flooded');
    // stdout and stderr are separate pipes: the answer can arrive before the last stderr lines,
    // so the test waits for every line to be delivered before it closes the child.
    await stderrLines(16 * 1024);
    await peer.close();
    expect(stderr).toHaveLength(16 * 1024);
  });

  it('discards an oversized line with a clear error and stays connected', async () => {
    const { peer, errors } = await startChild(64 * 1024);
    await expect(peer.request('oversized', { bytes: 1024 * 1024 })).resolves.toBe(
      'after oversized',
    );
    await expect(peer.request('echo', 'still here')).resolves.toBe('still here');
    expect(errors).toHaveLength(1);
    expect(MessageTooLargeError.isInstance(errors[0])).toBe(true);
    expect(errors[0]!.message).toMatch(
      /^Incoming message exceeds the maximum size of 64 KiB .*discarded up to the next newline\. It starts with: \{"jsonrpc":"2\.0","method":"big","params":"xxx/,
    );
  });

  it('reports a garbage line and a response for an unknown id, and stays connected', async () => {
    const { peer, errors } = await startChild();
    await peer.request('writeRaw', { text: 'this is not json {\n' });
    await peer.request('writeRaw', { text: '{"jsonrpc":"2.0","id":999999,"result":"stray"}\n' });
    await expect(peer.request('echo', 'ok')).resolves.toBe('ok');
    expect(errors.map((e) => e.message)).toEqual([
      'Received a line that is not JSON; dropped: this is not json {',
      'Received a response for unknown request id 999999; dropped',
    ]);
    expect(InvalidJsonLineError.isInstance(errors[0])).toBe(true);
    expect(MalformedMessageError.isInstance(errors[1])).toBe(true);
  });

  it('answers -32600 to a bad envelope sent to the child, which stays up', async () => {
    const { peer, transport, errors } = await startChild();
    const got = new Promise<unknown>((resolve) => {
      const original = transport.onmessage!;
      transport.onmessage = (message) => {
        if ((message as { id?: unknown }).id === 'bad') resolve(message);
        else original(message);
      };
    });
    await transport.send({ jsonrpc: '1.0', id: 'bad', method: 'echo' } as never);
    await expect(got).resolves.toEqual({
      jsonrpc: '2.0',
      id: 'bad',
      error: { code: -32600, message: 'Invalid request: "jsonrpc" must be "2.0"' },
    });
    await expect(peer.request('echo', 1)).resolves.toBe(1);
    expect(errors).toEqual([]);
  });

  it('leaves no child behind when the parent exits without closing', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture('orphan-parent.mjs')]);
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // SIGKILL was sent before the parent exited; wait for the kernel to finish the job.
    for (let i = 0; i < 1000 && isAlive(pid); i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(isAlive(pid)).toBe(false);
  });
});
