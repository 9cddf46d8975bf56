import { expect } from 'vitest';
import type { RunEvent } from '@stepflow/protocol';
import type { StateStore } from '@stepflow/state-store';
import {
  crashWorkspace,
  expectedResult,
  readExecutions,
  reapServers,
  runCli,
  seededRandom,
  startCli,
  STEP_IDS,
  waitFor,
  type CrashWorkspace,
} from './durable-fixture.ts';

/** How to reach the store under test. */
export interface CrashStore {
  /** The `--store` URL. */
  readonly url: string;
  /** Opens the store directly (to read journals between kill and resume). */
  readonly open: () => Promise<StateStore>;
}

/**
 * Trials per store: 30 by default; `STEPFLOW_CRASH_TRIALS` lowers it where the suite runs a second
 * time (CI's Node 24 pass), since each trial starts two processes.
 */
export const CRASH_TRIALS = Number(process.env.STEPFLOW_CRASH_TRIALS ?? 30);

/** What the trials saw, for the report. */
export interface CrashTrialsSummary {
  trials: number;
  /** Trials whose process was killed before the run finished. */
  interrupted: number;
  /** Steps executed twice (in flight at a kill), over all trials. */
  reexecuted: number;
}

/** The root run's journal, or nothing when the process died before recording it. */
async function journalOf(store: StateStore, runId: string): Promise<RunEvent[]> {
  if ((await store.getRun(runId)) === undefined) return [];
  return (await store.readEvents(runId)).map((entry) => entry.event);
}

/**
 * Kills `stepflow run` with SIGKILL once the executions file has a seeded random number of lines
 * (1 … 29), then resumes the run, `trials` times. Each trial checks that the result is the one
 * of an uninterrupted run, that no step whose result was recorded before the resume executed
 * again, that a step executed again only once (it was in flight at the kill; with a higher
 * attempt number when its dispatch was journaled), and that no component server outlived the killed process.
 */
export async function runCrashTrials(
  store: CrashStore,
  trials: number,
  seed: number,
): Promise<CrashTrialsSummary> {
  const random = seededRandom(seed);
  const workspace = await crashWorkspace({ EXECUTIONS_FILE: '${EXECUTIONS_FILE}' });
  const summary: CrashTrialsSummary = { trials, interrupted: 0, reexecuted: 0 };
  try {
    for (let trial = 0; trial < trials; trial++) {
      const killAt = 1 + Math.floor(random() * 29);
      await crashTrial(store, workspace, trial, killAt, summary);
    }
  } finally {
    await reapServers(workspace.marker);
    await workspace.dispose();
  }
  return summary;
}

async function crashTrial(
  store: CrashStore,
  workspace: CrashWorkspace,
  trial: number,
  killAt: number,
  summary: CrashTrialsSummary,
): Promise<void> {
  const runId = `crash-${trial}`;
  const start = trial * 100;
  const executionsPath = `${workspace.dir}/executions-${trial}.txt`;
  const env = { EXECUTIONS_FILE: executionsPath };
  const runArgs = [
    'run',
    '--flow',
    workspace.flowPath,
    '--config',
    workspace.configPath,
    '--store',
    store.url,
    '--run-id',
    runId,
    '--input-json',
    JSON.stringify({ start }),
  ];
  const killed = startCli(runArgs, workspace.dir, env);
  await waitFor(() => readExecutions(executionsPath).length >= killAt, killed.exited);
  killed.child.kill('SIGKILL');
  await killed.exited;
  expect(await reapServers(workspace.marker), `trial ${trial}: orphaned servers`).toEqual([]);

  const before = readExecutions(executionsPath);
  const opened = await store.open();
  const journal = await journalOf(opened, runId).finally(() => opened.close());
  const recorded = new Set(
    journal.flatMap((event) => (event.type === 'stepCompleted' ? [event.stepId] : [])),
  );
  const startedAttempts = new Map<string, number>();
  for (const event of journal) {
    if (event.type === 'stepStarted') startedAttempts.set(event.stepId, event.attempt);
  }
  const finished = journal.some((event) => event.type === 'runCompleted');
  if (!finished) summary.interrupted += 1;

  // Alternate the two ways back: `runs resume` (needs the record) and `run --run-id`.
  const viaResume = trial % 2 === 0 && journal.length > 0;
  const resumed = viaResume
    ? await runCli(
        ['runs', 'resume', runId, '--store', store.url, '--config', workspace.configPath],
        workspace.dir,
        env,
      )
    : await runCli(runArgs, workspace.dir, env);
  expect(resumed.code, `trial ${trial}: ${resumed.stderr}`).toBe(0);
  expect(JSON.parse(resumed.stdout), `trial ${trial}`).toEqual(expectedResult(start));
  expect(await reapServers(workspace.marker), `trial ${trial}: orphaned servers`).toEqual([]);

  const after = readExecutions(executionsPath).slice(before.length);
  for (const execution of after) {
    expect(recorded.has(execution.stepId), `trial ${trial}: ${execution.stepId} re-executed`).toBe(
      false,
    );
  }
  const counts = new Map<string, number>();
  for (const execution of [...before, ...after]) {
    counts.set(execution.stepId, (counts.get(execution.stepId) ?? 0) + 1);
  }
  for (const stepId of STEP_IDS) {
    const count = counts.get(stepId) ?? 0;
    expect(count, `trial ${trial}: executions of ${stepId}`).toBeGreaterThanOrEqual(1);
    expect(count, `trial ${trial}: executions of ${stepId}`).toBeLessThanOrEqual(2);
    if (count === 2) {
      // Executed again only because it was in flight at the kill: started, never recorded.
      expect(before.some((e) => e.stepId === stepId)).toBe(true);
      // A dispatch the journal recorded is retried with the next attempt number (one whose
      // `stepStarted` had not reached the store yet is, as far as the run knows, attempt 1 again).
      const started = startedAttempts.get(stepId);
      if (started !== undefined) {
        const again = after.find((e) => e.stepId === stepId);
        expect(again!.attempt, `trial ${trial}: attempt of ${stepId}`).toBeGreaterThan(started);
      }
      summary.reexecuted += 1;
    }
  }
}
