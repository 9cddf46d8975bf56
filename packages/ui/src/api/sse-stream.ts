import type { ApiClient } from './api-client.ts';

/** One server-sent event. */
export interface SseMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** Largest event the reader accepts: past it the stream is dropped (a hostile peer). */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * Parses a text/event-stream body into messages (the WHATWG rules for `id`, `event`, `data`
 * and comments). Written against `fetch` rather than `EventSource` so the bearer token goes in
 * a header, never in the URL.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      if (buffer.length > MAX_EVENT_CHARS) throw new Error('An event is larger than the limit');
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0)
            yield {
              ...(id === undefined ? {} : { id }),
              event: event || 'message',
              data: data.join('\n'),
            };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
        if (field === 'data') data.push(text);
        else if (field === 'event') event = text;
        else if (field === 'id') id = text;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** Options of {@link followEvents}. */
export interface FollowOptions {
  readonly onMessage: (message: SseMessage) => void;
  /** Called when the stream ended for good (the run completed) or failed. */
  readonly onEnd?: (error?: unknown) => void;
  readonly signal: AbortSignal;
  /** The last id seen, to resume after (sent as `Last-Event-ID`). */
  readonly lastEventId?: string;
  /**
   * When to open the stream again: `always` (a stream that never ends by itself, like the
   * global one), `on-error` (a run's stream ends with the run, but may be cut before), or never.
   */
  readonly reconnect?: 'always' | 'on-error';
}

/**
 * Follows an SSE route of the API until it ends or `signal` aborts; with `reconnect`, a dropped
 * connection is opened again after a pause (longer after each failure, five at most in a row),
 * resuming after the last id seen so no event is lost or repeated.
 */
export async function followEvents(
  api: ApiClient,
  path: string,
  options: FollowOptions,
): Promise<void> {
  let lastId = options.lastEventId;
  let failures = 0;
  for (;;) {
    try {
      const response = await api.fetch(path, {
        headers: {
          accept: 'text/event-stream',
          ...(lastId === undefined ? {} : { 'last-event-id': lastId }),
        },
        signal: options.signal,
      });
      if (!response.ok || response.body === null)
        throw new Error(`Event stream answered ${response.status}`);
      failures = 0;
      for await (const message of readSse(response.body)) {
        if (message.id !== undefined) lastId = message.id;
        options.onMessage(message);
      }
      if (options.reconnect !== 'always') {
        options.onEnd?.();
        return;
      }
    } catch (error) {
      if (options.signal.aborted) return;
      failures++;
      if (!options.reconnect || failures > 5) {
        options.onEnd?.(error);
        return;
      }
    }
    if (options.signal.aborted) return;
    // Back off so a service that is down is not hammered; a live one answers at once.
    await new Promise((done) => setTimeout(done, Math.min(10_000, 500 * 2 ** failures)));
  }
}
