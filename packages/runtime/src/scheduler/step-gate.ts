import type { StepPlan } from './flow-plan.ts';

/**
 * Consulted before each step of a run starts (once its dependencies have results, before its
 * `skipIf` and input are evaluated): `undefined` lets it start now, a promise holds it until the
 * promise resolves. A rejected promise means the step never starts: reject only when the run is
 * being cancelled. This is how a debugger steps through a run; a run without a gate pays nothing.
 */
export type StepGate = (step: StepPlan) => Promise<void> | undefined;

/** What a held step needs from its run: keep it from ending meanwhile, and go on afterwards. */
export interface GatedRun {
  /** A step is held: the run is not done while it is. */
  readonly hold: () => void;
  /** The step is no longer held (it starts now, or never). */
  readonly unhold: () => void;
  /** Starts whatever became ready and ends the run when nothing is left. */
  readonly pump: () => void;
}

/** Starts a ready step now, or once `gate` lets it go. */
export function startThroughGate(
  gate: StepGate,
  step: StepPlan,
  start: () => void,
  run: GatedRun,
): void {
  const held = gate(step);
  if (held === undefined) {
    start();
    return;
  }
  run.hold();
  held.then(
    () => {
      run.unhold();
      start();
      run.pump();
    },
    () => run.unhold(),
  );
}
