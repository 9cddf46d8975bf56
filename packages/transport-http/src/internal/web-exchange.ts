// The web-standard face of the streamable HTTP server logic: Request in, Response out.
import { pathOf } from './http-exchange.ts';
import type { IncomingHttp, OutgoingHttp } from './http-exchange.ts';

const encoder = new TextEncoder();

/** Presents a web `Request` to the server logic. */
export function fromRequest(request: Request): IncomingHttp {
  return {
    method: request.method,
    path: pathOf(request.url),
    header: (name) => request.headers.get(name),
    readBody: (max) => readBody(request, max),
    onClientGone: (listener) => request.signal.addEventListener('abort', listener, { once: true }),
  };
}

/** Turns the server logic's answer into a web `Response` (SSE as a byte stream). */
export function toResponse(outgoing: OutgoingHttp): Response {
  const { stream } = outgoing;
  if (stream === undefined) {
    return new Response(outgoing.body ?? null, {
      status: outgoing.status,
      headers: outgoing.headers,
    });
  }
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => {
      stream({
        write: (text) => {
          if (!cancelled) controller.enqueue(encoder.encode(text));
        },
        end: () => {
          if (!cancelled) controller.close();
        },
      });
    },
    cancel: () => {
      cancelled = true;
    },
  });
  return new Response(body, { status: outgoing.status, headers: outgoing.headers });
}

async function readBody(request: Request, max: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max)
    throw new RangeError(`the body of ${declared} bytes exceeds ${max} bytes`);
  if (request.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new RangeError(`the body exceeds ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
