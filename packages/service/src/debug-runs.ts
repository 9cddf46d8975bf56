import { blobIdOf } from '@stepflow/blob-store';
import type { Flow, FlowResult, RunEvent } from '@stepflow/protocol';
import { foldRunEvents, planFlow, stepStatuses, type RunState } from '@stepflow/runtime';
import type { RunRecord, StateStore } from '@stepflow/state-store';
import { ApiError } from './api-error.ts';
import { DebugSession } from './debug-session.ts';
import type { RunSupervisor } from './run-supervisor.ts';
import type { WorkClaimer } from './work-claimer.ts';

/** How long `debug/step` waits for a wake-up before reading the journal again (results are saved just after they are announced). */
const JOURNAL_POLL_MS = 20;

/**
 * The content-addressed blob that marks a run as a debug run: the store has no column for it,
 * and a blob needs no schema change in any store. Its id follows from the run id.
 */
function debugMarker(runId: string): { readonly stepflowDebugRun: string } {
  return { stepflowDebugRun: runId };
}

/**
 * Debug runs (`POST /runs` with `debug: true`): created `paused`, executed one released step at
 * a time through a step gate. A session lives in the process executing the run; after a restart
 * the next debug call rebuilds it from the run's journal, so stepping survives a crash too.
 */
export class DebugRuns {
  private readonly sessions = new Map<string, DebugSession>();

  /** @param claimer on a shared store: a debug run executes here under its lease. */
  constructor(
    private readonly store: StateStore,
    private readonly supervisor: RunSupervisor,
    private readonly claimer?: WorkClaimer,
  ) {}

  /** Starts a debug run whose `paused` record exists: no step starts until released. */
  async start(runId: string, flow: Flow, input: unknown): Promise<void> {
    await this.store.put(debugMarker(runId), 'data');
    await this.launch(runId, flow, input, true);
  }

  /** Whether the run was started as a debug run. */
  async isDebugRun(runId: string): Promise<boolean> {
    return this.sessions.has(runId) || (await this.store.has(blobIdOf(debugMarker(runId))));
  }

  /** The ids of the steps that may be executed next. */
  async runnable(run: RunRecord, flow: Flow): Promise<string[]> {
    await this.session(run, flow);
    const statuses = stepStatuses(planFlow(flow), await this.state(run));
    return [...statuses].filter(([, status]) => status === 'runnable').map(([id]) => id);
  }

  /** Executes runnable steps and resolves with their results once they are recorded. */
  async step(
    run: RunRecord,
    flow: Flow,
    stepIds: readonly string[],
  ): Promise<Record<string, FlowResult>> {
    const session = await this.session(run, flow);
    const plan = planFlow(flow);
    const statuses = stepStatuses(plan, await this.state(run));
    for (const stepId of stepIds) {
      const status = statuses.get(stepId);
      if (status === undefined) throw new ApiError(400, `stepIds: no step '${stepId}' in the flow`);
      if (status !== 'runnable')
        throw new ApiError(409, `Step '${stepId}' is not runnable: it is ${status}`);
    }
    for (const stepId of stepIds) session.release(stepId);
    for (;;) {
      const state = await this.state(run);
      const results = stepIds.map((stepId) => state.steps.get(stepId)?.result);
      if (results.every((result) => result !== undefined))
        return Object.fromEntries(stepIds.map((stepId, i) => [stepId, results[i]!]));
      if (state.result !== undefined || !this.supervisor.isActive(run.id))
        throw new ApiError(409, `Run ${run.id} ended before its steps did`);
      await this.changed(run.id);
    }
  }

  /**
   * Lets the run go to the end; resolves with its result (`undefined` if the service closed).
   * A debug run that ended already answers its result again.
   */
  async continue(run: RunRecord, flow: Flow): Promise<FlowResult | undefined> {
    // Its last step may have ended it already: the answer is its result.
    if (run.result !== undefined && (await this.isDebugRun(run.id))) return run.result;
    const session = await this.session(run, flow);
    session.releaseAll();
    return this.supervisor.start({ runId: run.id, flow, input: run.input });
  }

  /** The run's session, rebuilt from its journal when no process executes it. */
  private async session(run: RunRecord, flow: Flow): Promise<DebugSession> {
    if (run.status !== 'paused' || !(await this.isDebugRun(run.id)))
      throw new ApiError(409, `Run ${run.id} is not a paused debug run (it is ${run.status})`);
    const existing = this.sessions.get(run.id);
    if (existing !== undefined && this.supervisor.isActive(run.id)) return existing;
    return this.launch(run.id, flow, run.input, false);
  }

  private async launch(
    runId: string,
    flow: Flow,
    input: unknown,
    fresh: boolean,
  ): Promise<DebugSession> {
    const session = new DebugSession();
    const start = (): Promise<FlowResult | undefined> =>
      this.supervisor.start({ runId, flow, input, fresh, stepGate: session.gate });
    // On a shared store no other runtime may claim the run while it is stepped through here.
    const done =
      this.claimer === undefined ? start() : (await this.claimer.startHeld(runId, start)).done;
    this.sessions.set(runId, session);
    void done.finally(() => {
      if (this.sessions.get(runId) === session) this.sessions.delete(runId);
    });
    return session;
  }

  /** The run's state from its journal (before its first event: started, nothing done). */
  private async state(run: RunRecord): Promise<RunState> {
    const events: RunEvent[] = (await this.store.readEvents(run.id)).map((e) => e.event);
    const state = foldRunEvents(events);
    if (state !== undefined) return state;
    const started: RunEvent = {
      type: 'runStarted',
      runId: run.id,
      at: run.createdAt,
      flowId: run.flowId,
      input: null,
    };
    return foldRunEvents([started])!;
  }

  /** Resolves when the run has news (an event, its end) or after a short while. */
  private changed(runId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, JOURNAL_POLL_MS);
      const unwatch = this.supervisor.watch(runId, done);
      function done(): void {
        clearTimeout(timer);
        unwatch();
        resolve();
      }
    });
  }
}
