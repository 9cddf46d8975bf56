import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowResult, StepflowConfig } from '@stepflow/protocol';
import { createBuiltinPluginFactory, createRuntime, type Runtime } from '../../index.ts';
import { deferred, flushPromises, testRuntime, yamlFlow } from '../../../test/helpers.ts';

const config = { plugins: { builtin: { type: 'builtin' } } } as unknown as StepflowConfig;

async function runStep(runtime: Runtime, component: string, input: unknown): Promise<FlowResult> {
  const flow = yamlFlow(
    `steps:\n  - id: s\n    component: ${component}\n    input: { $from: { workflow: input } }\noutput: { $from: { step: s } }\n`,
  );
  return (await runtime.run({ flow, input })).result;
}

function causeOf(result: FlowResult): string {
  return result.outcome === 'failed' ? JSON.stringify(result.error.data) : '';
}

const runtime = createRuntime({ config, workingDirectory: process.cwd() });

describe('create_messages', () => {
  it('puts the system message first, only when given', async () => {
    expect(
      await runStep(runtime, '/create_messages', {
        system_instructions: 'be brief',
        user_prompt: 'hi',
      }),
    ).toEqual({
      outcome: 'success',
      result: {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hi' },
        ],
      },
    });
    expect(
      await runStep(runtime, '/builtin/create_messages', {
        system_instructions: null,
        user_prompt: 'hi',
      }),
    ).toEqual({
      outcome: 'success',
      result: { messages: [{ role: 'user', content: 'hi' }] },
    });
  });

  it('invalid input is a step failure naming the field', async () => {
    const result = await runStep(runtime, '/create_messages', { user_prompt: 3 });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "s" failed' },
    });
    expect(causeOf(result)).toContain(
      'Invalid input for /create_messages: /user_prompt must be string',
    );
  });
});

describe('an unknown builtin', () => {
  it('fails the step with a did-you-mean and the list of builtins', async () => {
    const result = await runStep(runtime, '/builtin/create_mesages', {});
    expect(causeOf(result)).toContain(
      "Component '/create_mesages' not found in builtin plugin 'builtin' (did you mean '/create_messages'? it has /put_blob,",
    );
  });
});

describe('put_blob / get_blob', () => {
  it('round-trips data with the pinned ids (§6.8)', async () => {
    const data = {
      message: 'Hello, blobs!',
      number: 42,
      nested: { array: [1, 2, 3], boolean: true },
    };
    const put = await runStep(runtime, '/put_blob', { data, blob_type: 'data' });
    expect(put).toEqual({
      outcome: 'success',
      result: { blob_id: '868591347a854ba1d0f4875b2dd44e1e8335052af03725a9819f89e0142318b0' },
    });
    expect(
      await runStep(runtime, '/get_blob', {
        blob_id: '868591347a854ba1d0f4875b2dd44e1e8335052af03725a9819f89e0142318b0',
      }),
    ).toEqual({ outcome: 'success', result: { data } });
    expect(await runStep(runtime, '/put_blob', { data: 'hello', blob_type: 'data' })).toEqual({
      outcome: 'success',
      result: { blob_id: '5aa762ae383fbb727af3c7a36d4940a5b8c40a989452d2304fc958ff3f354e7a' },
    });
  });

  it('requires blob_type, a valid flow for flow blobs, and a 64-hex id', async () => {
    expect(causeOf(await runStep(runtime, '/put_blob', { data: 1 }))).toContain(
      "must have required property 'blob_type'",
    );
    expect(
      causeOf(await runStep(runtime, '/put_blob', { data: { not: 'a flow' }, blob_type: 'flow' })),
    ).toContain('Failed to put blob');
    expect(causeOf(await runStep(runtime, '/get_blob', { blob_id: 'sha256:abc' }))).toContain(
      '/blob_id must match pattern',
    );
    expect(causeOf(await runStep(runtime, '/get_blob', { blob_id: 'f'.repeat(64) }))).toContain(
      'Failed to get blob',
    );
  });
});

const childFlow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  steps: [
    {
      id: 'm',
      component: '/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' } } },
    },
  ],
  output: { $from: { step: 'm' }, path: '$.messages[0].content' },
};

