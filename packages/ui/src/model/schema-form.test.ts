import { describe, expect, it } from 'vitest';
import {
  errorsFromMessages,
  flatten,
  formFieldsOf,
  formValue,
  initialRaw,
  MAX_FORM_DEPTH,
} from './schema-form.ts';

const schema = {
  type: 'object',
  required: ['name', 'count'],
  properties: {
    name: { type: 'string', title: 'Your name', description: 'Who to greet', minLength: 2 },
    count: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
    ratio: { type: 'number' },
    loud: { type: 'boolean' },
    tone: { enum: ['warm', 'dry'] },
    tags: { type: 'array', items: { type: 'string' } },
    address: {
      type: 'object',
      required: ['city'],
      properties: { city: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } },
    },
  },
};

describe('formFieldsOf', () => {
  it('makes a control per property, nested objects as groups, complex types as JSON', () => {
    const fields = formFieldsOf(schema);
    expect(fields.map((f) => [f.key, f.kind, f.required, f.label])).toEqual([
      ['name', 'string', true, 'Your name'],
      ['count', 'integer', true, 'count'],
      ['ratio', 'number', false, 'ratio'],
      ['loud', 'boolean', false, 'loud'],
      ['tone', 'enum', false, 'tone'],
      ['tags', 'json', false, 'tags'],
      ['address', 'object', false, 'address'],
    ]);
    expect(flatten(fields).map((f) => f.key)).toContain('address.zip');
    expect(fields[0]!.description).toBe('Who to greet');
    expect(fields[4]!.options).toEqual(['warm', 'dry']);
  });

  it('gives a schema that is not an object, or none, a single JSON editor', () => {
    expect(formFieldsOf(undefined).map((f) => [f.key, f.kind])).toEqual([['', 'json']]);
    expect(formFieldsOf({ type: 'string' }).map((f) => [f.key, f.kind])).toEqual([['', 'string']]);
    expect(
      formFieldsOf({ type: 'object', additionalProperties: { type: 'string' }, properties: {} })[0]!
        .kind,
    ).toBe('json');
  });

  it('stops nesting at a bounded depth (a schema is untrusted)', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 50; i++) deep = { type: 'object', properties: { x: deep } };
    const keys = flatten(formFieldsOf(deep)).map((f) => [f.key.split('.').length, f.kind]);
    expect(keys).toEqual([[MAX_FORM_DEPTH, 'json']]);
  });
});

describe('formValue', () => {
  const fields = formFieldsOf(schema);

  it('builds the value, typed, leaving out empty optional fields', () => {
    const raw = {
      ...initialRaw(fields),
      name: 'Ada',
      ratio: '0.5',
      loud: true,
      tone: '"dry"',
      tags: '["a","b"]',
      'address.city': 'Paris',
    };
    expect(formValue(fields, raw)).toEqual({
      ok: true,
      value: {
        name: 'Ada',
        count: 3,
        ratio: 0.5,
        loud: true,
        tone: 'dry',
        tags: ['a', 'b'],
        address: { city: 'Paris' },
      },
    });
  });

  it('names every field at fault', () => {
    const raw = {
      ...initialRaw(fields),
      name: 'A',
      count: '2.5',
      ratio: 'abc',
      tags: '[oops',
      'address.zip': '12',
    };
    const outcome = formValue(fields, raw);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.name).toBe('At least 2 characters');
    expect(outcome.errors.count).toBe('Expected a whole number');
    expect(outcome.errors.ratio).toBe('Expected a number');
    expect(outcome.errors.tags).toMatch(/^Invalid JSON/);
    expect(outcome.errors['address.zip']).toBe('Must match ^[0-9]{5}$');
    // A group with one field filled in must be complete.
    expect(outcome.errors['address.city']).toBe('Required');
  });

  it('reports a missing required field and a value out of range', () => {
    const outcome = formValue(fields, { ...initialRaw(fields), name: '', count: '11' });
    expect(outcome).toEqual({ ok: false, errors: { name: 'Required', count: 'At most 10' } });
  });

  it('checks a JSON value against the declared type', () => {
    const outcome = formValue(fields, { ...initialRaw(fields), name: 'Ada', tags: '{"a":1}' });
    expect(outcome).toEqual({ ok: false, errors: { tags: 'Expected a JSON array' } });
  });

  it('answers the value itself for a schema that is not an object', () => {
    const single = formFieldsOf({ type: 'integer' });
    expect(formValue(single, { '': '7' })).toEqual({ ok: true, value: 7 });
    expect(formValue(formFieldsOf(undefined), { '': '{"x":[1]}' })).toEqual({
      ok: true,
      value: { x: [1] },
    });
  });
});

describe('errorsFromMessages', () => {
  it('puts each service message next to the field it names, the rest on the form', () => {
    const fields = formFieldsOf(schema);
    expect(
      errorsFromMessages(fields, [
        'answer.name: must NOT have fewer than 2 characters',
        '/address/city must be string',
        'something else',
      ]),
    ).toEqual({
      name: 'answer.name: must NOT have fewer than 2 characters',
      'address.city': '/address/city must be string',
      '': 'something else',
    });
  });
});
