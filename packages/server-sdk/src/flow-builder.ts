import { FLOW_SCHEMA_URL, type ErrorAction, type TypedFlow } from '@stepflow/protocol';
import type { ComponentSchema, JsonSchema } from './component-schema.ts';
import { compileSchema } from './internal/schema-adapter.ts';

/** What to do when a referenced step was skipped: propagate the skip, or use a default value. */
export type OnSkip =
  { readonly action: 'skip' } | { readonly action: 'useDefault'; readonly defaultValue?: unknown };

/** A reference expression, exactly as it appears in a v1 flow (`{ $from, path?, onSkip? }`). */
export interface Reference {
  readonly $from: { readonly workflow: 'input' } | { readonly step: string };
  readonly path?: string;
  readonly onSkip?: OnSkip;
}

/** An escaped literal: its value is passed on verbatim, references inside it are not expanded. */
export interface Literal<T = unknown> {
  readonly $literal: T;
}

/** Options of a reference. */
export interface ReferenceOptions {
  /** What to do when the referenced step was skipped (default: skip this step too). */
  readonly onSkip?: OnSkip;
}

/** Something references can be made from: the flow input or a step's output. */
export interface ReferenceSource<T = unknown> {
  /** A reference to the whole value, or to a part of it by a `$`-path such as `$.items[0].id`. */
  ref(path?: string, options?: ReferenceOptions): Reference;
  /** A reference to one field (a key containing `.` or `[` is quoted: `$["a.b"]`). */
  field<K extends FieldName<T>>(name: K, options?: ReferenceOptions): Reference;
}

type FieldName<T> = [T] extends [Record<string, unknown>] ? keyof T & string : string;

/** A step added to a {@link FlowBuilder}; make references to its output from it. */
export interface StepHandle<Output = unknown> extends ReferenceSource<Output> {
  /** The step id. */
  readonly id: string;
}

/** Options of {@link FlowBuilder.step}. */
export interface StepOptions {
  /** Skip the step when this resolves truthy (a reference or a literal). */
  readonly skipIf?: Reference | boolean | number | string | null;
  /** What to do when the step fails. */
  readonly onError?: ErrorAction;
  /** Documentation schema of the step input (zod or JSON Schema). */
  readonly inputSchema?: ComponentSchema;
  /** Documentation schema of the step output (zod or JSON Schema). */
  readonly outputSchema?: ComponentSchema;
  /** Metadata returned by `flows/get_metadata` for this step. */
  readonly metadata?: Record<string, unknown>;
}

/** Options of {@link createFlowBuilder}. */
export interface FlowBuilderOptions {
  /** The flow's name (runs and batches report it). */
  readonly name?: string;
  /** What the flow does. */
  readonly description?: string;
  /** Informational version string. */
  readonly version?: string;
}

/**
 * Builds a v1 flow in TypeScript. References are made from the flow input and from step handles,
 * so a step can only refer to steps added before it; `build()` emits exactly the camelCase v1
 * format with `schema` set, in the canonical key order. `Input` and `Output` (the flow input and
 * the result of a successful run) are carried by the built flow's type, so a runtime's `run`
 * checks the input and types the result.
 */
export interface FlowBuilder<Input = unknown, Output = unknown> {
  /** The flow input, to make references from. */
  readonly input: ReferenceSource<Input>;
  /**
   * Adds a step. `input` is any JSON value in which references (and `literal(...)`) may appear.
   *
   * @throws Error when the id is blank or taken, or the component does not start with `/`.
   */
  step<Output = unknown>(
    id: string,
    component: string,
    input?: unknown,
    options?: StepOptions,
  ): StepHandle<Output>;
  /** Sets the flow output (a template like a step input). */
  output(template: unknown): this;
  /** Sets the flow's input schema (documentation; the runtime validates input against it). */
  inputSchema(schema: ComponentSchema): this;
  /** Sets the flow's output schema (documentation). */
  outputSchema(schema: ComponentSchema): this;
  /** Sets the flow metadata returned by `flows/get_metadata`. */
  metadata(metadata: Record<string, unknown>): this;
  /** Emits the flow document (a fresh copy each call), typed with the flow's input and output. */
  build(): TypedFlow<Input, Output>;
}

/** Wraps a value so it is passed on verbatim (`{ $literal: value }`). */
export function literal<T>(value: T): Literal<T> {
  return { $literal: value };
}