describe('eval', () => {
  it('runs a stored flow and returns the wrapped result and the nested run id', async () => {
    const put = await runStep(runtime, '/put_blob', { data: childFlow, blob_type: 'flow' });
    const flowId = (put as { result: { blob_id: string } }).result.blob_id;
    const result = await runStep(runtime, '/eval', { flow_id: flowId, input: 'nested' });
    expect(result).toMatchObject({
      outcome: 'success',
      result: { result: { outcome: 'success', result: 'nested' } },
    });
    const runId = (result as { result: { run_id: string } }).result.run_id;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a failed nested flow is still a successful eval step', async () => {
    const put = await runStep(runtime, '/put_blob', {
      data: { ...childFlow, output: { $from: { workflow: 'input' }, path: 'nope' } },
      blob_type: 'flow',
    });
    const flowId = (put as { result: { blob_id: string } }).result.blob_id;
    expect(await runStep(runtime, '/eval', { flow_id: flowId, input: {} })).toMatchObject({
      outcome: 'success',
      result: { result: { outcome: 'failed' } },
    });
  });

  it('an unknown or non-flow blob fails the step', async () => {
    expect(
      causeOf(await runStep(runtime, '/eval', { flow_id: 'a'.repeat(64), input: 1 })),
    ).toContain('Failed to evaluate flow');
    const put = await runStep(runtime, '/put_blob', {
      data: { ...childFlow, name: 'data only' },
      blob_type: 'data',
    });
    const id = (put as { result: { blob_id: string } }).result.blob_id;
    expect(causeOf(await runStep(runtime, '/eval', { flow_id: id, input: 1 }))).toContain(
      'is not a flow',
    );
  });
});

describe('map (DECISIONS 18)', () => {
  it('keeps every sub-result in order and counts successes, failures and skips', async () => {
    const workflow = {
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [
        {
          id: 's',
          component: '/create_messages',
          skipIf: { $from: { workflow: 'input' }, path: 'skip' },
          input: { user_prompt: { $from: { workflow: 'input' }, path: 'p' } },
        },
      ],
      output: { $from: { step: 's' }, path: '$.messages[0].content' },
    };
    const result = await runStep(runtime, '/map', {
      workflow,
      items: [
        { p: 'a', skip: false },
        { p: 1, skip: false },
        { p: 'c', skip: true },
      ],
      max_concurrency: 2,
    });
    expect(result).toMatchObject({
      outcome: 'success',
      result: {
        results: [
          { outcome: 'success', result: 'a' },
          { outcome: 'failed', error: { code: 500, message: 'step "s" failed' } },
          { outcome: 'skipped' },
        ],
        successful: 1,
        failed: 1,
        skipped: 1,
      },
    });
  });

  it('handles empty items, rejects max_concurrency 0 and invalid flows', async () => {
    expect(await runStep(runtime, '/map', { workflow: childFlow, items: [] })).toEqual({
      outcome: 'success',
      result: { results: [], successful: 0, failed: 0, skipped: 0 },
    });
    expect(
      causeOf(
        await runStep(runtime, '/map', { workflow: childFlow, items: [1], max_concurrency: 0 }),
      ),
    ).toContain('/max_concurrency must be >= 1');
    expect(
      causeOf(await runStep(runtime, '/map', { workflow: { steps: [] }, items: [1] })),
    ).toContain("'workflow' is not a valid flow");
  });

  it('never runs more than max_concurrency sub-flows at once', async () => {
    let active = 0;
    let peak = 0;
    const gates: ReturnType<typeof deferred<FlowResult>>[] = [];
    const rt = testRuntime({
      handler: () => {
        active++;
        peak = Math.max(peak, active);
        const gate = deferred<FlowResult>();
        gates.push(gate);
        return gate.promise.finally(() => active--);
      },
    });
    const workflow = {
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [{ id: 't', component: '/test/x' }],
      output: { $from: { step: 't' } },
    };
    const run = runStep(rt, '/builtin/map', {
      workflow,
      items: [1, 2, 3, 4, 5],
      max_concurrency: 2,
    });
    for (let i = 0; i < 5; i++) {
      await flushPromises();
      gates[i]?.resolve({ outcome: 'success', result: i });
    }
    const result = await run;
    expect(peak).toBe(2);
    expect((result as { result: { successful: number } }).result.successful).toBe(5);
  });
});

