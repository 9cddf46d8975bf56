import type { Transport } from '@stepflow/jsonrpc';

/** One message seen on the wire by {@link withTranscript}. */
export interface TranscriptEntry {
  readonly direction: 'sent' | 'received';
  readonly message: unknown;
}

/**
 * Wraps a transport so every message going out or coming in is shown to `record` first.
 * The wrapped transport behaves exactly like the inner one.
 */
export function withTranscript(
  inner: Transport,
  record: (entry: TranscriptEntry) => void,
): Transport {
  const outer: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    send: (message, options) => {
      record({ direction: 'sent', message });
      return inner.send(message, options);
    },
  };
  inner.onmessage = (message) => {
    record({ direction: 'received', message });
    outer.onmessage?.(message);
  };
  inner.onerror = (error) => outer.onerror?.(error);
  inner.onclose = (info) => outer.onclose?.(info);
  return outer;
}

/** Formats one transcript entry as a readable line, from the runtime side's point of view. */
export function formatEntry(entry: TranscriptEntry): string {
  const arrow = entry.direction === 'sent' ? 'runtime → child' : 'runtime ← child';
  const m = entry.message as {
    id?: unknown;
    method?: string;
    params?: unknown;
    result?: unknown;
    error?: { code: number; message: string };
  };
  const id = m.id === undefined ? '' : `#${JSON.stringify(m.id).replaceAll('"', '')} `;
  if (m.method !== undefined) {
    // Requests the child starts are callbacks into the runtime: indent them.
    const indent = entry.direction === 'received' ? '    ' : '';
    return `${arrow}  ${indent}${id}request ${m.method} ${JSON.stringify(m.params)}`;
  }
  const indent = entry.direction === 'sent' ? '    ' : '';
  if (m.error !== undefined) {
    return `${arrow}  ${indent}${id}error ${m.error.code} ${m.error.message}`;
  }
  return `${arrow}  ${indent}${id}result ${JSON.stringify(m.result)}`;
}
