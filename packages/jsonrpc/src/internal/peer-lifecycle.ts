import type { TransportCloseInfo } from '../transport.ts';

/** Where a peer is in its life: created, started (or starting), or closed for good. */
export type PeerState = 'idle' | 'open' | 'closed';

/**
 * The one-way state machine of a peer: `idle → open → closed` (or `idle → closed`).
 * `closed` settles exactly once, with the first close reason seen.
 */
export class PeerLifecycle {
  #state: PeerState = 'idle';
  #resolveClosed!: (info: TransportCloseInfo) => void;
  /** Resolves once, when the peer has closed, with why. */
  readonly closed: Promise<TransportCloseInfo>;

  constructor() {
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  get state(): PeerState {
    return this.#state;
  }

  /** Moves `idle → open`; throws when started twice or after close. */
  open(): void {
    if (this.#state !== 'idle') {
      throw new Error(
        this.#state === 'open'
          ? 'JSON-RPC peer already started: start() may be called once'
          : 'JSON-RPC peer is closed: it cannot be started again',
      );
    }
    this.#state = 'open';
  }

  /** Moves to `closed`; returns false when it already was (the first reason wins). */
  close(info: TransportCloseInfo): boolean {
    if (this.#state === 'closed') return false;
    this.#state = 'closed';
    this.#resolveClosed(info);
    return true;
  }
}
