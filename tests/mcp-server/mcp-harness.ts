import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ProgressNotificationSchema,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import {
  createWorkspace,
  GATED_FLOW,
  GREET_FLOW,
  type Workspace,
} from '../service/service-harness.ts';

const FLOW_SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

/** `greet` with a description and an output schema. */
export const GREET_TOOL_FLOW = {
  ...GREET_FLOW,
  description: 'Greets someone by name',
  outputSchema: {
    type: 'object',
    properties: { messages: { type: 'array' } },
    required: ['messages'],
  },
};

/** A flow whose only step fails: the file it loads does not exist. */
export const BROKEN_FLOW = {
  schema: FLOW_SCHEMA,
  name: 'broken',
  steps: [{ id: 'load', component: '/builtin/load_file', input: { path: 'missing.json' } }],
  output: { $from: { step: 'load' } },
};

/** A flow that asks a person to approve, then returns the answer. */
export const APPROVE_FLOW = {
  schema: FLOW_SCHEMA,
  name: 'approve',
  steps: [
    {
      id: 'ask',
      component: '/builtin/ask_human',
      input: {
        prompt: { text: 'Ship it?' },
        schema: {
          type: 'object',
          properties: { approved: { type: 'boolean' } },
          required: ['approved'],
        },
      },
    },
  ],
  output: { $from: { step: 'ask' } },
};

/** A workspace (config with the recording fixture) plus a `flows/` directory of flow files. */
export async function createMcpWorkspace(): Promise<Workspace & { flowsDir: string }> {
  const workspace = await createWorkspace();
  const flowsDir = join(workspace.dir, 'flows');
  await mkdir(flowsDir);
  await writeFile(join(flowsDir, 'greet.json'), JSON.stringify(GREET_TOOL_FLOW, null, 2));
  await writeFile(join(flowsDir, 'gated.json'), JSON.stringify(GATED_FLOW, null, 2));
  await writeFile(join(flowsDir, 'broken.json'), JSON.stringify(BROKEN_FLOW, null, 2));
  await writeFile(join(flowsDir, 'approve.json'), JSON.stringify(APPROVE_FLOW, null, 2));
  // Not a flow: ignored.
  await writeFile(join(flowsDir, 'data.yaml'), 'just: data\n');
  return { ...workspace, flowsDir };
}

/** A connected SDK client. */
export function newClient(): Client {
  return new Client({ name: 'stepflow-tests', version: '1.0.0' });
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content[0];
  return content?.type === 'text' ? content.text : '';
}

/** Calls a tool and answers its `structuredContent` (failing the test on an `isError`). */
export async function callStructured(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted by each test
): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError === true) throw new Error(`${name} failed: ${textOf(result)}`);
  return result.structuredContent;
}

/**
 * Records every progress notification the client receives. The SDK client drops a progress
 * notification that arrives in the same read as its request's response (it forgets the
 * request's progress handler before it delivers the notification), so tests read them here;
 * pass `onprogress` to `callTool` all the same, for the request to carry a progress token.
 */
export function recordProgress(client: Client): {
  readonly received: Progress[];
  /** Resolves once `count` notifications arrived. */
  count(count: number): Promise<void>;
} {
  const received: Progress[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
    const { progressToken: _token, _meta, ...progress } = notification.params;
    received.push(progress);
    for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
  });
  return {
    received,
    count: (count) =>
      received.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
  };
}
