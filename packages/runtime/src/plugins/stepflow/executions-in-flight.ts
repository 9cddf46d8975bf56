import { JsonRpcError } from '@stepflow/jsonrpc';
import { ErrorCodes, type ObservabilityContext } from '@stepflow/protocol';
import type { RuntimeServices } from '../../services/runtime-services.ts';
import type { ExecutionContext } from '../plugin.ts';
import type { CallbackScope } from './runtime-callbacks.ts';

/**
 * The executions in flight on one component server, so that its callbacks are served with the
 * right run: by the `run_id`/`step_id` of their `observability`; without them (the Python SDK
 * sends `observability: null` when it has no trace span) by the only execution in flight, else
 * by the run every execution in flight belongs to, else by `detached` services (nested runs
 * without a parent, as the reference does).
 */
export class ExecutionsInFlight {
  /** By run id, then step id (nested maps: no key string per execution). */
  readonly #byRun = new Map<string, Map<string, ExecutionContext[]>>();
  readonly #all = new Set<ExecutionContext>();
  /** How many executions in flight use each `RuntimeServices` (one per run). */
  readonly #services = new Map<RuntimeServices, number>();
  readonly #detached: RuntimeServices | undefined;

  constructor(detached: RuntimeServices | undefined) {
    this.#detached = detached;
  }

  /** Registers an execution in flight (until `delete`). */
  add(context: ExecutionContext): void {
    let steps = this.#byRun.get(context.runId);
    if (steps === undefined) {
      steps = new Map();
      this.#byRun.set(context.runId, steps);
    }
    const list = steps.get(context.stepId);
    if (list) list.push(context);
    else steps.set(context.stepId, [context]);
    this.#all.add(context);
    const services = context.services;
    this.#services.set(services, (this.#services.get(services) ?? 0) + 1);
  }

  /** Forgets an execution that ended. */
  delete(context: ExecutionContext): void {
    this.#all.delete(context);
    const services = context.services;
    const count = this.#services.get(services) ?? 0;
    if (count <= 1) this.#services.delete(services);
    else this.#services.set(services, count - 1);
    const steps = this.#byRun.get(context.runId);
    const entries = steps?.get(context.stepId);
    if (!steps || !entries) return;
    const index = entries.indexOf(context);
    if (index >= 0) entries.splice(index, 1);
    if (entries.length > 0) return;
    steps.delete(context.stepId);
    if (steps.size === 0) this.#byRun.delete(context.runId);
  }

  /**
   * What serves a callback; `needsRun` is false for blob methods, which any execution may serve
   * (the blob store is shared). Throws a `JsonRpcError` only when nothing can serve it.
   */
  resolve(
    observability: ObservabilityContext | null | undefined,
    method: string,
    needsRun: boolean,
  ): CallbackScope {
    const runId = observability?.run_id;
    const stepId = observability?.step_id;
    if (typeof runId === 'string' && typeof stepId === 'string') {
      const entries = this.#byRun.get(runId)?.get(stepId);
      const found = entries?.[entries.length - 1];
      if (found) return found;
    }
    if (this.#all.size === 1) return this.#all.values().next().value as ExecutionContext;
    // Steps of one run share its services: nested runs keep their parent and depth.
    if (this.#services.size === 1) {
      return { services: this.#services.keys().next().value as RuntimeServices };
    }
    if (this.#detached !== undefined) return { services: this.#detached };
    if (!needsRun && this.#all.size > 0) {
      return this.#all.values().next().value as ExecutionContext;
    }
    const which =
      typeof runId === 'string' && typeof stepId === 'string'
        ? `run '${runId}' step '${stepId}'`
        : 'no observability run_id/step_id';
    throw new JsonRpcError(
      ErrorCodes.serverError,
      `${method}: no execution in flight matches the callback (${which}; ${this.#all.size} in flight)`,
    );
  }
}
