// The built sample server over HTTP and WebSocket serves /udf (arbitrary code), so it refuses to
// listen without a token unless --allow-unauthenticated-udf accepts the risk.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { createWebSocketClientTransport, WebSocketTransportError } from '@stepflow/transport-ws';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_SERVER_MAIN } from './scripted-runtime.ts';

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    // Reaped: no /proc entry is left for the pid.
    await expect(readFile(`/proc/${child.pid}/stat`)).rejects.toMatchObject({ code: 'ENOENT' });
  }
});

interface Started {
  readonly child: ChildProcess;
  /** Resolves with the URL once "listening on" is printed, or with undefined on exit. */
  readonly url: Promise<string | undefined>;
  readonly stderr: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [SAMPLE_SERVER_MAIN, '--port', '0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, STEPFLOW_TOKEN: '', ...env },
  });
  children.push(child);
  let stderr = '';
  const url = new Promise<string | undefined>((resolve) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', () => resolve(undefined));
  });
  return { child, url, stderr: () => stderr };
}

const execute = {
  component: '/echo',
  input: 'hi',
  attempt: 1,
  observability: {},
};

/** POSTs one execute request, with or without a bearer token; returns the status. */
async function post(url: string, token?: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'components/execute', params: execute }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Connects over WebSocket; resolves with the refusal status, or 'open' when it connected. */
async function connectWs(url: string, token?: string): Promise<number | 'open'> {
  const transport = createWebSocketClientTransport({
    url,
    reconnect: false,
    ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }),
  });
  const peer = createJsonRpcPeer(transport, { onError: () => {} });
  try {
    await peer.start();
    expect(await peer.request('components/execute', execute)).toEqual({ output: 'hi' });
    return 'open';
  } catch (error) {
    if (error instanceof WebSocketTransportError && error.status !== undefined) return error.status;
    throw error;
  } finally {
    await peer.close();
  }
}

describe.each(['http', 'websocket'])('the sample server over --transport %s', (transport) => {
  it('refuses to start without a token, naming both ways out', async () => {
    const server = start(['--transport', transport]);
    expect(await server.url).toBeUndefined();
    expect(server.child.exitCode).toBe(2);
    expect(server.stderr()).toContain(
      `--transport ${transport} needs --token (or STEPFLOW_TOKEN): without one, any process that can connect could run arbitrary code through /udf. Pass --allow-unauthenticated-udf`,
    );
  });

  it.each([
    ['--token', ['--token', 'secret'], {}],
    ['STEPFLOW_TOKEN', [], { STEPFLOW_TOKEN: 'secret' }],
  ])('starts with %s and answers 401 to requests without it', async (_how, args, env) => {
    const server = start(['--transport', transport, ...args], env);
    const url = await server.url;
    expect(url).toBeDefined();
    expect(server.stderr()).not.toContain('warning');
    if (transport === 'http') {
      expect(await post(url!)).toBe(401);
      expect(await post(url!, 'wrong')).toBe(401);
      expect(await post(url!, 'secret')).toBe(200);
    } else {
      expect(await connectWs(url!)).toBe(401);
      expect(await connectWs(url!, 'wrong')).toBe(401);
      expect(await connectWs(url!, 'secret')).toBe('open');
    }
  });

  it('starts without a token with --allow-unauthenticated-udf, after a warning', async () => {
    const server = start(['--transport', transport, '--allow-unauthenticated-udf']);
    const url = await server.url;
    expect(url).toBeDefined();
    expect(server.stderr()).toContain(
      `warning: ${transport === 'http' ? 'serveHttp' : 'serveWebSocket'}: 'stepflow-sample-server' serves /udf on 127.0.0.1:0 without a token`,
    );
    if (transport === 'http') expect(await post(url!)).toBe(200);
    else expect(await connectWs(url!)).toBe('open');
  });
});

describe('the sample server over stdio', () => {
  it('rejects --token, which only network transports take', async () => {
    const server = start(['--token', 'secret']);
    expect(await server.url).toBeUndefined();
    expect(server.child.exitCode).toBe(2);
    expect(server.stderr()).toContain('--token and --allow-unauthenticated-udf apply to http');
  });
});
