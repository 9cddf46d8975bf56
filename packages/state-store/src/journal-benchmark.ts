import type { RunEvent } from '@stepflow/protocol';
import type { StateStore } from './state-store.ts';

/** Options of `benchmarkJournalAppends`. */
export interface JournalBenchmarkOptions {
  /** Number of groups appended one after another (default 20). */
  readonly groups?: number;
  /** Events per group (default 1000), spread over `runsPerGroup` runs. */
  readonly eventsPerGroup?: number;
  /** Runs each group writes to (default 1). */
  readonly runsPerGroup?: number;
  /** Bytes of input carried by each event (default 100). */
  readonly payloadBytes?: number;
}

/** What `benchmarkJournalAppends` measured. */
export interface JournalBenchmarkResult {
  readonly events: number;
  readonly groups: number;
  readonly milliseconds: number;
  readonly eventsPerSecond: number;
}

/**
 * Measures grouped journal appends on a store: `groups` group commits of `eventsPerGroup`
 * `stepCompleted` events each, awaited one after another (so it measures commit latency and
 * throughput, not parallelism). Creates its own runs (ids prefixed `bench-`).
 */
export async function benchmarkJournalAppends(
  store: StateStore,
  options: JournalBenchmarkOptions = {},
): Promise<JournalBenchmarkResult> {
  const groups = options.groups ?? 20;
  const perGroup = options.eventsPerGroup ?? 1000;
  const runs = options.runsPerGroup ?? 1;
  const payload = 'x'.repeat(options.payloadBytes ?? 100);
  const prefix = `bench-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const runIds = Array.from({ length: runs }, (_, i) => `${prefix}-${i}`);
  const flow = { schema: 'https://stepflow.org/schemas/v1/flow.json', name: 'bench', steps: [] };
  for (const id of runIds) await store.createRun({ id, flow, input: null });
  const started = performance.now();
  for (let group = 0; group < groups; group++) {
    await store.appendEvents(
      runIds.map((runId, r) => ({
        runId,
        events: Array.from({ length: Math.ceil(perGroup / runs) }, (_, i): RunEvent => ({
          type: 'stepCompleted',
          runId,
          at: group,
          stepId: `s${group}-${r}-${i}`,
          attempt: 1,
          result: { outcome: 'success', result: payload },
        })),
      })),
    );
  }
  const milliseconds = performance.now() - started;
  const events = groups * runs * Math.ceil(perGroup / runs);
  return {
    events,
    groups,
    milliseconds,
    eventsPerSecond: Math.round((events / milliseconds) * 1000),
  };
}