describe('iterate', () => {
  const counter = {
    schema: 'https://stepflow.org/schemas/v1/flow.json',
    steps: [
      {
        id: 'done',
        component: '/create_messages',
        skipIf: { $from: { workflow: 'input' }, path: 'more' },
        input: { user_prompt: 'finished' },
      },
      {
        id: 'more',
        component: '/create_messages',
        skipIf: { $from: { workflow: 'input' }, path: 'last' },
        input: { user_prompt: 'again' },
      },
    ],
    output: { $from: { workflow: 'input' }, path: 'out' },
  };

  it('continues on {next} and stops on {result}', async () => {
    const flow = { ...counter, steps: [], output: { $from: { workflow: 'input' } } };
    expect(await runStep(runtime, '/iterate', { flow, initial_input: { result: 7 } })).toEqual({
      outcome: 'success',
      result: { result: 7, iterations: 1, terminated: false },
    });
    expect(
      await runStep(runtime, '/iterate', {
        flow,
        initial_input: { next: { next: { result: 'x' } } },
      }),
    ).toEqual({ outcome: 'success', result: { result: 'x', iterations: 3, terminated: false } });
  });

  it('stops at max_iterations with terminated: true', async () => {
    const flow = { ...counter, steps: [], output: { next: { $from: { workflow: 'input' } } } };
    expect(
      await runStep(runtime, '/iterate', { flow, initial_input: 5, max_iterations: 4 }),
    ).toEqual({ outcome: 'success', result: { result: 5, iterations: 4, terminated: true } });
  });

  it('reports contract violations and sub-flow failures as failed results', async () => {
    const flow = { ...counter, steps: [], output: { $from: { workflow: 'input' } } };
    expect(await runStep(runtime, '/iterate', { flow, initial_input: { other: 1 } })).toEqual({
      outcome: 'failed',
      error: { code: 400, message: "Workflow result must contain either 'result' or 'next' field" },
    });
    const skipping = {
      ...counter,
      steps: [{ id: 'x', component: '/create_messages', skipIf: true }],
      output: { $from: { step: 'x' } },
    };
    expect(await runStep(runtime, '/iterate', { flow: skipping, initial_input: 1 })).toEqual({
      outcome: 'failed',
      error: { code: 400, message: 'Workflow cannot be skipped during iteration' },
    });
    const failing = {
      ...counter,
      steps: [],
      output: { $from: { workflow: 'input' }, path: 'nope' },
    };
    expect(await runStep(runtime, '/iterate', { flow: failing, initial_input: {} })).toMatchObject({
      outcome: 'failed',
      error: { code: 500 },
    });
  });

  it('its failures go through onError', async () => {
    const flow = yamlFlow(`
steps:
  - id: s
    component: /iterate
    onError: { action: useDefault, defaultValue: fallback }
    input: { flow: { $literal: { schema: "https://stepflow.org/schemas/v1/flow.json", output: 1 } }, initial_input: 0 }
output: { $from: { step: s } }
`);
    expect((await runtime.run({ flow, input: {} })).result).toEqual({
      outcome: 'success',
      result: 'fallback',
    });
  });
});

describe('nested runs', () => {
  it('enforce the depth limit', async () => {
    const rt = createRuntime({ config, workingDirectory: '.', maxDepth: 2 });
    const nest = (inner: unknown): unknown => ({
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [
        { id: 'n', component: '/iterate', input: { flow: { $literal: inner }, initial_input: 0 } },
      ],
      output: { $from: { step: 'n' } },
    });
    const leaf = {
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      output: { result: 'leaf' },
    };
    const ok = await runStep(rt, '/iterate', { flow: nest(leaf), initial_input: 0 });
    expect(ok).toMatchObject({ outcome: 'success', result: { result: 'leaf' } });
    const tooDeep = await runStep(rt, '/iterate', { flow: nest(nest(leaf)), initial_input: 0 });
    expect(tooDeep.outcome).toBe('failed');
    expect(JSON.stringify(tooDeep)).toContain('Maximum nesting depth of 2 runs exceeded');
  });
  it('fail eval when a run below it hits the depth limit', async () => {
    const rt = createRuntime({ config, workingDirectory: '.', maxDepth: 1 });
    const idOf = async (data: unknown): Promise<string> =>
      (
        (await runStep(rt, '/put_blob', { data, blob_type: 'flow' })) as {
          result: { blob_id: string };
        }
      ).result.blob_id;
    const leaf = await idOf({ schema: 'https://stepflow.org/schemas/v1/flow.json', output: 1 });
    const middle = await idOf({
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [{ id: 'e', component: '/eval', input: { flow_id: leaf } }],
      output: { $from: { step: 'e' } },
    });
    expect(await runStep(rt, '/eval', { flow_id: leaf })).toMatchObject({ outcome: 'success' });
    const result = await runStep(rt, '/eval', { flow_id: middle });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        message: 'step "s" failed',
        data: { cause: { message: 'Maximum nesting depth of 1 runs exceeded' } },
      },
    });
  });
  it('fail map when a run below it hits the depth limit', async () => {
    const rt = createRuntime({ config, workingDirectory: '.', maxDepth: 1 });
    const leaf = { schema: 'https://stepflow.org/schemas/v1/flow.json', output: 1 };
    const inner = {
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [{ id: 'm', component: '/map', input: { workflow: { $literal: leaf }, items: [1] } }],
      output: { $from: { step: 'm' } },
    };
    expect(await runStep(rt, '/map', { workflow: leaf, items: [1] })).toMatchObject({
      outcome: 'success',
    });
    const result = await runStep(rt, '/map', { workflow: inner, items: [1, 2] });
    expect(result.outcome).toBe('failed');
    expect(JSON.stringify(result)).toContain('Maximum nesting depth of 1 runs exceeded');
  });

  it('pass cancellation down', async () => {
    let nestedSignal: AbortSignal | undefined;
    const rt = testRuntime({
      handler: (e) => ((nestedSignal = e.context.signal), new Promise<FlowResult>(() => undefined)),
    });
    const controller = new AbortController();
    const workflow = {
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [{ id: 't', component: '/test/x' }],
      output: { $from: { step: 't' } },
    };
    const flow = yamlFlow(
      `steps:\n  - id: s\n    component: /builtin/map\n    input: { $from: { workflow: input } }\noutput: { $from: { step: s } }\n`,
    );
    const run = rt.run({ flow, input: { workflow, items: [1] }, signal: controller.signal });
    await flushPromises();
    expect(nestedSignal?.aborted).toBe(false);
    controller.abort();
    expect((await run).result).toMatchObject({ outcome: 'failed', error: { code: 410 } });
    expect(nestedSignal?.aborted).toBe(true);
  });
});

