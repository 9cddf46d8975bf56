import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP attribute value as OTLP/JSON encodes it. */
interface AnyValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly boolValue?: boolean;
  readonly doubleValue?: number;
}

/** One span as the receiver got it, attributes flattened. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly attributes: Record<string, string | number | boolean | undefined>;
  readonly events: readonly string[];
  readonly status: { readonly code?: number; readonly message?: string };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: AnyValue }[];
  events?: { name: string }[];
  status?: { code?: number; message?: string };
}

interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function valueOf(value: AnyValue): string | number | boolean | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.boolValue ?? value.doubleValue;
}

function flatten(attributes: { key: string; value: AnyValue }[] = []) {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));
}

/** A local OTLP/HTTP receiver (JSON protocol) on loopback that keeps every span it is sent. */
export interface OtlpReceiver {
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Paths of every request received (`/v1/traces`, `/v1/metrics`). */
  readonly paths: string[];
  /** Resolves once `predicate` holds for the spans received so far. */
  until(predicate: (spans: readonly ReceivedSpan[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** Starts an {@link OtlpReceiver} on 127.0.0.1 (a free port). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  let waiters: { predicate: (spans: readonly ReceivedSpan[]) => boolean; resolve: () => void }[] =
    [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      paths.push(request.url ?? '');
      if (request.url === '/v1/traces') {
        const traces = JSON.parse(body) as OtlpTraces;
        for (const resourceSpans of traces.resourceSpans ?? []) {
          const service = String(flatten(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? [])
            for (const span of scope.spans ?? [])
              spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                attributes: flatten(span.attributes),
                events: (span.events ?? []).map((event) => event.name),
                status: span.status ?? {},
              });
        }
        waiters = waiters.filter((waiter) => {
          if (!waiter.predicate(spans)) return true;
          waiter.resolve();
          return false;
        });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    paths,
    until: (predicate) =>
      predicate(spans)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ predicate, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