const SIMPLE_FIELD = /^[^.[\]"'\s]+$/;

function fieldPath(name: string): string {
  return SIMPLE_FIELD.test(name) ? `$.${name}` : `$[${JSON.stringify(name)}]`;
}

function makeSource<T>(from: Reference['$from']): ReferenceSource<T> {
  const ref = (path?: string, options?: ReferenceOptions): Reference => ({
    $from: from,
    ...(path !== undefined && path !== '' && path !== '$' && { path }),
    ...(options?.onSkip !== undefined && { onSkip: options.onSkip }),
  });
  return { ref, field: (name, options) => ref(fieldPath(name), options) };
}

function toJsonSchema(schema: ComponentSchema, where: string): JsonSchema | undefined {
  return compileSchema(schema, 'input', where).jsonSchema;
}

/**
 * Creates a flow builder.
 *
 * @example
 * ```ts
 * const flow = createFlowBuilder<{ text: string }, { words: number }>({ name: 'word-count' });
 * const stats = flow.step('stats', '/sample/text_stats', { text: flow.input.field('text') });
 * flow.output({ words: stats.field('words') });
 * const doc = flow.build(); // { schema: 'https://stepflow.org/schemas/v1/flow.json', name: 'word-count', steps: [...], output: {...} }
 * const { result } = await runtime.run({ flow: doc, input: { text: 'a b c' } }); // result: FlowResult<{ words: number }>
 * ```
 */
export function createFlowBuilder<Input = unknown, Output = unknown>(
  options: FlowBuilderOptions = {},
): FlowBuilder<Input, Output> {
  const steps: Array<Record<string, unknown>> = [];
  const ids = new Set<string>();
  let output: unknown;
  let inputSchema: JsonSchema | undefined;
  let outputSchema: JsonSchema | undefined;
  let metadata: Record<string, unknown> | undefined;

  const builder: FlowBuilder<Input, Output> = {
    input: makeSource<Input>({ workflow: 'input' }),
    step<Output>(
      id: string,
      component: string,
      input?: unknown,
      stepOptions: StepOptions = {},
    ): StepHandle<Output> {
      if (typeof id !== 'string' || id.trim() === '')
        throw new Error('FlowBuilder.step: the step id must not be blank');
      if (ids.has(id)) throw new Error(`FlowBuilder.step: a step with id '${id}' already exists`);
      if (typeof component !== 'string' || !component.startsWith('/')) {
        throw new Error(
          `FlowBuilder.step '${id}': component must start with '/', got '${String(component)}'`,
        );
      }
      checkReferences(input, ids, `step '${id}' input`);
      if (stepOptions.skipIf !== undefined)
        checkReferences(stepOptions.skipIf, ids, `step '${id}' skipIf`);
      ids.add(id);
      const where = `step '${id}'`;
      steps.push({
        id,
        component,
        ...(stepOptions.inputSchema !== undefined && {
          inputSchema: toJsonSchema(stepOptions.inputSchema, `${where} inputSchema`),
        }),
        ...(stepOptions.outputSchema !== undefined && {
          outputSchema: toJsonSchema(stepOptions.outputSchema, `${where} outputSchema`),
        }),
        ...(stepOptions.skipIf !== undefined && { skipIf: stepOptions.skipIf }),
        ...(stepOptions.onError !== undefined && { onError: stepOptions.onError }),
        ...(input !== undefined && { input }),
        ...(stepOptions.metadata !== undefined && { metadata: stepOptions.metadata }),
      });
      return { id, ...makeSource<Output>({ step: id }) };
    },
    output(template) {
      checkReferences(template, ids, 'flow output');
      output = template;
      return this;
    },
    inputSchema(schema) {
      inputSchema = toJsonSchema(schema, 'flow inputSchema');
      return this;
    },
    outputSchema(schema) {
      outputSchema = toJsonSchema(schema, 'flow outputSchema');
      return this;
    },
    metadata(value) {
      metadata = value;
      return this;
    },
    build() {
      const flow = {
        schema: FLOW_SCHEMA_URL,
        ...(options.name !== undefined && { name: options.name }),
        ...(options.description !== undefined && { description: options.description }),
        ...(options.version !== undefined && { version: options.version }),
        ...(inputSchema !== undefined && { inputSchema }),
        ...(outputSchema !== undefined && { outputSchema }),
        ...(steps.length > 0 && { steps }),
        ...(output !== undefined && { output }),
        ...(metadata !== undefined && Object.keys(metadata).length > 0 && { metadata }),
      };
      return structuredClone(flow) as TypedFlow<Input, Output>;
    },
  };
  return builder;
}

/** Fails loudly when a template refers to a step this builder has not (yet) added. */
function checkReferences(template: unknown, known: ReadonlySet<string>, where: string): void {
  if (typeof template !== 'object' || template === null) return;
  if (Array.isArray(template)) {
    for (const item of template) checkReferences(item, known, where);
    return;
  }
  if ('$literal' in template && !('$from' in template)) return;
  if ('$from' in template) {
    const from = template.$from;
    if (typeof from === 'object' && from !== null && 'step' in from) {
      const step = from.step;
      if (typeof step !== 'string' || !known.has(step)) {
        throw new Error(
          `FlowBuilder: ${where} refers to step '${String(step)}', which is not an earlier step of this flow`,
        );
      }
    }
    return;
  }
  for (const value of Object.values(template)) checkReferences(value, known, where);
}
