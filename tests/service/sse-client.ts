/** One server-sent event. */
export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/** An open event stream: read events one at a time, or close it. */
export interface SseStream {
  /** The next event; `undefined` once the server ended the stream. */
  next(): Promise<SseEvent | undefined>;
  close(): void;
}

/** Opens `url` as an event stream (a minimal client: enough for `id`, `event` and `data`). */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (!response.ok || response.body === null) throw new Error(`event stream: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon <= 0) continue;
            const name = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, '');
            fields[name] = name in fields ? `${fields[name]}\n${value}` : value;
          }
          if (fields.data === undefined) continue;
          return {
            ...(fields.id === undefined ? {} : { id: fields.id }),
            ...(fields.event === undefined ? {} : { event: fields.event }),
            data: fields.data,
          };
        }
        const chunk = await reader.read();
        if (chunk.done) return undefined;
        buffer += chunk.value;
      }
    },
    close: () => controller.abort(),
  };
}
