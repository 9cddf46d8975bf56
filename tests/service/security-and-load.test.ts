// Refusals (token, Host, Origin, body size, non-loopback without a token), CORS allow-list, and
// 1,000 concurrent runs answered without an error.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  createWorkspace,
  GREET_FLOW,
  processesOf,
  startService,
  type ServiceProcess,
  type Workspace,
} from './service-harness.ts';

/** A raw request, for the headers `fetch` will not let a caller set (Host). */
function rawRequest(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

let workspace: Workspace;
let guarded: ServiceProcess;

beforeAll(async () => {
  workspace = await createWorkspace();
  guarded = await startService(
    workspace.dir,
    ['--store', 'memory', '--max-body-bytes', '4096', '--cors-origin', 'http://app.example'],
    { STEPFLOW_TOKEN: 's3cret-token' },
  );
});

afterAll(async () => {
  expect(await guarded.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

describe('refusals', () => {
  it('requires the bearer token everywhere but health', async () => {
    expect((await fetch(`${guarded.url}/api/v1/health`)).status).toBe(200);
    for (const path of ['runs', 'components', 'flows/x', 'openapi.json']) {
      const response = await fetch(`${guarded.url}/api/v1/${path}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = await response.json();
      expect(body).toEqual({ code: 401, message: expect.any(String) });
      expect(JSON.stringify(body)).not.toContain('s3cret');
    }
    const wrong = await fetch(`${guarded.url}/api/v1/runs`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect((await guarded.api('runs')).status).toBe(200);
  });

  it('refuses a foreign Host and a foreign Origin', async () => {
    const auth = { authorization: 'Bearer s3cret-token' };
    const host = await rawRequest(`${guarded.url}/api/v1/runs`, { ...auth, host: 'evil.example' });
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body)).toEqual({
      code: 403,
      message: "Host 'evil.example' is not allowed",
    });
    const origin = await rawRequest(`${guarded.url}/api/v1/runs`, {
      ...auth,
      origin: 'http://evil.example',
    });
    expect(origin.status).toBe(403);
    expect(origin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the allow-listed origin with CORS headers', async () => {
    const preflight = await rawRequest(
      `${guarded.url}/api/v1/runs`,
      { origin: 'http://app.example', 'access-control-request-method': 'POST' },
      'OPTIONS',
    );
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://app.example');
    const allowed = await rawRequest(`${guarded.url}/api/v1/runs`, {
      origin: 'http://app.example',
      authorization: 'Bearer s3cret-token',
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://app.example');
  });

  it('answers 413 for a body over the limit', async () => {
    const big = { flow: { ...GREET_FLOW, description: 'x'.repeat(8192) } };
    const answer = await guarded.api('flows', { body: big });
    expect(answer).toEqual({
      status: 413,
      body: { code: 413, message: 'Request body larger than the limit of 4096 bytes' },
    });
  });

  it('answers 413 for a chunked body (no Content-Length) over the limit', async () => {
    const answer = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(
        `${guarded.url}/api/v1/flows`,
        {
          method: 'POST',
          headers: { authorization: 'Bearer s3cret-token', 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => done({ status: res.statusCode!, body }));
        },
      );
      req.on('error', fail);
      req.write(`{"flow":{"description":"${'x'.repeat(3000)}`);
      req.end(`${'y'.repeat(3000)}"}}`);
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      code: 413,
      message: 'Request body larger than the limit of 4096 bytes',
    });
  });

  it('refuses to bind off loopback without a token, and leaves nothing behind', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--host', '0.0.0.0', '--port', '0', '--store', 'memory'],
      {
        cwd: workspace.dir,
        env: { ...process.env, STEPFLOW_TOKEN: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(2);
    expect(stderr).toBe(
      'stepflow: error: --host 0.0.0.0: binding off loopback requires --token or STEPFLOW_TOKEN\n',
    );
  });
});

describe('load', () => {
  it('answers 1,000 concurrent POST /runs with no error', async () => {
    const open = await startService(workspace.dir, ['--store', 'memory']);
    try {
      const flowId = (await open.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          open.api('runs', { body: { flowId, input: { name: `n${i}` } } }),
        ),
      );
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(
        answers.every(
          (a, i) =>
            a.body.status === 'completed' && a.body.result.result.messages[0].content === `n${i}`,
        ),
      ).toBe(true);
      expect(new Set(answers.map((a) => a.body.runId)).size).toBe(1000);
    } finally {
      expect(await open.stop()).toBe(0);
    }
  }, 120_000);
});
