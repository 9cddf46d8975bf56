// Input checks shared by every StateStore implementation, so memory, SQLite and PostgreSQL refuse
// exactly the same things with the same messages. Public for store implementations.
import { blobIdOfText, canonicalBlobText, isBlobId } from '@stepflow/blob-store';
import {
  FlowResultSchema,
  isTerminalRunStatus,
  RunEventSchema,
  RunStatusSchema,
  type RunStatus,
} from '@stepflow/protocol';
import { z } from 'zod';
import type { BatchStatus, ListBatchesOptions, NewBatch } from './batch-store.ts';
import type { JournalAppend } from './journal-store.ts';
import type { NewPendingAnswer } from './answer-store.ts';
import type { ListRunsOptions, NewRun, RunFilter } from './run-store.ts';
import { isWellFormedRunEvent } from './internal/run-event-check.ts';
import { StateStoreError } from './state-store-error.ts';

/** Default page size of list methods. */
export const DEFAULT_LIST_LIMIT = 100;
/** Largest page a list method returns. */
export const MAX_LIST_LIMIT = 10_000;

const Id = z.string().min(1).max(1024);
const Statuses = z.union([RunStatusSchema, z.array(RunStatusSchema).readonly()]);
const Time = z.number().finite();

function refuse(what: string, error: z.ZodError): never {
  const details = error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(value)'}: ${issue.message}`)
    .join('; ');
  throw new StateStoreError('invalid-input', `${what}: ${details}`);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) refuse(what, parsed.error);
  return parsed.data;
}

/** The JSON text a store keeps for `value`; `invalid-input` naming `what` if it is not JSON. */
export function jsonText(value: unknown, what: string): string {
  try {
    return canonicalBlobText(value);
  } catch (error) {
    throw new StateStoreError('invalid-input', `${what} must be a JSON value`, { cause: error });
  }
}

