import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEditorFlowSchema } from '../src/internal/editor-flow-schema.ts';

const reference = JSON.parse(
  readFileSync(new URL('../schemas/flow.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('buildEditorFlowSchema', () => {
  const editor = buildEditorFlowSchema(reference);
  const defs = editor['$defs'] as Record<string, { properties?: Record<string, unknown> }>;

  it('leaves the reference schema untouched', () => {
    const again = JSON.parse(
      readFileSync(new URL('../schemas/flow.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(reference).toEqual(again);
  });

  it('describes the extensions', () => {
    expect(defs['Step']?.properties?.['timeoutMs']).toMatchObject({ type: 'integer', minimum: 1 });
    expect(defs['RetryBackoff']?.properties).toHaveProperty('initialMs');
  });

  it('marks snake_case aliases deprecated without constraining them', () => {
    expect(defs['Step']?.properties?.['on_error']).toEqual({
      description: 'Deprecated alias of `onError`: accepted with a warning; write `onError`.',
      deprecated: true,
    });
    expect(defs['Reference']?.properties).toHaveProperty('on_skip');
    expect(defs['TestServerHealthCheck']?.properties).toHaveProperty('retry_delay_ms');
  });

  it('fails loudly if the reference schema changes shape', () => {
    expect(() => buildEditorFlowSchema({ $defs: {} })).toThrow('flow schema: missing');
  });
});
