import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as protocol from '../src/index.ts';
import { buildEditorFlowSchema } from '../src/internal/editor-flow-schema.ts';
import { flowFixtures } from './fixtures/flow-fixtures.ts';
import { wireFixtures } from './fixtures/wire-fixtures.ts';

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

const protocolJsonSchema = readSchema('protocol.schema.json');
const flowJsonSchema = readSchema('flow.schema.json');

// The spec annotates integers with Rust formats; give ajv the same ranges as the zod helpers.
const integerFormats: Record<string, (n: number) => boolean> = {
  int64: (n) => Number.isSafeInteger(n),
  uint: (n) => Number.isSafeInteger(n) && n >= 0,
  uint64: (n) => Number.isSafeInteger(n) && n >= 0,
  uint32: (n) => Number.isInteger(n) && n >= 0 && n <= 4_294_967_295,
  uint16: (n) => Number.isInteger(n) && n >= 0 && n <= 65_535,
};

function createAjv() {
  // strict: false because the spec uses annotation keywords ajv does not know (`example`,
  // `discriminator` without ajv's discriminator option).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  for (const [name, validate] of Object.entries(integerFormats)) {
    ajv.addFormat(name, { type: 'number', validate });
  }
  return ajv;
}

const ajv = createAjv();
ajv.addSchema({ ...protocolJsonSchema, $id: 'protocol.json' });
ajv.addSchema({ ...flowJsonSchema, $id: 'reference-flow.json' });
ajv.addSchema({ ...buildEditorFlowSchema(flowJsonSchema), $id: 'editor-flow.json' });

function ajvAccepts(ref: string, value: unknown): boolean {
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const result = validate(value);
  if (typeof result !== 'boolean') throw new Error(`${ref} is an async schema`);
  return result;
}

/** The zod schema for each protocol `$defs` entry we model. */
const zodByDef: Record<string, z.ZodType> = {
  InitializeParams: protocol.InitializeParamsSchema,
  InitializeResult: protocol.InitializeResultSchema,
  Initialized: protocol.InitializedParamsSchema,
  ObservabilityContext: protocol.ObservabilityContextSchema,
  BlobId: protocol.BlobIdSchema,
  BlobType: protocol.BlobTypeSchema,
  ComponentExecuteParams: protocol.ComponentExecuteParamsSchema,
  ComponentExecuteResult: protocol.ComponentExecuteResultSchema,
  ComponentInfo: protocol.ComponentInfoSchema,
  ComponentInfoParams: protocol.ComponentInfoParamsSchema,
  ComponentInfoResult: protocol.ComponentInfoResultSchema,
  ComponentListParams: protocol.ComponentListParamsSchema,
  ListComponentsResult: protocol.ListComponentsResultSchema,
  GetBlobParams: protocol.GetBlobParamsSchema,
  GetBlobResult: protocol.GetBlobResultSchema,
  PutBlobParams: protocol.PutBlobParamsSchema,
  PutBlobResult: protocol.PutBlobResultSchema,
  EvaluateFlowParams: protocol.EvaluateFlowParamsSchema,
  EvaluateFlowResult: protocol.EvaluateFlowResultSchema,
  GetFlowMetadataParams: protocol.GetFlowMetadataParamsSchema,
  GetFlowMetadataResult: protocol.GetFlowMetadataResultSchema,
  SubmitBatchParams: protocol.SubmitBatchParamsSchema,
  SubmitBatchResult: protocol.SubmitBatchResultSchema,
  GetBatchParams: protocol.GetBatchParamsSchema,
  GetBatchResult: protocol.GetBatchResultSchema,
  BatchDetails: protocol.BatchDetailsSchema,
  BatchOutputInfo: protocol.BatchOutputInfoSchema,
  FlowResult: protocol.FlowResultSchema,
  FlowError: protocol.FlowErrorSchema,
};

function defOf(schema: z.ZodType): string {
  const entry = Object.entries(zodByDef).find(([, candidate]) => candidate === schema);
  if (entry === undefined) throw new Error('schema without a $defs counterpart');
  return entry[0];
}

describe('protocol parity (zod vs protocol.schema.json)', () => {
  it.each(wireFixtures.map((f) => [`${f.def}: ${f.name}`, f] as const))('%s', (_label, fixture) => {
    const schema = zodByDef[fixture.def];
    expect(schema, `no zod schema for ${fixture.def}`).toBeDefined();
    const zodResult = schema!.safeParse(fixture.value);
    expect(zodResult.success, JSON.stringify(zodResult.error?.issues)).toBe(fixture.valid);
    expect(ajvAccepts(`protocol.json#/$defs/${fixture.def}`, fixture.value)).toBe(fixture.valid);
  });

  it('has a valid and an invalid params and result fixture for every method', () => {
    for (const name of protocol.methodNames) {
      const definition = protocol.methods[name];
      const parts = [definition.params, ...('result' in definition ? [definition.result] : [])];
      for (const schema of parts) {
        const def = defOf(schema);
        const fixtures = wireFixtures.filter((f) => f.def === def);
        expect(
          fixtures.some((f) => f.valid),
          `${name}: valid ${def}`,
        ).toBe(true);
        expect(
          fixtures.some((f) => !f.valid),
          `${name}: invalid ${def}`,
        ).toBe(true);
      }
    }
  });

  it('declares exactly the methods of the spec', () => {
    const defs = protocolJsonSchema['$defs'] as Record<string, { enum?: string[] }>;
    expect([...protocol.methodNames].sort()).toEqual([...(defs['Method']?.enum ?? [])].sort());
  });

  it('models every payload definition of the spec', () => {
    const envelope = new Set([
      'MethodRequest',
      'MethodSuccess',
      'MethodError',
      'MethodResponse',
      'Notification',
      'JsonRpc',
      'RequestId',
      'Method',
      'Error',
      'Component',
      'Value',
      'Schema',
      'FlowResultSuccess',
      'FlowResultSkipped',
      'FlowResultFailed',
    ]);
    const defs = Object.keys(protocolJsonSchema['$defs'] as object).filter((d) => !envelope.has(d));
    expect(defs.filter((d) => !(d in zodByDef))).toEqual([]);
  });

  it('keeps unknown fields', () => {
    const parsed = protocol.PutBlobParamsSchema.parse({
      data: 1,
      blob_type: 'data',
      extra: { a: 1 },
    });
    expect(parsed).toEqual({ data: 1, blob_type: 'data', extra: { a: 1 } });
  });
});

describe('flow parity (zod vs flow.schema.json and the editor schema)', () => {
  it.each(flowFixtures.map((f) => [f.name, f] as const))('%s', (_label, fixture) => {
    const zodResult = protocol.FlowSchema.safeParse(fixture.value);
    expect(zodResult.success, JSON.stringify(zodResult.error?.issues)).toBe(fixture.valid);
    expect(ajvAccepts('editor-flow.json', fixture.value)).toBe(fixture.valid);
    expect(ajvAccepts('reference-flow.json', fixture.value)).toBe(
      fixture.reference ?? fixture.valid,
    );
  });

  it('explains every difference from the reference schema', () => {
    for (const fixture of flowFixtures) {
      if (fixture.reference !== undefined) {
        expect(fixture.reference, fixture.name).not.toBe(fixture.valid);
        expect(fixture.why, fixture.name).toBeTruthy();
      }
    }
  });

  it('keeps unknown keys and values as written', () => {
    const value = {
      schema: protocol.FLOW_SCHEMA_URL,
      steps: [{ id: 'a', component: '/x', extra: 1 }],
      x: [1],
    };
    expect(protocol.FlowSchema.parse(value)).toEqual(value);
  });
});
