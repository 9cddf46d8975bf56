import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError, createApiClient } from './api-client.ts';

let server: Server;
let base: string;
const seen: { url: string; authorization?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({
        url: request.url!,
        body,
        ...(request.headers.authorization === undefined
          ? {}
          : { authorization: request.headers.authorization }),
      });
      if (request.url === '/api/v1/ok')
        response.setHeader('content-type', 'application/json').end('{"fine":true}');
      else if (request.url === '/api/v1/refused')
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"code":400,"message":"answer.name: too short"}');
      else response.writeHead(502).end('<html>bad gateway</html>');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('createApiClient', () => {
  it('sends the bearer token and a JSON body, and answers the parsed JSON', async () => {
    const api = createApiClient(() => 'tok', base);
    expect(await api.call('ok', { body: { a: 1 } })).toEqual({ fine: true });
    expect(seen.at(-1)).toEqual({
      url: '/api/v1/ok',
      authorization: 'Bearer tok',
      body: '{"a":1}',
    });
  });

  it("throws the service's message and body on an error answer", async () => {
    const api = createApiClient(() => undefined, base);
    const error = await api.call('refused').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: 400,
      message: 'answer.name: too short',
      body: { code: 400 },
    });
    expect(seen.at(-1)!.authorization).toBeUndefined();
  });

  it('names the status of an answer that is not JSON', async () => {
    const error = await createApiClient(() => undefined, base)
      .call('proxy')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, message: '502 Bad Gateway' });
  });

  it('reports an unreachable service as status 0', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const error = await createApiClient(() => undefined, `http://127.0.0.1:${port}`)
      .call('ok')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, message: expect.stringMatching(/cannot be reached/) });
  });
});
