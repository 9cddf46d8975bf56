// Helpers shared by this package's tests (not part of the public API).
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

export { Inbox, unusedPort } from '../src/testing.ts';

/** The raw result of an HTTP exchange. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Sends a raw HTTP request with exactly the given headers and body. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; path?: string },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: options.path ?? target.pathname,
        method: options.method ?? 'POST',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers a conforming client sends with every POST. */
export const CLIENT_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  host: '127.0.0.1',
} as const;
