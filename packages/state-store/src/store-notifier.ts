import type { StoreNotice, StoreWatch } from './lease-store.ts';

/**
 * The listeners of one store object, for store implementations that notify in process (memory,
 * SQLite): `notify` is called after a write commits and delivers each notice in a microtask, so a
 * listener never runs inside the writer's call and its errors never reach the writer.
 */
export class StoreNotifier {
  private readonly listeners = new Set<(notice: StoreNotice) => void>();

  /** Registers a listener; `close()` removes it. */
  watch(listener: (notice: StoreNotice) => void): StoreWatch {
    // A distinct wrapper per registration, so the same function registered twice is two watches.
    const registered = (notice: StoreNotice): void => listener(notice);
    this.listeners.add(registered);
    return {
      close: async () => {
        this.listeners.delete(registered);
      },
    };
  }

  /** Whether anyone listens (writers skip building notices otherwise). */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Delivers the notices to every listener, asynchronously. */
  notify(...notices: StoreNotice[]): void {
    if (this.listeners.size === 0 || notices.length === 0) return;
    const listeners = [...this.listeners];
    queueMicrotask(() => {
      for (const notice of notices) {
        for (const listener of listeners) {
          try {
            listener(notice);
          } catch {
            // A listener's failure is its own: the write it hears about has committed.
          }
        }
      }
    });
  }

  /** Drops every listener (the store closed). */
  clear(): void {
    this.listeners.clear();
  }
}

/** The `events` notices of an append group: each run once, with its last sequence number. */
export function appendNotices(
  ranges: readonly { readonly runId: string; readonly lastSeq: number }[],
): StoreNotice[] {
  const last = new Map<string, number>();
  for (const range of ranges) last.set(range.runId, range.lastSeq);
  return [...last].map(([runId, lastSeq]) => ({ type: 'events', runId, lastSeq }));
}
