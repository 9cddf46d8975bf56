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
