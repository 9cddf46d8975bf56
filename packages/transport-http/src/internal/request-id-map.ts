import type { JsonRpcId } from '@stepflow/jsonrpc';

/**
 * Gives incoming requests ids that are unique among those still open, so that requests from
 * independent senders (several runtimes, several server instances) that reuse an id cannot be
 * confused. An id keeps its original value unless it collides with one still open.
 */
export class RequestIdMap<Meta> {
  readonly #open = new Map<JsonRpcId, { readonly originalId: JsonRpcId; readonly meta: Meta }>();
  #counter = 0;

  /** Registers an incoming request; returns the id to hand to the local peer. */
  admit(originalId: JsonRpcId, meta: Meta): JsonRpcId {
    let localId = originalId;
    while (this.#open.has(localId)) localId = `${String(originalId)}~${++this.#counter}`;
    this.#open.set(localId, { originalId, meta });
    return localId;
  }

  /** Looks up an open request by its local id without closing it. */
  get(localId: JsonRpcId): { readonly originalId: JsonRpcId; readonly meta: Meta } | undefined {
    return this.#open.get(localId);
  }

  /** Closes an open request; returns its original id and metadata, if it was open. */
  release(localId: JsonRpcId): { readonly originalId: JsonRpcId; readonly meta: Meta } | undefined {
    const entry = this.#open.get(localId);
    if (entry !== undefined) this.#open.delete(localId);
    return entry;
  }

  /** Every open entry (for shutting down). */
  entries(): IterableIterator<
    [JsonRpcId, { readonly originalId: JsonRpcId; readonly meta: Meta }]
  > {
    return this.#open.entries();
  }

  /** Forgets every open request. */
  clear(): void {
    this.#open.clear();
  }
}