describe('openai (against a local fake server)', () => {
  let server: Server;
  let baseUrl = '';
  const requests: {
    body: Record<string, unknown>;
    auth: string | undefined;
    path: string | undefined;
  }[] = [];
  let reply: (body: Record<string, unknown>) => [number, unknown] = () => [
    200,
    { choices: [{ message: { role: 'assistant', content: 'Hi there' } }] },
  ];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        requests.push({ body, auth: req.headers.authorization, path: req.url });
        const [status, payload] = reply(body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const openaiRuntime = (env: Record<string, string | undefined>): Runtime =>
    createRuntime({
      config,
      workingDirectory: '.',
      pluginFactories: {
        builtin: createBuiltinPluginFactory({ env: { OPENAI_BASE_URL: baseUrl, ...env } }),
      },
    });
  const messages = [{ role: 'user', content: 'Hello' }];

  it('honours model, max_tokens and temperature and returns the first choice', async () => {
    const result = await runStep(openaiRuntime({ OPENAI_API_KEY: 'env-key' }), '/openai', {
      messages,
      model: 'gpt-test',
      max_tokens: 5,
      temperature: 0.2,
    });
    expect(result).toEqual({ outcome: 'success', result: { response: 'Hi there' } });
    expect(requests.at(-1)).toEqual({
      path: '/v1/chat/completions',
      auth: 'Bearer env-key',
      body: { model: 'gpt-test', messages, max_tokens: 5, temperature: 0.2 },
    });
  });

  it('defaults the model to gpt-4o-mini and prefers api_key from the input', async () => {
    await runStep(openaiRuntime({ OPENAI_API_KEY: 'env-key' }), '/openai', {
      messages,
      api_key: 'input-key',
    });
    expect(requests.at(-1)?.body).toEqual({ model: 'gpt-4o-mini', messages });
    expect(requests.at(-1)?.auth).toBe('Bearer input-key');
  });

  it('returns "" when there is no choice', async () => {
    reply = () => [200, { choices: [] }];
    expect(await runStep(openaiRuntime({ OPENAI_API_KEY: 'k' }), '/openai', { messages })).toEqual({
      outcome: 'success',
      result: { response: '' },
    });
  });

  it('fails the step for a missing key or an API error', async () => {
    expect(
      causeOf(await runStep(openaiRuntime({ OPENAI_API_KEY: undefined }), '/openai', { messages })),
    ).toContain('missing value (\\"api_key\\") or environment variable (\\"OPENAI_API_KEY\\")');
    reply = () => [429, { error: { message: 'rate limited' } }];
    expect(
      causeOf(await runStep(openaiRuntime({ OPENAI_API_KEY: 'k' }), '/openai', { messages })),
    ).toContain('OpenAI API error 429');
  });
});
