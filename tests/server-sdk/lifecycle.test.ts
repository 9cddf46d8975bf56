import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, SAMPLE_SERVER_MAIN, startScriptedRuntime } from './scripted-runtime.ts';

const LIFECYCLE_SERVER = fileURLToPath(new URL('./fixtures/lifecycle-server.mjs', import.meta.url));

/** A raw child: every stdout line is parsed as JSON (a non-JSON line fails the test). */
interface RawChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdoutLines: string[];
  readonly stderr: () => string;
  send(message: unknown): void;
  response(id: number): Promise<Record<string, unknown>>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startRaw(script: string, env: Record<string, string> = {}): Promise<RawChild> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  children.push(child);
  const stdoutLines: string[] = [];
  const waiters = new Map<number, (message: Record<string, unknown>) => void>();
  const seen = new Map<number, Record<string, unknown>>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdoutLines.push(line);
    const message = JSON.parse(line) as Record<string, unknown>;
    const id = message.id as number;
    seen.set(id, message);
    waiters.get(id)?.(message);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const ready = new Promise<void>((resolve) => {
    const check = (chunk: string) => {
      if (chunk.includes('ready') || stderr.includes('ready')) resolve();
    };
    child.stderr.on('data', check);
  });
  if (script === LIFECYCLE_SERVER) await ready;
  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    send: (message) =>
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...(message as object) })}\n`),
    response: (id) => {
      const known = seen.get(id);
      return known ? Promise.resolve(known) : new Promise((resolve) => waiters.set(id, resolve));
    },
    exit,
  };
}

const execute = (id: number, component: string, input: unknown) => ({
  id,
  method: 'components/execute',
  params: { component, input, attempt: 1, observability: {} },
});

describe('server process lifecycle over stdio', () => {
  it('keeps stdout for protocol messages only: console output and raw writes go to stderr', async () => {
    const raw = await startRaw(LIFECYCLE_SERVER);
    raw.send(execute(1, '/noisy', { n: 1 }));
    expect(await raw.response(1)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { output: { quiet: true } },
    });
    raw.child.stdin.end();
    expect(await raw.exit).toEqual({ code: 0, signal: null });
    expect(raw.stdoutLines).toHaveLength(1);
    for (const text of [
      'stray console.log at startup',
      'stray process.stdout.write at startup',
      'console.log from a handler',
      'console.info from a handler',
      'console.warn from a handler',
      'raw stdout write from a handler',
    ]) {
      expect(raw.stderr()).toContain(text);
    }
  });

  it('exits with code 0 on stdin EOF after in-flight executions finish', async () => {
    const raw = await startRaw(LIFECYCLE_SERVER, { GRACE_MS: '10000' });
    raw.send(execute(1, '/wait', { ms: 200 }));
    raw.send(execute(2, '/wait', { ms: 0 }));
    await raw.response(2);
    raw.child.stdin.end();
    expect(await raw.exit).toEqual({ code: 0, signal: null });
  });

  it('on SIGTERM lets running executions finish within the grace period, fails the rest, and exits 0', async () => {
    const raw = await startRaw(LIFECYCLE_SERVER, { GRACE_MS: '300' });
    raw.send(execute(1, '/wait', { ms: 50 }));
    raw.send(execute(2, '/wait', { ms: 600_000 }));
    raw.send(execute(3, '/wait', { ms: 0 }));
    await raw.response(3); // all three have been read and started
    raw.child.kill('SIGTERM');
    expect(await raw.response(1)).toMatchObject({ result: { output: { waited: 50 } } });
    expect(await raw.response(2)).toMatchObject({
      error: { code: -32003, message: 'Component execution failed: the server is shutting down' },
    });
    expect(await raw.exit).toEqual({ code: 0, signal: null });
    expect(raw.stderr()).toContain('SIGTERM received');
  });

  it('fails an execution that ignores its signal when the grace period ends, and still exits', async () => {
    const raw = await startRaw(LIFECYCLE_SERVER, { GRACE_MS: '100' });
    raw.send(execute(1, '/wait', { ms: 600_000, ignoreAbort: true }));
    raw.send(execute(2, '/wait', { ms: 0 }));
    await raw.response(2);
    raw.child.kill('SIGTERM');
    expect(await raw.response(1)).toMatchObject({
      error: { code: -32003, message: 'Component execution failed: the server is shutting down' },
    });
    expect(await raw.exit).toEqual({ code: 0, signal: null });
  });

  it('leaves no child behind when the runtime side closes the transport', async () => {
    const runtime = await startScriptedRuntime(SAMPLE_SERVER_MAIN);
    const pid = runtime.transport.pid;
    expect(await runtime.execute('/echo', 1)).toBe(1);
    const slow = runtime.execute('/slow', { ms: 600_000 }).catch((error: unknown) => error);
    await runtime.close();
    expect(await slow).toBeInstanceOf(Error);
    expect(isAlive(pid)).toBe(false);
  });

  it.each(['http', 'websocket'])(
    'serves over --transport %s, answers /health and stops on SIGTERM',
    async (transport) => {
      const child = spawn(
        process.execPath,
        [SAMPLE_SERVER_MAIN, '--transport', transport, '--port', '0', '--token', 'lifecycle'],
        {
          stdio: 'pipe',
        },
      );
      children.push(child);
      let stderr = '';
      const url = await new Promise<string>((resolve) => {
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const match = /listening on (\S+)/.exec(stderr);
          if (match) resolve(match[1]!);
        });
      });
      const httpUrl = url.replace(/^ws/, 'http').replace(/\/?$/, '/');
      const health = await fetch(`${httpUrl}health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'healthy' });
      if (transport === 'http') {
        const response = await fetch(httpUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: 'Bearer lifecycle',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'components/execute',
            params: { component: '/echo', input: 'hi', attempt: 1, observability: {} },
          }),
        });
        expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { output: 'hi' } });
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    },
  );

  it('rejects an unknown --transport with a usage error', async () => {
    const child = spawn(process.execPath, [SAMPLE_SERVER_MAIN, '--transport', 'carrier-pigeon'], {
      stdio: 'pipe',
    });
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--transport carrier-pigeon is not supported');
  });
});
