import { compileJsonSchema } from '../internal/json-schema.ts';

/** What an `ask_human` step asks, from its input. */
export interface QuestionInput {
  readonly prompt: unknown;
  readonly schema?: Record<string, unknown>;
  readonly timeoutMs?: number;
}

/** How long a `sleep` step waits, from its input: a duration or a point in time (ms). */
export type SleepInput = { readonly durationMs: number } | { readonly until: number };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Why a `schema` cannot check answers, or `undefined` when it is a usable JSON Schema. */
export function answerSchemaProblem(schema: unknown): string | undefined {
  if (!isObject(schema)) return 'schema must be a JSON Schema object';
  const { problem } = compileJsonSchema(schema);
  return problem;
}

/** An `ask_human` input, or what is wrong with it. */
export function parseQuestionInput(input: unknown): QuestionInput | string {
  if (!isObject(input)) return 'the input of ask_human must be an object with a prompt';
  if (!('prompt' in input) || input.prompt === undefined)
    return 'the input of ask_human has no prompt';
  const { prompt, schema, timeoutMs } = input;
  for (const key of Object.keys(input))
    if (key !== 'prompt' && key !== 'schema' && key !== 'timeoutMs')
      return `the input of ask_human has an unknown field '${key}' (it takes prompt, schema, timeoutMs)`;
  if (schema !== undefined) {
    const problem = answerSchemaProblem(schema);
    if (problem !== undefined) return `the schema of ask_human is unusable: ${problem}`;
  }
  if (timeoutMs !== undefined && (!isDuration(timeoutMs) || timeoutMs === 0))
    return 'timeoutMs of ask_human must be a positive number of milliseconds';
  return {
    prompt,
    ...(schema === undefined ? {} : { schema: schema as Record<string, unknown> }),
    ...(timeoutMs === undefined ? {} : { timeoutMs: timeoutMs }),
  };
}

/** A `sleep` input, or what is wrong with it. */
export function parseSleepInput(input: unknown): SleepInput | string {
  if (!isObject(input)) return 'the input of sleep must be an object: { durationMs } or { until }';
  const { durationMs, until } = input;
  if ((durationMs === undefined) === (until === undefined))
    return 'the input of sleep takes exactly one of durationMs and until';
  if (durationMs !== undefined) {
    if (!isDuration(durationMs))
      return 'durationMs of sleep must be a non-negative number of milliseconds';
    return { durationMs };
  }
  const at = typeof until === 'string' ? Date.parse(until) : Number.NaN;
  if (!Number.isFinite(at))
    return `until of sleep must be an ISO 8601 date-time, e.g. "2026-12-01T09:00:00Z" (got ${JSON.stringify(until)})`;
  return { until: at };
}
