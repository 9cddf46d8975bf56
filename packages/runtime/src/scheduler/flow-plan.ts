import type { Flow } from '@stepflow/protocol';
import type { ValidateFunction } from 'ajv';
import {
  type TemplateIssue,
  type TemplateNode,
  compileExpr,
  compileTemplate,
  forEachReference,
} from '../expressions/compile-template.ts';
import { compileJsonSchema } from '../internal/json-schema.ts';

/** Backoff settings of `onError: retry`, defaults filled in (DECISIONS item 12). */
export interface RetryBackoffPolicy {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
  readonly jitter: boolean;
}

/** A step's `onError`, compiled. */
export type ErrorPolicy =
  | { readonly action: 'fail' }
  | { readonly action: 'skip' }
  | { readonly action: 'useDefault'; readonly defaultValue: TemplateNode | undefined }
  | {
      readonly action: 'retry';
      readonly maxAttempts: number;
      readonly backoff: RetryBackoffPolicy;
    };

/** A step compiled for execution. */
export interface StepPlan {
  readonly index: number;
  readonly id: string;
  readonly component: string;
  readonly input: TemplateNode;
  readonly skipIf: TemplateNode | undefined;
  readonly onError: ErrorPolicy;
  readonly timeoutMs: number | undefined;
  /** Indexes of the steps this one depends on (input, skipIf, onError.defaultValue). */
  readonly dependencies: readonly number[];
  /** Indexes of the steps that depend on this one. */
  readonly dependents: number[];
  readonly metadata: Record<string, unknown>;
  /** The step's `outputSchema`, compiled; undefined when it has none (or ajv cannot use it). */
  readonly outputSchema: ValidateFunction | undefined;
}

/** A flow compiled once and reused by every run of it. */
export interface FlowPlan {
  readonly steps: readonly StepPlan[];
  readonly byId: ReadonlyMap<string, StepPlan>;
  readonly output: TemplateNode;
  /** The flow's `outputSchema`, compiled; undefined when it has none (or ajv cannot use it). */
  readonly outputSchema: ValidateFunction | undefined;
}

const DEFAULT_BACKOFF: RetryBackoffPolicy = {
  initialMs: 100,
  multiplier: 2,
  maxMs: 10_000,
  jitter: true,
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function compileErrorPolicy(raw: unknown, issues: TemplateIssue[]): ErrorPolicy {
  const onError = asRecord(raw);
  switch (onError.action) {
    case 'skip':
      return { action: 'skip' };
    case 'useDefault':
      return {
        action: 'useDefault',
        defaultValue:
          onError.defaultValue === undefined || onError.defaultValue === null
            ? undefined
            : compileTemplate(onError.defaultValue, issues, ['defaultValue']),
      };
    case 'retry': {
      const backoff = asRecord(onError.backoff);
      return {
        action: 'retry',
        maxAttempts: Math.max(1, Math.floor(numberOr(onError.maxAttempts, 3))),
        backoff: {
          initialMs: numberOr(backoff.initialMs, DEFAULT_BACKOFF.initialMs),
          multiplier: numberOr(backoff.multiplier, DEFAULT_BACKOFF.multiplier),
          maxMs: numberOr(backoff.maxMs, DEFAULT_BACKOFF.maxMs),
          jitter: typeof backoff.jitter === 'boolean' ? backoff.jitter : DEFAULT_BACKOFF.jitter,
        },
      };
    }
    default:
      return { action: 'fail' };
  }
}

/**
 * A schema ajv cannot compile is not enforced (`validateFlow` warns about it as invalidSchema),
 * like an input schema.
 */
function compileOutputSchema(schema: unknown): ValidateFunction | undefined {
  if (schema === undefined || schema === null) return undefined;
  return compileJsonSchema(schema).validate;
}

const plans = new WeakMap<object, FlowPlan>();

/**
 * Compiles a (validated) flow into a plan: templates compiled, dependency edges computed once.
 * Cached per flow object, so repeated runs of one flow pay for this once.
 */
export function planFlow(flow: Flow): FlowPlan {
  const cached = plans.get(flow);
  if (cached) return cached;
  const doc = flow as unknown as Record<string, unknown>;
  const rawSteps = Array.isArray(doc.steps) ? (doc.steps as unknown[]) : [];
  const byId = new Map<string, StepPlan>();
  const steps: StepPlan[] = [];
  const issues: TemplateIssue[] = [];
  rawSteps.forEach((rawStep, index) => {
    const step = asRecord(rawStep);
    const input = compileTemplate(step.input ?? null, issues);
    const skipIf =
      step.skipIf === undefined || step.skipIf === null
        ? undefined
        : compileExpr(step.skipIf, issues);
    const onError = compileErrorPolicy(step.onError, issues);
    const dependencies = new Set<number>();
    const addDependency = (node: TemplateNode | undefined): void => {
      if (!node) return;
      forEachReference(node, (ref) => {
        if (ref.source.kind !== 'step') return;
        const target = byId.get(ref.source.stepId);
        if (target) dependencies.add(target.index);
      });
    };
    addDependency(input);
    addDependency(skipIf);
    if (onError.action === 'useDefault') addDependency(onError.defaultValue);
    const plan: StepPlan = {
      index,
      id: String(step.id),
      component: String(step.component),
      input,
      skipIf,
      onError,
      timeoutMs:
        typeof step.timeoutMs === 'number' && step.timeoutMs > 0 ? step.timeoutMs : undefined,
      dependencies: [...dependencies],
      dependents: [],
      metadata: asRecord(step.metadata),
      outputSchema: compileOutputSchema(step.outputSchema),
    };
    for (const dependency of plan.dependencies) steps[dependency]!.dependents.push(index);
    steps.push(plan);
    if (!byId.has(plan.id)) byId.set(plan.id, plan);
  });
  const output = compileTemplate(doc.output ?? null, issues);
  const plan: FlowPlan = {
    steps,
    byId,
    output,
    outputSchema: compileOutputSchema(doc.outputSchema),
  };
  plans.set(flow, plan);
  return plan;
}
