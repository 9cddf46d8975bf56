/**
 * An abort switch whose `AbortSignal` is only built when someone asks for it: most handlers never
 * look at their signal, and an `AbortController` per request is a measurable cost at high rates.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** Whether `abort` was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The signal; already aborted when `abort` came first. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
