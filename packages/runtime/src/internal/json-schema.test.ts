import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metaValidatorSources } from '../../scripts/meta-validator-sources.ts';
import { compileJsonSchema } from './json-schema.ts';

describe('compileJsonSchema', () => {
  it('reports a schema that breaks its meta-schema the way ajv does', () => {
    expect(compileJsonSchema({ required: 'name' }).problem).toBe(
      'schema is invalid: data/required must be array',
    );
    expect(
      compileJsonSchema({ $schema: 'http://json-schema.org/draft-07/schema#', minLength: -1 })
        .problem,
    ).toBe('schema is invalid: data/minLength must be >= 0');
    // Duplicate checks use ajv's deep-equality helper, imported by the generated code.
    expect(compileJsonSchema({ type: ['string', 'string'] }).problem).toBe(
      'schema is invalid: data/type must be equal to one of the allowed values, data/type must NOT have duplicate items (items ## 0 and 1 are identical), data/type must match a schema in anyOf',
    );
  });

  it('compiles valid draft 2020-12 and draft-07 schemas', () => {
    const nullable = compileJsonSchema({ type: ['string', 'null'] });
    expect([nullable.validate?.(null), nullable.validate?.(1)]).toEqual([true, false]);
    const modern = compileJsonSchema({ prefixItems: [{ type: 'string' }], items: false });
    expect(modern.validate?.(['a'])).toBe(true);
    expect(modern.validate?.(['a', 'b'])).toBe(false);
    const draft07 = compileJsonSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      items: [{ type: 'string' }],
      additionalItems: false,
    });
    expect(draft07.validate?.(['a'])).toBe(true);
    expect(draft07.validate?.(['a', 1])).toBe(false);
  });

  it('compiles a schema that refers to a meta-schema (a field that holds a JSON Schema)', () => {
    const holder = compileJsonSchema({
      type: 'object',
      properties: { schema: { $ref: 'https://json-schema.org/draft/2020-12/schema' } },
    });
    expect(holder.problem).toBeUndefined();
    expect(holder.validate?.({ schema: { type: 'string' } })).toBe(true);
    expect(holder.validate?.({ schema: { type: 7 } })).toBe(false);
    const draft07 = compileJsonSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      properties: { schema: { $ref: 'http://json-schema.org/draft-07/schema#' } },
    });
    expect(draft07.validate?.({ schema: { minLength: -1 } })).toBe(false);
  });

  it('names a reference it cannot resolve', () => {
    expect(compileJsonSchema({ $ref: 'https://example.com/nowhere.json' }).problem).toContain(
      'https://example.com/nowhere.json',
    );
  });
});

describe('generated meta-schema validators', () => {
  it.each(Object.entries(metaValidatorSources()))(
    '%s is what the installed ajv generates (run `pnpm --filter @stepflow/runtime generate`)',
    (file, source) => {
      const committed = readFileSync(new URL(`./generated/${file}`, import.meta.url), 'utf8');
      expect(committed === source).toBe(true);
    },
  );
});
