import { z } from 'zod';
import { uint32 } from '../internal/numbers.ts';
import { JsonSchemaObjectSchema, JsonValueSchema } from '../json-value.ts';
import type { RequestMethodDefinition } from '../method-definition.ts';
import { ObservabilityContextSchema } from './observability.ts';

/**
 * Schema for a component name as sent to a component server: the post-routing path, e.g. `/udf`
 * for step component `/python/udf`.
 */
export const ComponentNameSchema = z.string();

/** Schema for the description of one component (snake_case on the wire, unlike flows). */
export const ComponentInfoSchema = z.looseObject({
  /** The component's name. */
  component: ComponentNameSchema,
  /** Optional human-readable description. */
  description: z.string().nullish(),
  /** JSON Schema of the component's input (any JSON Schema object). */
  input_schema: JsonSchemaObjectSchema.nullish(),
  /** JSON Schema of the component's output (any JSON Schema object). */
  output_schema: JsonSchemaObjectSchema.nullish(),
});

/** The description of one component. */
export type ComponentInfo = z.infer<typeof ComponentInfoSchema>;

/** Schema for `components/list` params (an empty object). */
export const ComponentListParamsSchema = z.looseObject({});

/** Params of `components/list`. */
export type ComponentListParams = z.infer<typeof ComponentListParamsSchema>;

/** Schema for the `components/list` result. */
export const ListComponentsResultSchema = z.looseObject({
  /** Every component the server offers. */
  components: z.array(ComponentInfoSchema),
});

/** Result of `components/list`. */
export type ListComponentsResult = z.infer<typeof ListComponentsResultSchema>;

/** Schema for `components/info` params. */
export const ComponentInfoParamsSchema = z.looseObject({
  /** The component to describe. */
  component: ComponentNameSchema,
});

/** Params of `components/info`. */
export type ComponentInfoParams = z.infer<typeof ComponentInfoParamsSchema>;

/** Schema for the `components/info` result. */
export const ComponentInfoResultSchema = z.looseObject({
  /** The requested component's description. */
  info: ComponentInfoSchema,
});

/** Result of `components/info`. */
export type ComponentInfoResult = z.infer<typeof ComponentInfoResultSchema>;

/** Schema for `components/execute` params: every field is required. */
export const ComponentExecuteParamsSchema = z.looseObject({
  /** The post-routing component name. */
  component: ComponentNameSchema,
  /** The resolved step input (any JSON, `null` when the step has none). */
  input: JsonValueSchema,
  /** 1-based attempt number; grows on retries. */
  attempt: uint32(),
  /** Run, flow and step ids plus trace context. */
  observability: ObservabilityContextSchema,
});

/** Params of `components/execute`. */
export type ComponentExecuteParams = z.infer<typeof ComponentExecuteParamsSchema>;

/** Schema for the `components/execute` result. */
export const ComponentExecuteResultSchema = z.looseObject({
  /** The component's output (any JSON, but present). */
  output: JsonValueSchema,
});

/** Result of `components/execute`. */
export type ComponentExecuteResult = z.infer<typeof ComponentExecuteResultSchema>;

/** The component methods, all runtime → server. */
export const componentMethods = {
  'components/list': {
    direction: 'runtimeToServer',
    kind: 'request',
    params: ComponentListParamsSchema,
    result: ListComponentsResultSchema,
  },
  'components/info': {
    direction: 'runtimeToServer',
    kind: 'request',
    params: ComponentInfoParamsSchema,
    result: ComponentInfoResultSchema,
  },
  'components/execute': {
    direction: 'runtimeToServer',
    kind: 'request',
    params: ComponentExecuteParamsSchema,
    result: ComponentExecuteResultSchema,
  },
} as const satisfies Record<string, RequestMethodDefinition>;
