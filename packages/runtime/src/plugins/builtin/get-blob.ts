import type { BuiltinComponent } from './builtin-component.ts';

/** `/get_blob`: returns the data of a stored blob. */
export const getBlobComponent: BuiltinComponent = {
  name: '/get_blob',
  description: 'Retrieve JSON data from a blob using its ID',
  inputSchema: {
    type: 'object',
    properties: { blob_id: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    required: ['blob_id'],
  },
  outputSchema: { type: 'object', properties: { data: {} }, required: ['data'] },
  async execute(input, context) {
    const blob = await context.services.getBlob(input.blob_id as string);
    return { data: blob.data };
  },
};
