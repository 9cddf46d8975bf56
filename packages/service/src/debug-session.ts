import type { StepGate } from '@stepflow/runtime';

/**
 * The step gate of one debug run: every step waits at it until released by name
 * (`debug/step`), or until the run is let go (`debug/continue`).
 */
export class DebugSession {
  private readonly held = new Map<string, () => void>();
  /** Released before the engine reached them (their dependencies' results were being saved). */
  private readonly released = new Set<string>();
  private free = false;

  /** What the engine consults before each step starts. */
  readonly gate: StepGate = (step) => {
    if (this.free || this.released.delete(step.id)) return undefined;
    return new Promise<void>((resolve) => {
      this.held.set(step.id, () => {
        this.held.delete(step.id);
        resolve();
      });
    });
  };

  /** Lets one step start (now, or as soon as the engine reaches it). */
  release(stepId: string): void {
    const open = this.held.get(stepId);
    if (open === undefined) this.released.add(stepId);
    else open();
  }

  /** Lets every step start from now on. */
  releaseAll(): void {
    this.free = true;
    for (const open of [...this.held.values()]) open();
  }
}
