import { JsonRpcError } from '../json-rpc-error.ts';
import type { JsonRpcErrorObject, JsonRpcId } from '../message.ts';
import { RequestCancelledError } from '../request-cancelled-error.ts';
import { RequestTimeoutError } from '../request-timeout-error.ts';

interface PendingEntry {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** The unref'd timeout, when the request has one. */
  readonly timer: NodeJS.Timeout | undefined;
  readonly timeoutMs: number | undefined;
  /** The signal watched for this request, when it has one. */
  readonly signal: AbortSignal | undefined;
}

/** The pending requests watching one abort signal, and the one listener serving them all. */
interface SignalWatch {
  readonly ids: Set<JsonRpcId>;
  readonly listener: () => void;
}

/** How a response matched the pending table. */
export type SettleOutcome = 'settled' | 'abandoned' | 'unknown';

/** How many abandoned (timed-out or aborted) ids are remembered, to drop late responses quietly. */
const ABANDONED_MEMORY = 4096;

/**
 * Correlates the peer's own outgoing requests with their responses, timeouts and aborts.
 *
 * Ids are an incrementing integer per peer: they only need to be unique among this side's own
 * requests, since the other direction's requests are a separate namespace (responses to them are
 * sent by this side, never matched here).
 *
 * Requests sharing an `AbortSignal` (every step of a run, say) share one abort listener on it:
 * `EventTarget.addEventListener` scans the signal's listener list for duplicates, so a listener
 * per request would make n requests on one signal cost O(n²). Timers and abort watches carry the
 * request id rather than a closure per request.
 */
export class PendingRequests {
  #nextId = 1;
  readonly #entries = new Map<JsonRpcId, PendingEntry>();
  readonly #abandoned = new Set<JsonRpcId>();
  readonly #watches = new WeakMap<AbortSignal, SignalWatch>();
  readonly #onTimeout = (id: JsonRpcId): void => {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#abandon(id, new RequestTimeoutError(entry.method, id, entry.timeoutMs ?? 0));
  };

  /** Number of requests waiting for a response. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Allocates an id and a promise settled by the response, or by a timeout after `timeoutMs`
   * (`undefined` or `Infinity` for none; the timer is unref'd, so a pending request alone never
   * keeps the process alive) or the abort of `signal`.
   */
  open(
    method: string,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): { id: number; promise: Promise<unknown> } {
    const id = this.#nextId++;
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const hasTimeout = timeoutMs !== undefined && Number.isFinite(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    if (hasTimeout) {
      timer = setTimeout(this.#onTimeout, Math.max(0, timeoutMs), id);
      timer.unref();
    }
    this.#entries.set(id, { method, resolve, reject, timer, timeoutMs, signal });
    if (signal !== undefined) this.#watch(signal, id);
    return { id, promise };
  }

  /** Settles the request `id` with a response; says whether it was pending. */
  settle(id: JsonRpcId, error: JsonRpcErrorObject | undefined, result: unknown): SettleOutcome {
    const entry = this.#entries.get(id);
    if (entry === undefined) return this.#abandoned.delete(id) ? 'abandoned' : 'unknown';
    this.#entries.delete(id);
    this.#disarm(id, entry);
    if (error === undefined) entry.resolve(result);
    else entry.reject(JsonRpcError.fromJson(error));
    return 'settled';
  }

  /** Rejects the request `id` (if pending) with `error`; says whether it was pending. */
  fail(id: JsonRpcId, error: unknown): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#entries.delete(id);
    this.#disarm(id, entry);
    entry.reject(error);
    return true;
  }

  /** Rejects every pending request at once, with an error built per method. */
  failAll(errorFor: (method: string) => unknown): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    this.#abandoned.clear();
    for (const [id, entry] of entries) {
      this.#disarm(id, entry);
      entry.reject(errorFor(entry.method));
    }
  }

  #watch(signal: AbortSignal, id: JsonRpcId): void {
    let watch = this.#watches.get(signal);
    if (watch === undefined) {
      const ids = new Set<JsonRpcId>();
      const listener = (): void => {
        this.#watches.delete(signal);
        const reason: unknown = signal.reason;
        // Ids settled while this runs are skipped, as removed listeners would be.
        for (const pending of ids) {
          const entry = this.#entries.get(pending);
          if (entry !== undefined) {
            this.#abandon(pending, new RequestCancelledError(entry.method, pending, reason));
          }
        }
        ids.clear();
      };
      watch = { ids, listener };
      this.#watches.set(signal, watch);
      signal.addEventListener('abort', listener, { once: true });
    }
    watch.ids.add(id);
  }

  #disarm(id: JsonRpcId, entry: PendingEntry): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    const signal = entry.signal;
    if (signal === undefined) return;
    const watch = this.#watches.get(signal);
    if (watch === undefined || !watch.ids.delete(id) || watch.ids.size > 0) return;
    // The last request on this signal settled: leave the signal without our listener.
    this.#watches.delete(signal);
    signal.removeEventListener('abort', watch.listener);
  }

  #abandon(id: JsonRpcId, error: unknown): void {
    if (!this.fail(id, error)) return;
    if (this.#abandoned.size >= ABANDONED_MEMORY) {
      const oldest = this.#abandoned.values().next();
      if (oldest.done !== true) this.#abandoned.delete(oldest.value);
    }
    this.#abandoned.add(id);
  }
}
