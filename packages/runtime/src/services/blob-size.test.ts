import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { DEFAULT_MAX_BLOB_BYTES, RuntimeServiceError } from '../index.ts';
import { testRuntime, yamlFlow } from '../../test/helpers.ts';

const putBlob = yamlFlow(`
steps:
  - id: put
    component: /builtin/put_blob
    input: { data: { $from: { workflow: input } }, blob_type: data }
output: { $from: { step: put } }
`);

function deeplyNested(): unknown {
  let value: unknown = 1;
  for (let i = 0; i < 100_000; i++) value = [value];
  return value;
}

describe('blob size limit', () => {
  it('defaults to 32 MiB', () => {
    expect(DEFAULT_MAX_BLOB_BYTES).toBe(32 * 1024 * 1024);
  });

  it('put_blob refuses a blob over the limit, naming its size and the limit', async () => {
    const runtime = testRuntime({ maxBlobBytes: 100 });
    expect((await runtime.run({ flow: putBlob, input: 'x'.repeat(98) })).result).toMatchObject({
      outcome: 'success',
    });
    const { result } = await runtime.run({ flow: putBlob, input: 'é'.repeat(60) });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        message: 'step "put" failed',
        data: {
          cause: {
            code: -32012,
            message: 'Blob too large: 122 bytes, more than the limit of 100 bytes',
            data: { size_bytes: 122, max_bytes: 100 },
          },
        },
      },
    });
  });

  it('the default limit applies to put_blob', async () => {
    const { result } = await testRuntime().run({
      flow: putBlob,
      input: 'x'.repeat(DEFAULT_MAX_BLOB_BYTES),
    });
    expect(JSON.stringify(result)).toContain(
      `Blob too large: ${DEFAULT_MAX_BLOB_BYTES + 2} bytes, more than the limit of ${DEFAULT_MAX_BLOB_BYTES} bytes (32 MiB)`,
    );
  });

  it('applies to the putBlob service behind blobs/put, and to deeply nested data', async () => {
    const errors: unknown[] = [];
    const runtime = testRuntime({
      maxBlobBytes: 10,
      handler: async ({ input, context }): Promise<FlowResult> => {
        try {
          const data = input === 'deep' ? deeplyNested() : input;
          return { outcome: 'success', result: await context.services.putBlob(data, 'data') };
        } catch (error) {
          errors.push(error);
          return { outcome: 'failed', error: { code: 1, message: (error as Error).message } };
        }
      },
    });
    const flow = yamlFlow(`
steps:
  - { id: s, component: /test/put, input: { $from: { workflow: input } } }
output: { $from: { step: s } }
`);
    await runtime.run({ flow, input: 'too long for ten bytes' });
    await runtime.run({ flow, input: 'deep' });
    expect(errors).toHaveLength(2);
    expect(RuntimeServiceError.isInstance(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({
      code: -32012,
      message: 'Blob too large: 24 bytes, more than the limit of 10 bytes',
    });
    expect((errors[1] as Error).message).toBe(
      'Blob refused: its data nests arrays and objects more than 256 levels deep (the limit)',
    );
  });
});
