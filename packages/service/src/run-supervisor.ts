import type { Flow, FlowResult } from '@stepflow/protocol';
import {
  RunSuspendedError,
  serializeFlow,
  type Runtime,
  type RunEvent,
  type StepGate,
} from '@stepflow/runtime';
import { StateStoreError, type StateStore } from '@stepflow/state-store';
import { ApiError } from './api-error.ts';

/** A run the supervisor is executing in this process. */
interface ActiveRun {
  readonly controller: AbortController;
  /** Settles when the run ended (or the runtime closed under it); never rejects. */
  readonly done: Promise<FlowResult | undefined>;
}

/** What `start` needs: the run's record exists already, or the run is `fresh`. */
export interface StartRun {
  readonly runId: string;
  readonly flow: Flow;
  readonly input: unknown;
  /**
   * A new run, its input checked (`checkRunInput`): nothing to resume, so the runtime need not
   * read the run's journal first. Its record may be missing: the run's first events create it.
   */
  readonly fresh?: boolean;
  /** Holds each step until it lets it go (debug runs). */
  readonly stepGate?: StepGate;
}

/**
 * Executes the service's runs in this process: each under the id its caller was given, with an
 * abort signal so cancel really stops it, and a wake-up for event streams when it moves.
 */
export class RunSupervisor {
  private readonly active = new Map<string, ActiveRun>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly finishedListeners = new Set<(runId: string) => void>();
  /** Callers waiting for a run to pause (a `POST /runs` that waits), by run id. */
  private readonly pauseWaiters = new Map<string, Set<() => void>>();
  private closing = false;
  /** Runs stopped here because another process executes them now (their lease was lost). */
  private readonly abandoned = new Set<string>();

  constructor(
    private readonly runtime: Runtime,
    private readonly store: StateStore,
  ) {}

  /**
   * Starts (or resumes, when its journal has events) a run (see `StartRun`). Resolves when
   * the run ended with its result; `undefined` when the service closed first (the run stays
   * `running` in the store, to be resumed by the next process).
   */
  start(run: StartRun): Promise<FlowResult | undefined> {
    if (this.closing) throw new ApiError(503, 'The service is shutting down');
    const existing = this.active.get(run.runId);
    if (existing !== undefined) return existing.done;
    const controller = new AbortController();
    const done = this.execute(run, controller.signal);
    this.active.set(run.runId, { controller, done });
    return done;
  }

  /** Whether the run executes in this process. */
  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Aborts an active run; resolves with its (cancelled) result once it ended. */
  async cancel(runId: string): Promise<FlowResult | undefined> {
    const run = this.active.get(runId);
    if (run === undefined) return undefined;
    run.controller.abort(new Error('cancelled through the API'));
    return run.done;
  }

  /**
   * Stops an active run without recording anything (its lease went to another process, which
   * goes on with it): resolves once it stopped; its `start` promise resolves `undefined`.
   */
  async abandon(runId: string, why: string): Promise<void> {
    const run = this.active.get(runId);
    if (run === undefined) return;
    this.abandoned.add(runId);
    run.controller.abort(new RunSuspendedError(why));
    await run.done;
  }

  /** Calls `wake` whenever the run has a new event or ends; returns the unsubscribe. */
  watch(runId: string, wake: () => void): () => void {
    let set = this.watchers.get(runId);
    if (set === undefined) this.watchers.set(runId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.watchers.delete(runId);
    };
  }

  /** Whether anyone watches the run's events here. */
  isWatched(runId: string): boolean {
    return this.watchers.has(runId);
  }

  /** Wakes the run's watchers: it moved in another process. */
  wakeWatchers(runId: string): void {
    this.wake(runId);
  }

  /**
   * Resolves when the run next has nothing to do but wait for answers or timers (or ended; see
   * `start` for its result).
   */
  whenPaused(runId: string): Promise<void> {
    return new Promise((resolve) => {
      let set = this.pauseWaiters.get(runId);
      if (set === undefined) this.pauseWaiters.set(runId, (set = new Set()));
      set.add(resolve);
    });
  }

  /** Receives every event of every run this process executes (for `GET /events`). */
  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called with a run's id when it ended (for batches). */
  onFinished(listener: (runId: string) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /** Refuses new runs; the runtime's close then leaves active durable runs resumable. */
  close(): void {
    this.closing = true;
  }

  /** Number of runs executing now. */
  get activeCount(): number {
    return this.active.size;
  }

  private async execute(run: StartRun, signal: AbortSignal): Promise<FlowResult | undefined> {
    try {
      const outcome = await this.runtime.run({
        flow: run.flow,
        input: run.input,
        runId: run.runId,
        signal,
        onEvent: (event) => this.publish(event),
        onPaused: () => this.settlePauseWaiters(run.runId),
        ...(run.fresh === true ? { resumeFrom: [] } : {}),
        ...(run.stepGate === undefined ? {} : { stepGate: run.stepGate }),
      });
      return this.abandoned.has(run.runId) ? undefined : outcome.result;
    } catch (error) {
      if (this.closing || this.abandoned.has(run.runId)) return undefined;
      // Another process took the run over (its lease): whatever this one would record could
      // only contradict what the new owner records.
      if (StateStoreError.isInstance(error, 'lease-lost')) return undefined;
      // Nothing ran (the flow or input was refused after the record was made): say so in it.
      const result: FlowResult = {
        outcome: 'failed',
        error: { code: 500, message: error instanceof Error ? error.message : String(error) },
      };
      await this.recordFailure(run, result).catch(() => undefined);
      return result;
    } finally {
      // An ended run never pauses: whoever waits for that has its result from `start`.
      this.pauseWaiters.delete(run.runId);
      this.active.delete(run.runId);
      this.abandoned.delete(run.runId);
      this.wake(run.runId);
      if (!this.closing) for (const listener of this.finishedListeners) listener(run.runId);
    }
  }

  /** Records a run that failed before it started; its record is made now if it had none. */
  private async recordFailure(run: StartRun, result: FlowResult): Promise<void> {
    try {
      await this.store.updateRunStatus(run.runId, 'failed', { result });
    } catch (error) {
      if (!StateStoreError.isInstance(error, 'run-not-found')) throw error;
      await this.store.createRun({
        id: run.runId,
        // The flow's canonical form: stored under the id its events name, if not there yet.
        flow: serializeFlow(run.flow),
        ...(typeof run.flow.name === 'string' ? { flowName: run.flow.name } : {}),
        input: run.input,
      });
      await this.store.updateRunStatus(run.runId, 'failed', { result });
    }
  }

  private settlePauseWaiters(runId: string): void {
    const waiters = this.pauseWaiters.get(runId);
    this.pauseWaiters.delete(runId);
    for (const resolve of waiters ?? []) resolve();
  }

  private publish(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
    this.wake(event.runId);
  }

  private wake(runId: string): void {
    for (const wake of this.watchers.get(runId) ?? []) wake();
  }
}
