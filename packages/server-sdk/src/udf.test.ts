import { afterEach, describe, expect, it } from 'vitest';
import { createComponentServer, type UdfOptions } from './index.ts';
import { createTestRuntime, type TestRuntime } from './testing.ts';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
});

async function udfRuntime(udf: UdfOptions = {}) {
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const server = createComponentServer({
    name: 'udf',
    version: '1',
    writeLog: (line) => {
      lines.push(line);
      for (const waiter of waiters) if (line.includes(waiter.text)) waiter.resolve();
    },
    udf,
  });
  server.component('echo', {}, (input) => input);
  const runtime = await createTestRuntime(server);
  runtimes.push(runtime);
  const run = async (code: string, input: unknown, inputSchema: unknown = { type: 'object' }) => {
    const blobId = await runtime.blobs.put({ code, input_schema: inputSchema });
    return runtime.execute('/udf', { blob_id: blobId, input });
  };
  /** Resolves once a log line contains `text`. */
  const logged = (text: string) =>
    new Promise<void>((resolve) => {
      if (lines.some((line) => line.includes(text))) resolve();
      else waiters.push({ text, resolve });
    });
  return { runtime, run, lines, logged };
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
    const { run } = await udfRuntime({ timeoutMs: 50 });
    await expect(run('while (true) {}', {})).rejects.toMatchObject({
      code: -32003,
      message: expect.stringMatching(
        /^Component execution failed: UDF [0-9a-f]{64} timed out after 50 ms$/,
      ),
    });
  });

  it('stops an asynchronous UDF at the time limit', async () => {
    const { run } = await udfRuntime({ timeoutMs: 30 });
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

  it('passes console output and context.log to the server log, at their levels', async () => {
    const { run, lines } = await udfRuntime();
    expect(
      await run(
        'console.log("n is", input.n); console.warn("odd"); context.log("done"); context.log.error("bad", { n: input.n }); return 1;',
        { n: 2 },
      ),
    ).toBe(1);
    const logged = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.component === '/udf');
    expect(logged).toEqual([
      expect.objectContaining({ level: 'info', msg: 'log: n is 2' }),
      expect.objectContaining({ level: 'warn', msg: 'warn: odd' }),
      expect.objectContaining({ level: 'info', msg: 'done' }),
      expect.objectContaining({ level: 'error', msg: 'bad', fields: { n: 2 } }),
    ]);
  });

  it('fails with the original error when a context call fails, and lets the UDF catch it', async () => {
    const { run } = await udfRuntime();
    const missing = '0'.repeat(64);
    await expect(
      run('return await context.getBlob(input.id);', { id: missing }),
    ).rejects.toMatchObject({
      code: -32003,
      message: expect.stringContaining('blobs/get failed: Failed to get blob'),
    });
    expect(
      await run('try { await context.getBlob(input.id); } catch (e) { return [e.name, e.code]; }', {
        id: missing,
      }),
    ).toEqual(['RuntimeRequestError', expect.any(Number)]);
  });
});

describe('/udf in worker threads', () => {
  const NEXT = 'input.n + 1';

  it.each([
    ['a synchronous loop', 'while (true) {}'],
    ['a loop after await', 'await null;\nwhile (true) {}'],
    ['a .then loop', 'function spin() { return Promise.resolve().then(spin); }\nreturn spin();'],
    [
      'a .then loop left behind',
      'const spin = () => Promise.resolve().then(spin);\nspin();\nreturn 1;',
    ],
  ])('stops %s at the time limit, and the next call works', async (_name, code) => {
    const { run } = await udfRuntime({ timeoutMs: 200, maxWorkers: 1 });
    await expect(run(code, {})).rejects.toMatchObject({
      code: -32003,
      message: expect.stringMatching(
        /^Component execution failed: UDF [0-9a-f]{64} timed out after 200 ms$/,
      ),
    });
    expect(await run(NEXT, { n: 1 })).toBe(2);
  });

  it('stops a UDF that exceeds its memory limit, and the next call works', async () => {
    const { run } = await udfRuntime({ maxMemoryMb: 32, maxWorkers: 1 });
    const bomb = 'const kept = [];\nwhile (true) kept.push(new Array(1e5).fill(kept.length));';
    await expect(run(bomb, {})).rejects.toMatchObject({
      code: -32003,
      message: expect.stringMatching(
        /UDF [0-9a-f]{64} failed: it ran out of memory \(limit 32 MiB\)$/,
      ),
    });
    expect(await run(NEXT, { n: 1 })).toBe(2);
  });

  it('keeps serving other requests and UDFs while one spins, and stops it when the server closes', async () => {
    const { run, runtime, logged } = await udfRuntime({ timeoutMs: 600_000 });
    const spinning = run('console.log("spinning");\nawait null;\nwhile (true) {}', {}).catch(
      (error: unknown) => error,
    );
    await logged('spinning');
    expect(await runtime.execute('/echo', { still: 'serving' })).toEqual({ still: 'serving' });
    expect(await Promise.all([1, 2, 3].map((n) => run(NEXT, { n })))).toEqual([2, 3, 4]);
    await runtime.close({ graceMs: 0 });
    expect(await spinning).toMatchObject({ code: -32003 });
  });

  it('queues calls beyond maxWorkers and runs them as workers free up', async () => {
    const { runtime } = await udfRuntime({ maxWorkers: 1 });
    const blobId = await runtime.blobs.put({ code: 'await null; return input.n * 10;' });
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => runtime.execute('/udf', { blob_id: blobId, input: { n } })),
    );
    expect(results).toEqual([10, 20, 30, 40]);
  });

  it('rejects limits that are not positive integers', () => {
    expect(() =>
      createComponentServer({ name: 'x', version: '1', udf: { maxWorkers: 0 } }),
    ).toThrow('udf.maxWorkers must be a positive integer, got 0');
  });
});
