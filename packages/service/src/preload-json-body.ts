import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';

/**
 * Reads a request body of declared length straight from Node's `IncomingMessage` into Hono's
 * body cache, so validators parse it without the fetch `Request`, web stream and abort signal
 * that `@hono/node-server` otherwise builds per request. Runs after the request checks (size,
 * content type); requests not served by Node (`app.fetch` in tests), chunked bodies and the
 * `skip` paths (mounted handlers that read the raw request) take the ordinary path.
 */
export function preloadJsonBody(skip: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
    const declared = Number(c.req.header('content-length') ?? '0');
    if (
      isIncomingMessage(incoming) &&
      declared > 0 &&
      c.req.header('transfer-encoding') === undefined &&
      !skip.includes(c.req.path)
    ) {
      const text = readText(incoming);
      // A route that never reads its body must not leave a rejection unhandled.
      text.catch(() => undefined);
      // Hono's `json()` and `text()` take the cached promise as the body text.
      (c.req.bodyCache as { text?: Promise<string> }).text = text;
    }
    await next();
  };
}

function isIncomingMessage(value: unknown): value is IncomingMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as IncomingMessage).on === 'function' &&
    typeof (value as IncomingMessage).headers === 'object'
  );
}

/** The body as text (UTF-8, a leading BOM dropped, as `Request.text()` decodes it). */
function readText(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => resolve(new TextDecoder().decode(Buffer.concat(chunks))));
    incoming.once('error', reject);
    // A client gone before the end: nothing more will come.
    incoming.once('close', () => {
      if (!incoming.complete) reject(new Error('The request body ended early'));
    });
  });
}
