/**
 * An abort that creates its `AbortController` only when someone asks for the signal: most
 * executions finish without anybody listening, and the hot path should not pay for it.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #reason: Error | undefined;

  /** The signal (created on first use, already aborted if `abort` ran before). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Whether `abort` has run. */
  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  /** Aborts once; later calls are ignored. */
  abort(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
