import { request } from 'node:http';
import { createRuntime, defaultConfig } from '@stepflow/runtime';
import { createMemoryStateStore } from '@stepflow/state-store';
import { afterEach, expect, it } from 'vitest';
import { createService } from './create-service.ts';
import { startServiceServer } from './start-service-server.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'greet ✓',
  steps: [
    {
      id: 's',
      component: '/builtin/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' }, path: 'name' } },
    },
  ],
  output: { $from: { step: 's' } },
};

/** A served service (bodies come from Node's stream) with a mount under `/api/v1`. */
async function serve() {
  const store = createMemoryStateStore();
  const runtime = createRuntime({
    config: defaultConfig(),
    workingDirectory: '.',
    stateStore: store,
  });
  const service = createService({
    runtime,
    store,
    mounts: [
      { path: '/api/v1/mounted', fetch: async (req) => new Response(`got ${await req.text()}`) },
    ],
  });
  const server = await startServiceServer(service, { port: 0 });
  closers.push(async () => {
    service.close();
    await server.close();
    await runtime.close();
    await store.close();
  });
  return { store, url: server.url };
}

/** POSTs raw bytes with a declared length. */
function post(url: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

it('reads JSON bodies from the socket as a fetch Request would: UTF-8, a BOM dropped', async () => {
  const { store, url } = await serve();
  const flowBody = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(JSON.stringify({ flow })),
  ]);
  const created = await post(`${url}/api/v1/flows`, flowBody);
  expect(created.status).toBe(200);
  const { flowId } = JSON.parse(created.text) as { flowId: string };
  const run = await post(
    `${url}/api/v1/runs`,
    Buffer.from(JSON.stringify({ flowId, input: { name: 'Ada 🚀' } })),
  );
  expect(run.status).toBe(200);
  const body = JSON.parse(run.text) as { runId: string; status: string };
  expect(body.status).toBe('completed');
  // A run answered when it ends got its record with its first events.
  expect(await store.getRun(body.runId)).toMatchObject({
    status: 'completed',
    flowName: 'greet ✓',
    input: { name: 'Ada 🚀' },
  });
});

it('refuses bodies that are not JSON and leaves mounted handlers their raw request', async () => {
  const { url } = await serve();
  const bad = await post(`${url}/api/v1/flows`, Buffer.from('{"flow": '));
  expect(bad.status).toBe(400);
  const mounted = await post(`${url}/api/v1/mounted`, Buffer.from('{"raw":true}'));
  expect(mounted).toEqual({ status: 200, text: 'got {"raw":true}' });
});
