import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureServer } from '../../test/fixtures/fixture-tools.mjs';
import { createMcpHarness, oneStep, type McpHarness } from '../../test/mcp-harness.ts';

// The fixture MCP server over streamable HTTP on loopback, stateless, behind a bearer token.
interface FixtureHttp {
  readonly url: string;
  close(): Promise<void>;
}

async function startFixtureHttp(): Promise<FixtureHttp> {
  const http: HttpServer = createServer((request, response) => {
    if (request.headers.authorization !== 'Bearer secret-token') {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    const server = createFixtureServer(2);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    void server.connect(transport).then(() => transport.handleRequest(request, response));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

let fixtureHttp: FixtureHttp;
let url: string;
const harnesses: McpHarness[] = [];

beforeAll(async () => {
  fixtureHttp = await startFixtureHttp();
  url = fixtureHttp.url;
});
afterAll(() => fixtureHttp.close());
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

function remote(headers: Record<string, string>, at = url): McpHarness {
  const harness = createMcpHarness({
    remote: { type: 'mcp', transport: 'http', url: at, headers, output: 'text' },
  });
  harnesses.push(harness);
  return harness;
}

describe('an MCP plugin over streamable HTTP', () => {
  it('lists every page of tools and calls them with the configured headers', async () => {
    process.env.STEPFLOW_TEST_MCP_TOKEN = 'secret-token';
    const harness = remote({ authorization: 'Bearer ${STEPFLOW_TEST_MCP_TOKEN}' });
    const listed = (await harness.runtime.listComponents()).filter(
      (entry) => entry.plugin === 'remote',
    );
    expect(listed).toHaveLength(10);
    expect(await harness.run(oneStep('/remote/fail', { message: 'remote failure' }))).toEqual({
      outcome: 'failed',
      error: { code: -32003, message: 'remote failure', data: { tool: 'fail' } },
    });
    const result = await harness.run(`steps:
  - { id: a, component: /remote/gate, input: { parties: 2 } }
  - { id: b, component: /remote/gate, input: { parties: 2 } }
output: [{ $from: { step: a } }, { $from: { step: b } }]
`);
    expect(result).toEqual({ outcome: 'success', result: ['released with 2', 'released with 2'] });
  });

  it('gives up at once, naming the URL, when the server refuses the credentials', async () => {
    const harness = remote({ authorization: 'Bearer wrong' });
    const result = await harness.run(oneStep('/remote/fail', {}));
    expect(result.outcome).toBe('failed');
    expect(JSON.stringify(result)).toMatch(
      /MCP server plugin 'remote' \(http:\/\/127\.0\.0\.1:\d+\/mcp\) could not be started and is marked dead: .*401/,
    );
    expect(JSON.stringify(result)).not.toContain('wrong');
    expect(harness.logs.filter((line) => line.startsWith('warn '))).toHaveLength(0);
  });

  it('fails the steps, naming the URL, once the server cannot be reached', async () => {
    const own = await startFixtureHttp();
    const harness = remote({ authorization: 'Bearer secret-token' }, own.url);
    expect(await harness.run(oneStep('/remote/whoami', {}))).toMatchObject({
      outcome: 'success',
    });
    await own.close();
    const result = await harness.run(oneStep('/remote/fail', {}));
    expect(result.outcome).toBe('failed');
    const text = JSON.stringify(result);
    expect(text).toContain(own.url);
    expect(text).toMatch(/fetch failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/);
  });
});
