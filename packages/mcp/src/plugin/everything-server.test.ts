import { afterEach, describe, expect, it } from 'vitest';
import {
  createMcpHarness,
  EVERYTHING_SERVER,
  oneStep,
  type McpHarness,
} from '../../test/mcp-harness.ts';

// Against the reference MCP test server `@modelcontextprotocol/server-everything` over stdio.
const harnesses: McpHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

function everything(extra: Record<string, unknown> = {}): McpHarness {
  const harness = createMcpHarness({
    everything: {
      type: 'mcp',
      command: process.execPath,
      args: [EVERYTHING_SERVER, 'stdio'],
      ...extra,
    },
  });
  harnesses.push(harness);
  return harness;
}

describe('an MCP plugin on server-everything', () => {
  it('lists every tool as a component with its input schema', async () => {
    const harness = everything();
    const listed = await harness.runtime.listComponents();
    const echo = listed.find(
      (entry) => entry.plugin === 'everything' && entry.info.component === '/echo',
    );
    expect(echo?.info.description).toBe('Echoes back the input string');
    expect(echo?.info.input_schema).toMatchObject({
      type: 'object',
      properties: { message: { type: 'string' } },
      required: ['message'],
    });
    expect(echo?.info.output_schema).toMatchObject({ type: 'array' });
    expect(listed.map((entry) => entry.info.component)).toContain(
      '/trigger-long-running-operation',
    );
  });

  it('returns the content array of a tool call by default', async () => {
    const result = await everything().run(oneStep('/everything/echo', { message: 'hi' }));
    expect(result).toEqual({ outcome: 'success', result: [{ type: 'text', text: 'Echo: hi' }] });
  });

  it('returns the text of a single text item with output: text', async () => {
    const result = await everything({ output: 'text' }).run(
      oneStep('/everything/echo', { message: 'hi' }),
    );
    expect(result).toEqual({ outcome: 'success', result: 'Echo: hi' });
  });

  it('returns structuredContent with output: structured, and declares the tool output schema', async () => {
    const harness = everything({ toolOutput: { 'get-structured-content': 'structured' } });
    const result = await harness.run(
      oneStep('/everything/get-structured-content', { location: 'Chicago' }),
    );
    expect(result).toEqual({
      outcome: 'success',
      result: { temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 },
    });
    const listed = await harness.runtime.listComponents();
    const tool = listed.find((entry) => entry.info.component === '/get-structured-content');
    expect(tool?.info.output_schema).toMatchObject({
      type: 'object',
      properties: { temperature: { type: 'number' } },
    });
    // The other tools keep the plugin's mode.
    expect(
      listed.find((entry) => entry.info.component === '/echo')?.info.output_schema,
    ).toMatchObject({
      type: 'array',
    });
  });

  it('fails the step with the tool text when the tool reports isError, and onError applies', async () => {
    const harness = everything();
    // echo without its required argument: the server answers with an isError result.
    const failed = await harness.run(oneStep('/everything/echo', {}));
    expect(failed.outcome).toBe('failed');
    const message = (failed as { error: { message: string } }).error.message;
    expect(message).toMatch(/Invalid arguments for tool echo.*message/);
    expect(failed).toMatchObject({ error: { data: { tool: 'echo' } } });
    const recovered = await harness.run(
      oneStep(
        '/everything/echo',
        {},
        '    onError: { action: useDefault, defaultValue: fallback }',
      ),
    );
    expect(recovered).toEqual({ outcome: 'success', result: 'fallback' });
  });

  it('runs a long-running tool to completion, logging its progress', async () => {
    const harness = everything();
    const result = await harness.run(
      oneStep('/everything/trigger-long-running-operation', { duration: 0.3, steps: 3 }),
    );
    expect(result).toEqual({
      outcome: 'success',
      result: [
        {
          type: 'text',
          text: 'Long running operation completed. Duration: 0.3 seconds, Steps: 3.',
        },
      ],
    });
    const progress = harness.logs.filter((line) =>
      line.includes("'trigger-long-running-operation' progress"),
    );
    // The SDK hands notifications on a microtask and answers synchronously: the last progress
    // notification may arrive after the result and is then dropped, the earlier ones never are.
    expect(progress.map((line) => /"progress":(\d+),"total":(\d+)/.exec(line)?.slice(1))).toEqual(
      expect.arrayContaining([
        ['1', '3'],
        ['2', '3'],
      ]),
    );
  });

  it('runs calls concurrently on one server', async () => {
    const harness = everything();
    const result = await harness.run(`steps:
  - id: slow
    component: /everything/trigger-long-running-operation
    input: { duration: 0.2, steps: 2 }
  - id: a
    component: /everything/echo
    input: { message: a }
  - id: b
    component: /everything/echo
    input: { message: b }
output:
  a: { $from: { step: a } }
  b: { $from: { step: b } }
  slow: { $from: { step: slow } }
`);
    expect(result.outcome).toBe('success');
    expect((result as { result: { a: unknown } }).result.a).toEqual([
      { type: 'text', text: 'Echo: a' },
    ]);
  });

  it('gives the server the runtime environment plus env, substituted; inheritEnv: false narrows it', async () => {
    process.env.STEPFLOW_TEST_MCP_INHERITED = 'inherited';
    process.env.STEPFLOW_TEST_MCP_SUBSTITUTED = 'substituted';
    const envOf = async (extra: Record<string, unknown>): Promise<Record<string, string>> => {
      const result = await everything({
        output: 'text',
        env: { CONFIGURED: 'from ${STEPFLOW_TEST_MCP_SUBSTITUTED}' },
        ...extra,
      }).run(oneStep('/everything/get-env', {}));
      return JSON.parse((result as { result: string }).result) as Record<string, string>;
    };
    const inherited = await envOf({});
    expect(inherited.STEPFLOW_TEST_MCP_INHERITED).toBe('inherited');
    expect(inherited.CONFIGURED).toBe('from substituted');
    const narrowed = await envOf({ inheritEnv: false });
    expect(narrowed.STEPFLOW_TEST_MCP_INHERITED).toBeUndefined();
    expect(narrowed.CONFIGURED).toBe('from substituted');
    expect(narrowed.PATH).toBe(process.env.PATH);
  });

  it('fails a step naming the tool when it does not exist', async () => {
    const result = await everything().run(oneStep('/everything/no-such-tool', {}));
    expect(result.outcome).toBe('failed');
    expect(JSON.stringify(result)).toMatch(
      /MCP server 'everything' has no tool 'no-such-tool' \(its tools: .*echo/,
    );
  });
});
