import { EventEmitter } from 'node:events';

/**
 * A cheap stand-in for `AbortController` + `AbortSignal` that undici accepts as a request signal
 * (an EventEmitter with `aborted` and `reason`): one is made per HTTP exchange, and the
 * EventTarget machinery of a real signal was a measurable share of each round trip.
 */
export class AbortHandle extends EventEmitter {
  aborted = false;
  reason: Error | undefined = undefined;

  /** Aborts once, with `reason`. */
  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
