import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportCloseInfo } from '@stepflow/jsonrpc';
import {
  ChildProcessExitedError,
  ChildProcessSpawnError,
  spawnStdioTransport,
  type SpawnStdioTransportOptions,
  type StdioChildTransport,
} from './index.ts';

/** A child that echoes each line back as `{ echo: <parsed line> }`. */
const ECHO = `
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (c) => {
  buf += c;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const msg = JSON.parse(line);
    if (msg.method === 'exit') { process.stderr.write('bye from child\\n'); process.exit(msg.params); }
    if (msg.method === 'env') { process.stdout.write(JSON.stringify({ env: process.env.STEPFLOW_TEST, cwd: process.cwd() }) + '\\n'); continue; }
    process.stdout.write(JSON.stringify({ echo: msg }) + '\\n');
  }
});
`;

const transports: StdioChildTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function child(script: string, options: Partial<SpawnStdioTransportOptions> = {}) {
  const stderr: string[] = [];
  const transport = spawnStdioTransport({
    command: process.execPath,
    args: ['-e', script],
    stderrLines: (line) => stderr.push(line),
    ...options,
  });
  transports.push(transport);
  const messages: unknown[] = [];
  const errors: Error[] = [];
  let closeInfo: TransportCloseInfo | undefined;
  let wake: (() => void) | undefined;
  const closed = new Promise<TransportCloseInfo>((resolve) => {
    transport.onclose = (info) => {
      closeInfo = info;
      resolve(info);
    };
  });
  transport.onmessage = (m) => {
    messages.push(m);
    wake?.();
  };
  transport.onerror = (e) => errors.push(e);
  const next = async () => {
    while (messages.length === 0) {
      if (closeInfo !== undefined) throw new Error('closed while waiting for a message');
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return messages.shift();
  };
  return { transport, stderr, errors, closed, next };
}

describe('spawnStdioTransport', () => {
  it('spawns the command and exchanges newline-delimited JSON', async () => {
    const c = child(ECHO);
    await c.transport.start();
    expect(c.transport.pid).toBeTypeOf('number');
    await c.transport.send({ jsonrpc: '2.0', method: 'hi', params: { n: 1 } });
    expect(await c.next()).toEqual({ echo: { jsonrpc: '2.0', method: 'hi', params: { n: 1 } } });
  });

  it('passes env and cwd, without a shell', async () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'stdio-cwd-')));
    const c = child(ECHO, { env: { ...process.env, STEPFLOW_TEST: '$HOME;`x`' }, cwd });
    await c.transport.start();
    await c.transport.send({ jsonrpc: '2.0', method: 'env' });
    expect(await c.next()).toEqual({ env: '$HOME;`x`', cwd });
  });

  it('closes with exit code and the last stderr lines when the child exits on its own', async () => {
    const c = child(ECHO, { stderrTailLines: 2 });
    await c.transport.start();
    await c.transport.send({ jsonrpc: '2.0', method: 'exit', params: 3 });
    const info = await c.closed;
    expect(ChildProcessExitedError.isInstance(info.error)).toBe(true);
    const error = info.error as ChildProcessExitedError;
    expect(error).toMatchObject({ exitCode: 3, signal: null, stderrTail: ['bye from child'] });
    expect(error.message).toMatch(
      /^Child process ".*node -e [\s\S]*" \(pid \d+\) exited with code 3; last stderr lines:\n {2}bye from child$/,
    );
    expect(c.stderr).toEqual(['bye from child']);
    await expect(c.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/is closed/);
  });

  it('reports the signal of a child killed from outside', async () => {
    const c = child(ECHO);
    await c.transport.start();
    process.kill(c.transport.pid!, 'SIGKILL');
    const info = await c.closed;
    expect(info.error).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    expect(info.error!.message).toContain('was killed by signal SIGKILL (no stderr output)');
  });

  it('close() ends the child with SIGTERM and closes without error', async () => {
    const c = child(ECHO);
    await c.transport.start();
    const pid = c.transport.pid;
    await c.transport.close();
    expect(await c.closed).toEqual({});
    expect(isAlive(pid)).toBe(false);
  });

  it('close() escalates to SIGKILL when the child ignores SIGTERM', async () => {
    const c = child(
      `process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\\n'));
       process.stdin.on('end', () => {}); process.stdout.write('{"ready":true}\\n');
       setInterval(() => {}, 1000);`,
      { killGraceMs: 200 },
    );
    await c.transport.start();
    expect(await c.next()).toEqual({ ready: true });
    const pid = c.transport.pid;
    await c.transport.close();
    expect(isAlive(pid)).toBe(false);
    expect(await c.closed).toEqual({});
  });

  it('ends a child that closed its stdout but stays alive, saying why', async () => {
    const c = child(
      `process.stdout.end(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000);`,
    );
    await c.transport.start();
    const pid = c.transport.pid;
    const info = await c.closed;
    expect(ChildProcessExitedError.isInstance(info.error)).toBe(true);
    expect(info.error!.message).toContain(
      'was killed by signal SIGTERM because it closed its stdout',
    );
    expect(isAlive(pid)).toBe(false);
  });

  it('ends a child found stopped, saying why', async () => {
    const c = child(`process.stdout.write('{"ready":true}\\n'); setInterval(() => {}, 1000);`, {
      livenessIntervalMs: 20,
    });
    await c.transport.start();
    expect(await c.next()).toEqual({ ready: true });
    const pid = c.transport.pid!;
    process.kill(pid, 'SIGSTOP');
    const info = await c.closed;
    expect(info.error!.message).toContain(
      'was killed by signal SIGKILL because it was stopped and could not answer',
    );
    expect(isAlive(pid)).toBe(false);
  });

  it('rejects start() with ChildProcessSpawnError for a missing command', async () => {
    const c = child('', { command: '/nonexistent/stepflow-server', args: [] });
    const error = await c.transport.start().catch((e: unknown) => e);
    expect(ChildProcessSpawnError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Could not start child process "\/nonexistent\/stepflow-server": spawn \/nonexistent\/stepflow-server ENOENT/,
    );
    expect((await c.closed).error).toBe(error);
  });

  it('reports stdout lines that are not JSON and keeps the connection', async () => {
    const lines: string[] = [];
    const c = child(
      `console.log('hello from a print statement'); console.log('{"ok":1}'); setInterval(() => {}, 1000);`,
      {
        onNonJsonLine: (line) => lines.push(line),
      },
    );
    await c.transport.start();
    expect(await c.next()).toEqual({ ok: 1 });
    expect(lines).toEqual(['hello from a print statement']);
  });

  it('close() before start() just closes', async () => {
    const c = child(ECHO);
    await c.transport.close();
    expect(await c.closed).toEqual({});
    await expect(c.transport.start()).rejects.toThrow(/already started/);
  });
});
