import { afterEach, describe, expect, it } from 'vitest';
import { createComponentServer } from './index.ts';
import { createTestRuntime, type TestRuntime } from './testing.ts';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
});

async function udfRuntime(timeoutMs?: number) {
  const server = createComponentServer({
    name: 'udf',
    version: '1',
    writeLog: () => {},
    ...(timeoutMs !== undefined && { udf: { timeoutMs } }),
  });
  const runtime = await createTestRuntime(server);
  runtimes.push(runtime);
  const run = async (code: string, input: unknown, inputSchema: unknown = { type: 'object' }) => {
    const blobId = await runtime.blobs.put({ code, input_schema: inputSchema });
    return runtime.execute('/udf', { blob_id: blobId, input });
  };
  return { runtime, run };
}

describe('/udf', () => {
  it('runs an expression over input', async () => {
    const { run } = await udfRuntime();
    expect(await run('input.a + input.b', { a: 2, b: 3 })).toBe(5);
    expect(await run('({ sum: input.xs.reduce((a, b) => a + b, 0) })', { xs: [1, 2, 3] })).toEqual({
      sum: 6,
    });
  });

  it('runs a function expression or arrow, with the context as second argument', async () => {
    const { run, runtime } = await udfRuntime();
    expect(await run('(input) => input.name.toUpperCase()', { name: 'ada' })).toBe('ADA');
    expect(
      await run('function greet(input, context) { return `${input.name}@${context.stepId}`; }', {
        name: 'ada',
      }),
    ).toBe('ada@test-step');
    const id = await runtime.blobs.put({ from: 'blob' });
    expect(await run('async (input, context) => context.getBlob(input.id)', { id })).toEqual({
      from: 'blob',
    });
  });

  it('runs a function body with return, including await', async () => {
    const { run, runtime } = await udfRuntime();
    expect(
      await run('const words = input.text.split(" ");\nreturn { count: words.length };', {
        text: 'a b c',
      }),
    ).toEqual({
      count: 3,
    });
    const id = await runtime.blobs.put({ stored: true });
    expect(
      await run('const blob = await context.getBlob(input.id);\nreturn blob.stored;', { id }),
    ).toBe(true);
  });

  it('calls the one function that statements define, as the Python SDK does for a module', async () => {
    const { run } = await udfRuntime();
    const code = 'const factor = 3;\nfunction triple(input) {\n  return input.n * factor;\n}';
    expect(await run(code, { n: 2 })).toBe(6);
    const asyncCode =
      'async function load(input, context) {\n  return context.stepId;\n}\nconst unused = 1;';
    expect(await run(asyncCode, {})).toBe('test-step');
  });

  it('compiles once per blob id', async () => {
    const { runtime } = await udfRuntime();
    const blobId = await runtime.blobs.put({
      code: 'input.n * 2',
      input_schema: { type: 'object' },
    });
    const results = await Promise.all(
      [1, 2, 3].map((n) => runtime.execute('/udf', { blob_id: blobId, input: { n } })),
    );
    expect(results).toEqual([2, 4, 6]);
    expect(await runtime.execute('/udf', { blob_id: blobId, input: { n: 4 } })).toBe(8);
    expect(runtime.calls.filter((call) => call.method === 'blobs/get')).toHaveLength(1);
  });

  it('validates the input against input_schema and lists every issue', async () => {
    const { run } = await udfRuntime();
    const schema = {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    };
    await expect(run('input.a + input.b', { a: 'x' }, schema)).rejects.toMatchObject({
      code: -32602,
      data: {
        issues: [
          { path: ['b'], message: 'is required' },
          { path: ['a'], message: 'must be number' },
        ],
      },
    });
  });

  it('accepts a draft 2020-12 input_schema', async () => {
    const { run } = await udfRuntime();
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'number' }],
    };
    expect(await run('input[0] + 1', [1], schema)).toBe(2);
    await expect(run('input[0] + 1', ['x'], schema)).rejects.toMatchObject({
      code: -32602,
      data: { issues: [{ path: [0] }] },
    });
  });

  it('stops a synchronous infinite loop at the time limit', async () => {
    const { run } = await udfRuntime(50);
    await expect(run('while (true) {}', {})).rejects.toMatchObject({
      code: -32003,
      message: expect.stringMatching(
        /^Component execution failed: UDF [0-9a-f]{64} timed out after 50 ms$/,
      ),
    });
  });

  it('stops an asynchronous UDF at the time limit', async () => {
    const { run } = await udfRuntime(30);
    await expect(run('await new Promise(() => {}); return 1;', {})).rejects.toMatchObject({
      code: -32003,
      message: expect.stringContaining('timed out after 30 ms'),
    });
  });

  it('reports syntax errors, thrown errors and malformed blobs', async () => {
    const { run, runtime } = await udfRuntime();
    await expect(run('return (;', {})).rejects.toMatchObject({
      code: -32003,
      message: expect.stringMatching(/does not compile: Unexpected token/),
    });
    await expect(run('throw new RangeError("bad n")', {})).rejects.toMatchObject({
      code: -32003,
      message: 'Component execution failed: bad n',
    });
    const notObject = await runtime.blobs.put('just a string');
    await expect(runtime.execute('/udf', { blob_id: notObject, input: {} })).rejects.toMatchObject({
      code: -32602,
      message: `UDF blob ${notObject} must be an object {code, input_schema}`,
    });
    const noCode = await runtime.blobs.put({ input_schema: {} });
    await expect(runtime.execute('/udf', { blob_id: noCode, input: {} })).rejects.toMatchObject({
      message: `UDF blob ${noCode}: 'code' must be a non-empty string`,
    });
    const badSchema = await runtime.blobs.put({ code: '1', input_schema: 'object' });
    await expect(runtime.execute('/udf', { blob_id: badSchema, input: {} })).rejects.toMatchObject({
      message: `UDF blob ${badSchema}: 'input_schema' must be a JSON Schema object`,
    });
    await expect(
      runtime.execute('/udf', { blob_id: '0'.repeat(64), input: {} }),
    ).rejects.toMatchObject({
      code: -32003,
      message: expect.stringContaining('blobs/get failed: Failed to get blob'),
    });
    await expect(runtime.execute('/udf', { input: {} })).rejects.toMatchObject({ code: -32602 });
  });
});