/** The `name` of a flow document, if it has a string one. */
export function flowNameOf(flow: unknown): string | undefined {
  if (typeof flow !== 'object' || flow === null || Array.isArray(flow)) return undefined;
  const name = (flow as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** A run's flow, checked: the text to store as a `flow` blob (when given) and its id. */
export interface PreparedFlow {
  readonly flowId: string;
  /** The flow's JSON text when the caller gave the document (absent for `flowId`). */
  readonly flowText?: string;
  readonly flowName?: string;
}

function prepareFlow(
  source: { flow?: unknown; flowId?: string; flowName?: string },
  what: string,
): PreparedFlow {
  const hasFlow = source.flow !== undefined;
  if (hasFlow === (source.flowId !== undefined)) {
    throw new StateStoreError('invalid-input', `${what}: give exactly one of flow and flowId`);
  }
  if (source.flowName !== undefined && typeof source.flowName !== 'string') {
    throw new StateStoreError('invalid-input', `${what}: flowName must be a string`);
  }
  if (!hasFlow) {
    if (!isBlobId(source.flowId)) {
      throw new StateStoreError('invalid-input', `${what}: flowId must be a blob id (64 hex)`);
    }
    return { flowId: source.flowId, flowName: source.flowName };
  }
  const flowText = jsonText(source.flow, `${what}: flow`);
  return {
    flowId: blobIdOfText(flowText),
    flowText,
    flowName: source.flowName ?? flowNameOf(source.flow),
  };
}

const NewRunSchema = z.object({
  id: Id,
  status: z.enum(['running', 'paused']).optional(),
  parentRunId: Id.optional(),
  parentStepId: Id.optional(),
});

/** A checked `NewRun`: ids, the flow and the input's JSON text. */
export interface PreparedRun extends PreparedFlow {
  readonly id: string;
  readonly inputText: string;
  readonly status: 'running' | 'paused';
  readonly parentRunId?: string;
  readonly parentStepId?: string;
}

/** Checks a `NewRun`, throwing `invalid-input` with the offending field. */
export function prepareNewRun(run: NewRun): PreparedRun {
  const fields = parse(NewRunSchema, run, 'createRun');
  return {
    ...prepareFlow(run, `createRun(${fields.id})`),
    id: fields.id,
    inputText: jsonText(run.input, `createRun(${fields.id}): input`),
    status: fields.status ?? 'running',
    parentRunId: fields.parentRunId,
    parentStepId: fields.parentStepId,
  };
}

const NewBatchSchema = z.object({
  id: Id,
  maxConcurrency: z.int().min(1).optional(),
  runs: z.array(z.object({ id: Id })),
  parentRunId: Id.optional(),
  parentStepId: Id.optional(),
});

/** A checked `NewBatch`. */
export interface PreparedBatch extends PreparedFlow {
  readonly id: string;
  readonly maxConcurrency?: number;
  readonly runs: readonly { readonly id: string; readonly inputText: string }[];
  readonly parentRunId?: string;
  readonly parentStepId?: string;
}

/** Checks a `NewBatch`: ids, distinct run ids, JSON inputs. */
export function prepareNewBatch(batch: NewBatch): PreparedBatch {
  const fields = parse(NewBatchSchema, batch, 'createBatch');
  const what = `createBatch(${fields.id})`;
  const seen = new Set<string>();
  const runs = batch.runs.map((run, index) => {
    if (seen.has(run.id)) {
      throw new StateStoreError('invalid-input', `${what}: run id ${run.id} appears twice`);
    }
    seen.add(run.id);
    return { id: run.id, inputText: jsonText(run.input, `${what}: runs.${index}.input`) };
  });
  return { ...prepareFlow(batch, what), ...fields, runs };
}

/** A checked journal append: the events' JSON texts, in order. */
export interface PreparedAppend {
  readonly runId: string;
  readonly events: readonly { readonly type: string; readonly text: string }[];
  readonly expectedSeq?: number;
  readonly fence?: { readonly owner: string; readonly epoch: number };
  readonly status?: RunStatus;
  readonly resultText?: string;
}

const AppendSchema = z.object({
  runId: Id,
  events: z.array(z.unknown()),
  expectedSeq: z.int().min(0).optional(),
  fence: z.object({ owner: Id, epoch: z.int().min(0) }).optional(),
  status: RunStatusSchema.optional(),
  result: FlowResultSchema.optional(),
});

/**
 * Checks a group of journal appends: every event must be a valid `RunEvent` of its append's run.
 * The events are stored as given (validated, not rewritten).
 */
export function prepareAppends(appends: readonly JournalAppend[]): PreparedAppend[] {
  const given: unknown = appends;
  if (!Array.isArray(given)) {
    throw new StateStoreError('invalid-input', 'appendEvents: expected an array of appends');
  }
  return appends.map((append, index) => {
    const fields = parse(AppendSchema, append, `appendEvents: append ${index}`);
    const events = (append.events as readonly unknown[]).map((event, position) => {
      const what = `appendEvents: run ${fields.runId}, event ${position}`;
      let checked = event as { readonly type: string; readonly runId: string };
      // The schema only when the fast check is unsure: it decides and names the fault.
      if (!isWellFormedRunEvent(event)) {
        const parsed = RunEventSchema.safeParse(event);
        if (!parsed.success) refuse(what, parsed.error);
        checked = parsed.data;
      }
      if (checked.runId !== fields.runId) {
        throw new StateStoreError(
          'invalid-input',
          `${what}: belongs to run ${checked.runId}, not ${fields.runId}`,
        );
      }
      return { type: checked.type, text: jsonText(event, what) };
    });
    return {
      runId: fields.runId,
      events,
      expectedSeq: fields.expectedSeq,
      ...(fields.fence && { fence: { owner: fields.fence.owner, epoch: fields.fence.epoch } }),
      status: fields.status,
      resultText:
        append.result === undefined ? undefined : jsonText(append.result, 'appendEvents: result'),
    };
  });
}

const FilterSchema = z.object({
  status: Statuses.optional(),
  flowId: z.string().optional(),
  flowName: z.string().optional(),
  parentRunId: z.string().optional(),
  batchId: z.string().optional(),
  wakeAtOrBefore: Time.optional(),
});

/** A checked run filter: `statuses` is a list (absent for any status). */
export interface PreparedRunFilter {
  readonly statuses?: readonly RunStatus[];
  readonly flowId?: string;
  readonly flowName?: string;
  readonly parentRunId?: string;
  readonly batchId?: string;
  readonly wakeAtOrBefore?: number;
}

/** Checks a `RunFilter`. */
export function prepareRunFilter(filter: RunFilter = {}, what = 'countRuns'): PreparedRunFilter {
  const { status, ...rest } = parse(FilterSchema, filter, what);
  return { ...rest, statuses: toStatuses(status) };
}

/** Turns a status option (one or several) into a list, or `undefined` for any. */
export function toStatuses(
  status: RunStatus | readonly RunStatus[] | undefined,
): readonly RunStatus[] | undefined {
  if (status === undefined) return undefined;
  return typeof status === 'string' ? [status] : status;
}

const PageSchema = z.object({
  limit: z.int().min(0).max(MAX_LIST_LIMIT).optional(),
  offset: z.int().min(0).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

/** A checked page: limit and offset with their defaults. */
export interface PreparedPage {
  readonly limit: number;
  readonly offset: number;
  readonly order: 'asc' | 'desc';
}

/** Checks paging options (`limit` 0…10,000, default 100; `offset` ≥ 0). */
export function preparePage(
  options: { limit?: number; offset?: number; order?: 'asc' | 'desc' } = {},
  what = 'list',
): PreparedPage {
  const page = parse(PageSchema, { ...options }, what);
  return {
    limit: page.limit ?? DEFAULT_LIST_LIMIT,
    offset: page.offset ?? 0,
    order: page.order ?? 'asc',
  };
}

/** Checks `listRuns` options. */
export function prepareListRuns(options: ListRunsOptions = {}): PreparedRunFilter & PreparedPage {
  const { limit, offset, order, ...filter } = options;
  return {
    ...prepareRunFilter(filter, 'listRuns'),
    ...preparePage({ limit, offset, order }, 'listRuns'),
  };
}

/**
 * Checks a status change: `status-conflict` when the run is final already or not in one of the
 * `expected` statuses.
 */
export function checkStatusChange(
  runId: string,
  current: RunStatus,
  next: RunStatus,
  expected?: RunStatus | readonly RunStatus[],
): void {
  parse(RunStatusSchema, next, `updateRunStatus(${runId}): status`);
  const allowed = toStatuses(expected);
  if (allowed && !allowed.includes(current)) {
    throw new StateStoreError(
      'status-conflict',
      `Run ${runId} is ${current}, expected ${allowed.join(' or ')}`,
    );
  }
  if (isTerminalRunStatus(current)) {
    throw new StateStoreError(
      'status-conflict',
      `Run ${runId} is ${current} already and cannot become ${next}`,
    );
  }
}

const WakeAtSchema = Time.nullable().optional();

/** Checks `updateRunStatus` options; returns the result's JSON text if any. */
export function prepareStatusOptions(
  runId: string,
  options: { result?: unknown; wakeAt?: number | null } = {},
): { resultText?: string; wakeAt?: number | null } {
  const what = `updateRunStatus(${runId})`;
  const wakeAt = parse(WakeAtSchema, options.wakeAt, `${what}: wakeAt`);
  if (options.result === undefined) return { wakeAt };
  parse(FlowResultSchema, options.result, `${what}: result`);
  return { resultText: jsonText(options.result, `${what}: result`), wakeAt };
}

const PendingAnswerSchema = z.object({
  runId: Id,
  stepId: Id,
  prompt: z.unknown(),
  schema: z.record(z.string(), z.unknown()).optional(),
  expiresAt: Time.optional(),
});

/** Checks a `NewPendingAnswer`; returns its prompt's JSON text and its schema's if any. */
export function preparePendingAnswer(request: NewPendingAnswer): {
  readonly request: NewPendingAnswer;
  readonly promptText: string;
  readonly schemaText?: string;
} {
  parse(PendingAnswerSchema, request, 'createPendingAnswer');
  if (request.prompt === undefined)
    throw new StateStoreError('invalid-input', 'createPendingAnswer: prompt is required');
  const promptText = jsonText(request.prompt, 'createPendingAnswer: prompt');
  const schemaText =
    request.schema === undefined
      ? undefined
      : jsonText(request.schema, 'createPendingAnswer: schema');
  return { request, promptText, schemaText };
}

/** Checks `submitAnswer` arguments; returns the answer's JSON text. */
export function prepareAnswer(
  runId: string,
  stepId: string,
  answer: unknown,
  answeredBy: string | undefined,
): string {
  parse(
    z.object({ runId: Id, stepId: Id, answeredBy: z.string().optional() }),
    {
      runId,
      stepId,
      answeredBy,
    },
    'submitAnswer',
  );
  return jsonText(answer, `submitAnswer(${runId}, ${stepId}): answer`);
}

/** Checks lease arguments: ids and a positive TTL. */
export function checkLeaseArgs(runId: string, owner: string, ttlMs?: number): void {
  parse(
    z.object({ runId: Id, owner: Id, ttlMs: z.number().finite().positive().optional() }),
    { runId, owner, ttlMs },
    'lease',
  );
}

/** Checks a batch status change: a `completed` or `cancelled` batch stays so. */
export function checkBatchStatusChange(batchId: string, current: string, next: string): void {
  parse(z.enum(['running', 'completed', 'cancelled']), next, `updateBatchStatus(${batchId})`);
  if (current !== 'running' && current !== next) {
    throw new StateStoreError(
      'status-conflict',
      `Batch ${batchId} is ${current} already and cannot become ${next}`,
    );
  }
}

const BatchFilterSchema = z.object({
  status: z
    .union([
      z.enum(['running', 'completed', 'cancelled']),
      z.array(z.enum(['running', 'completed', 'cancelled'])).readonly(),
    ])
    .optional(),
  flowId: Id.optional(),
  flowName: z.string().optional(),
});

/** A checked batch filter and page: `statuses` is a list (absent for any status). */
export interface PreparedBatchFilter extends PreparedPage {
  readonly statuses?: readonly BatchStatus[];
  readonly flowId?: string;
  readonly flowName?: string;
}

/** Checks `listBatches` options. */
export function prepareListBatches(options: ListBatchesOptions = {}): PreparedBatchFilter {
  const { limit, offset, order, ...filter } = options;
  const { status, ...rest } = parse(BatchFilterSchema, filter, 'listBatches');
  return {
    ...rest,
    ...(status === undefined ? {} : { statuses: typeof status === 'string' ? [status] : status }),
    ...preparePage({ limit, offset, order }, 'listBatches'),
  };
}

/** A run `deleteRun` would remove: the run asked for or one nested in it. */
export interface DeletionCandidate {
  readonly id: string;
  readonly status: RunStatus;
  /** The status of the batch the run belongs to, if it belongs to one. */
  readonly batchStatus?: BatchStatus;
}

/**
 * Checks that `deleteRun(runId)` may remove `runs` (the run and its nested runs): each final,
 * none in a running batch; `status-conflict` naming the run at fault otherwise.
 */
export function checkRunsDeletable(runId: string, runs: readonly DeletionCandidate[]): void {
  for (const run of runs) {
    const which =
      run.id === runId ? `Run ${runId}` : `Run ${runId} has a nested run ${run.id} that`;
    if (!isTerminalRunStatus(run.status)) {
      throw new StateStoreError(
        'status-conflict',
        `deleteRun: ${which} is ${run.status}; only finished runs can be deleted`,
      );
    }
    if (run.batchStatus === 'running') {
      throw new StateStoreError(
        'status-conflict',
        `deleteRun: ${which} belongs to a batch that is still running`,
      );
    }
  }
}
