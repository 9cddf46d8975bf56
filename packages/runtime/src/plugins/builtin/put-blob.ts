import type { BuiltinComponent } from './builtin-component.ts';

/** `/put_blob`: stores JSON data (or a flow) as a content-addressed blob. */
export const putBlobComponent: BuiltinComponent = {
  name: '/put_blob',
  description: 'Store JSON data as a blob and return its content-addressable ID',
  inputSchema: {
    type: 'object',
    properties: { data: {}, blob_type: { enum: ['data', 'flow'] } },
    required: ['data', 'blob_type'],
  },
  outputSchema: {
    type: 'object',
    properties: { blob_id: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    required: ['blob_id'],
  },
  async execute(input, context) {
    const blobId = await context.services.putBlob(input.data, input.blob_type as 'data' | 'flow');
    return { blob_id: blobId };
  },
};
