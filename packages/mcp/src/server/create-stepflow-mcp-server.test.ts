import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Flow, FlowResult, RunEvent } from '@stepflow/protocol';
import { createRuntime, defaultConfig, type Runtime } from '@stepflow/runtime';
import { createMemoryStateStore, type StateStore } from '@stepflow/state-store';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStepflowMcpServer,
  type StepflowMcpServerOptions,
} from './create-stepflow-mcp-server.ts';
import { createFlowCatalog } from './flow-catalog.ts';
import type { McpRunControl } from './run-control.ts';

const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

/** A flow whose input is a string (not an object): the tool takes it as `input`. */
const SHOUT: Flow = {
  schema: SCHEMA,
  name: 'shout',
  inputSchema: { type: 'string' },
  outputSchema: { type: 'array' },
  steps: [
    {
      id: 'say',
      component: '/builtin/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' } } },
    },
  ],
  output: { $from: { step: 'say' }, path: 'messages' },
} as unknown as Flow;

/** The run control of the service, reduced: runs in this process with an abort signal each. */
function runControl(runtime: Runtime): McpRunControl {
  const active = new Map<string, { controller: AbortController; done: Promise<FlowResult> }>();
  const listeners = new Set<(event: RunEvent) => void>();
  return {
    start({ runId, flow, input }) {
      const controller = new AbortController();
      const done = runtime
        .run({
          flow,
          input,
          runId,
          signal: controller.signal,
          onEvent: (event) => listeners.forEach((listener) => listener(event)),
        })
        .then((outcome) => outcome.result)
        .finally(() => active.delete(runId));
      active.set(runId, { controller, done });
      return done;
    },
    async cancel(runId) {
      const run = active.get(runId);
      run?.controller.abort();
      return run?.done;
    },
    isActive: (runId) => active.has(runId),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let store: StateStore;
let runtime: Runtime;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await runtime.close();
  await store.close();
});

async function connect(options: Partial<StepflowMcpServerOptions> = {}): Promise<Client> {
  store = createMemoryStateStore();
  runtime = createRuntime({ config: defaultConfig(), workingDirectory: '.', stateStore: store });
  let next = 0;
  const server = createStepflowMcpServer({
    runs: runControl(runtime),
    store,
    flows: createFlowCatalog([
      { name: 'shout', description: 'Shouts', file: 'shout.yaml', flow: SHOUT, flowId: 'x' },
    ]),
    newRunId: () => `run-${++next}`,
    ...options,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'unit-client', version: '1.0.0' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

function textOf(result: unknown): string {
  const item = (result as CallToolResult).content[0];
  return item?.type === 'text' ? item.text : '';
}

describe('createStepflowMcpServer', () => {
  it('wraps a flow input and output that are not objects', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools[0]).toMatchObject({
      name: 'shout',
      title: 'shout',
      inputSchema: { type: 'object', properties: { input: { type: 'string' } } },
      outputSchema: { type: 'object', properties: { result: { type: 'array' } } },
    });
    const result = (await client.callTool({
      name: 'shout',
      arguments: { input: 'hi' },
    })) as CallToolResult;
    expect(result.structuredContent).toEqual({ result: [{ role: 'user', content: 'hi' }] });
    expect(result._meta).toEqual({ 'stepflow.org/runId': 'run-1' });
    const refused = (await client.callTool({
      name: 'shout',
      arguments: { input: 3 },
    })) as CallToolResult;
    expect(textOf(refused)).toMatch(
      /^shout: The input of flow 'shout' does not match .*\n.*must be string/,
    );
  });

  it('hints which tools only read and which end something', async () => {
    const client = await connect();
    const hints = Object.fromEntries(
      (await client.listTools()).tools.map((tool) => [tool.name, tool.annotations]),
    );
    expect(hints).toMatchObject({
      shout: { readOnlyHint: false },
      workflow_status: { readOnlyHint: true },
      workflow_list: { readOnlyHint: true },
      workflow_cancel: { destructiveHint: true },
    });
  });

  it('refuses an input nested too deep before anything runs', async () => {
    const client = await connect();
    let deep: unknown = 'x';
    for (let level = 0; level < 300; level++) deep = [deep];
    const result = (await client.callTool({
      name: 'workflow_start',
      arguments: { flow: 'shout', input: deep },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^input: The input is nested more than \d+ levels deep$/);
    expect(await store.listRuns()).toEqual([]);
  });

  it('passes workflow_resume to the answer function, naming the client', async () => {
    const calls: unknown[][] = [];
    const client = await connect({
      answer: async (...args) => {
        calls.push(args);
        if (args[1] === 'nope') throw new Error("Step 'nope' of run r has no open question");
        return { accepted: true };
      },
    });
    const answered = (await client.callTool({
      name: 'workflow_resume',
      arguments: { runId: 'r', stepId: 'approve', answer: { ok: true } },
    })) as CallToolResult;
    expect(answered.structuredContent).toEqual({
      runId: 'r',
      stepId: 'approve',
      answered: { accepted: true },
    });
    expect(calls).toEqual([['r', 'approve', { ok: true }, { by: 'mcp:unit-client' }]]);
    const refused = (await client.callTool({
      name: 'workflow_resume',
      arguments: { runId: 'r', stepId: 'nope', answer: 1 },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe("Step 'nope' of run r has no open question");
  });

  it('names the invalid arguments of an operator tool', async () => {
    const client = await connect();
    const result = (await client.callTool({
      name: 'workflow_status',
      arguments: { runId: 7 },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^workflow_status: invalid arguments: .*\n.*at runId/s);
  });

  it('cancels a run that no process executes through the store', async () => {
    const client = await connect();
    await store.createRun({ id: 'orphan', flow: SHOUT, input: 'x' });
    const result = (await client.callTool({
      name: 'workflow_cancel',
      arguments: { runId: 'orphan' },
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ runId: 'orphan', status: 'cancelled' });
  });

  it('lists runs newest first, filtered by status', async () => {
    const client = await connect();
    await client.callTool({ name: 'shout', arguments: { input: 'a' } });
    await client.callTool({ name: 'shout', arguments: { input: 'b' } });
    const listed = (await client.callTool({
      name: 'workflow_list',
      arguments: { status: 'completed', limit: 1 },
    })) as CallToolResult;
    expect(listed.structuredContent).toMatchObject({
      runs: [{ runId: 'run-2', status: 'completed', flowName: 'shout' }],
    });
  });
});
