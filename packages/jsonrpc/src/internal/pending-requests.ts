import { JsonRpcError } from '../json-rpc-error.ts';
import type { JsonRpcErrorObject, JsonRpcId } from '../message.ts';
import { RequestCancelledError } from '../request-cancelled-error.ts';
import { RequestTimeoutError } from '../request-timeout-error.ts';
import { armRequestDeadline, type Disarm } from './request-deadline.ts';

interface PendingEntry {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly disarm: Disarm;
}

/** How a response matched the pending table. */
export type SettleOutcome = 'settled' | 'abandoned' | 'unknown';

/** How many abandoned (timed-out or aborted) ids are remembered, to drop late responses quietly. */
const ABANDONED_MEMORY = 4096;

/**
 * Correlates the peer's own outgoing requests with their responses.
 *
 * Ids are an incrementing integer per peer: they only need to be unique among this side's own
 * requests, since the other direction's requests are a separate namespace (responses to them are
 * sent by this side, never matched here).
 */
export class PendingRequests {
  #nextId = 1;
  readonly #entries = new Map<JsonRpcId, PendingEntry>();
  readonly #abandoned = new Set<JsonRpcId>();

  /** Number of requests waiting for a response. */
  get size(): number {
    return this.#entries.size;
  }

  /** Allocates an id and a promise settled by the response, a timeout or an abort. */
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
    const disarm = armRequestDeadline({
      timeoutMs,
      signal,
      onTimeout: () => this.#abandon(id, new RequestTimeoutError(method, id, timeoutMs ?? 0)),
      onAbort: (reason) => this.#abandon(id, new RequestCancelledError(method, id, reason)),
    });
    this.#entries.set(id, { method, resolve, reject, disarm });
    return { id, promise };
  }

  /** Settles the request `id` with a response; says whether it was pending. */
  settle(id: JsonRpcId, error: JsonRpcErrorObject | undefined, result: unknown): SettleOutcome {
    const entry = this.#entries.get(id);
    if (entry === undefined) return this.#abandoned.delete(id) ? 'abandoned' : 'unknown';
    this.#entries.delete(id);
    entry.disarm();
    if (error === undefined) entry.resolve(result);
    else entry.reject(JsonRpcError.fromJson(error));
    return 'settled';
  }

  /** Rejects the request `id` (if pending) with `error`; says whether it was pending. */
  fail(id: JsonRpcId, error: unknown): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#entries.delete(id);
    entry.disarm();
    entry.reject(error);
    return true;
  }

  /** Rejects every pending request at once, with an error built per method. */
  failAll(errorFor: (method: string) => unknown): void {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    this.#abandoned.clear();
    for (const entry of entries) {
      entry.disarm();
      entry.reject(errorFor(entry.method));
    }
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
