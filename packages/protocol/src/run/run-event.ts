import { z } from 'zod';
import { JsonValueSchema } from '../json-value.ts';
import { FlowResultSchema } from '../wire/flow-result.ts';

// Run events are what a journal records and a resumed run replays. They are plain objects (not
// `looseObject`): the journal is ours, and an unexpected field is a bug, not a peer's extension.

const eventBase = {
  /** The run the event belongs to. */
  runId: z.string().min(1),
  /** Clock time of the event (ms since the epoch, from the injected clock). */
  at: z.number().finite(),
};

/** Schema for `runStarted`: a run began. The first event of every run. */
export const RunStartedEventSchema = z.object({
  type: z.literal('runStarted'),
  ...eventBase,
  /** Blob id of the flow. */
  flowId: z.string(),
  /** The flow input. */
  input: JsonValueSchema,
  /** The run that started this one (nested runs: `eval`, `map`, `iterate`, `flows/evaluate`). */
  parentRunId: z.string().optional(),
  /** The step of the parent run whose execution started this one. */
  parentStepId: z.string().optional(),
});

/** A run began. The first event of every run. */
export type RunStartedEvent = Readonly<z.infer<typeof RunStartedEventSchema>>;

/**
 * Schema for `runResumed`: a run recorded earlier (by this or a dead process) goes on; its
 * recorded steps keep their results and the others are dispatched again.
 */
export const RunResumedEventSchema = z.object({
  type: z.literal('runResumed'),
  ...eventBase,
});

/** A recorded run goes on after its process stopped. */
export type RunResumedEvent = Readonly<z.infer<typeof RunResumedEventSchema>>;

/** Schema for `stepStarted`: a step was dispatched to its component (one event per attempt). */
export const StepStartedEventSchema = z.object({
  type: z.literal('stepStarted'),
  ...eventBase,
  stepId: z.string(),
  /** 1-based attempt number. */
  attempt: z.int().min(1),
  /** The post-routing component name. */
  component: z.string(),
  /** The resolved input sent to the component. */
  input: JsonValueSchema,
});

/** A step was dispatched to its component (one event per attempt). */
export type StepStartedEvent = Readonly<z.infer<typeof StepStartedEventSchema>>;

/** Schema for the error of a failed attempt: `{code, message, data?}`. */
export const AttemptErrorSchema = z.object({
  code: z.int(),
  message: z.string(),
  data: JsonValueSchema.optional(),
});

/** Schema for `stepRetrying`: an attempt failed and the step will be tried again after `delayMs`. */
export const StepRetryingEventSchema = z.object({
  type: z.literal('stepRetrying'),
  ...eventBase,
  stepId: z.string(),
  /** The attempt that failed. */
  attempt: z.int().min(1),
  /** Why it failed. */
  error: AttemptErrorSchema,
  /** Delay before the next attempt (0 for transport retries). */
  delayMs: z.number().min(0),
  /** `onError` for an `onError: retry` retry, `transport` for a crashed/unreachable component. */
  reason: z.enum(['onError', 'transport']),
});

/** An attempt failed and the step will be tried again after `delayMs`. */
export type StepRetryingEvent = Readonly<z.infer<typeof StepRetryingEventSchema>>;

/**
 * Schema for `stepCompleted`: a step has its final result (after `onError`). Steps skipped before
 * dispatch get one too, with `attempt: 0`. Replaying these events into a new run marks those
 * steps done.
 */
export const StepCompletedEventSchema = z.object({
  type: z.literal('stepCompleted'),
  ...eventBase,
  stepId: z.string(),
  /** The number of attempts made (0 when the step was never dispatched). */
  attempt: z.int().min(0),
  /** The step's recorded result. */
  result: FlowResultSchema,
});

/** A step has its final result (after `onError`); skipped steps get one with `attempt: 0`. */
export type StepCompletedEvent = Readonly<z.infer<typeof StepCompletedEventSchema>>;

/**
 * Schema for `stepPaused`: a step waits for a person (`/builtin/ask_human`: `prompt`, `schema`,
 * and `expiresAt` when it times out) or for a time (`/builtin/sleep`: `wakeAt`). A resumed run
 * keeps waiting for the same question, or only for the rest of the time.
 */
export const StepPausedEventSchema = z.object({
  type: z.literal('stepPaused'),
  ...eventBase,
  stepId: z.string(),
  /** `question` for `ask_human`, `timer` for `sleep`. */
  kind: z.enum(['question', 'timer']),
  /** What the person is shown (any JSON). */
  prompt: JsonValueSchema.optional(),
  /** JSON Schema the answer must satisfy. */
  schema: z.record(z.string(), JsonValueSchema).optional(),
  /** Clock time after which the question fails the step (ms since the epoch). */
  expiresAt: z.number().finite().optional(),
  /** Clock time the timer wakes the step (ms since the epoch). */
  wakeAt: z.number().finite().optional(),
});
/** A step waits for a person's answer or for a time. */
export type StepPausedEvent = Readonly<z.infer<typeof StepPausedEventSchema>>;

/**
 * Schema for `stepAnswered`: a paused question got its (validated) answer: the audit record of
 * what was answered, by whom (`by`) and when (`at`).
 */
export const StepAnsweredEventSchema = z.object({
  type: z.literal('stepAnswered'),
  ...eventBase,
  stepId: z.string(),
  /** The answer; it becomes the step's output. */
  answer: JsonValueSchema,
  /** Who answered: a token's name, a local user name. */
  by: z.string().optional(),
});
/** A paused question got its answer. */
export type StepAnsweredEvent = Readonly<z.infer<typeof StepAnsweredEventSchema>>;

/** Schema for `runCompleted`: the run finished with `result`. The last event of every run. */
export const RunCompletedEventSchema = z.object({
  type: z.literal('runCompleted'),
  ...eventBase,
  result: FlowResultSchema,
});

/** The run finished with `result`. The last event of every run. */
export type RunCompletedEvent = Readonly<z.infer<typeof RunCompletedEventSchema>>;

/** Schema for any run event, discriminated by `type`. */
export const RunEventSchema = z.discriminatedUnion('type', [
  RunStartedEventSchema,
  RunResumedEventSchema,
  StepStartedEventSchema,
  StepRetryingEventSchema,
  StepCompletedEventSchema,
  StepPausedEventSchema,
  StepAnsweredEventSchema,
  RunCompletedEventSchema,
]);

/** What happens in a run, as a sequence a journal can record and replay. */
export type RunEvent =
  | RunStartedEvent
  | RunResumedEvent
  | StepStartedEvent
  | StepRetryingEvent
  | StepCompletedEvent
  | StepPausedEvent
  | StepAnsweredEvent
  | RunCompletedEvent;

/** The `type` of every run event. */
export type RunEventType = RunEvent['type'];
