// Public API of @stepflow/transport-http: every export is listed here by name.
export { createHttpClientTransport, HTTP_TRANSPORT_ERROR_CODE } from './http-client-transport.ts';
export type {
  HttpClientTransport,
  HttpClientTransportOptions,
  HttpRetryOptions,
} from './http-client-transport.ts';
export { createStreamableHttpHandler } from './streamable-http-handler.ts';
export type {
  StreamableHttpHandler,
  StreamableHttpHandlerOptions,
} from './streamable-http-handler.ts';
export { createNodeHttpServer, listenHttp } from './node-http-server.ts';
export { nodeHttpTimeouts } from './http-server-timeouts.ts';
export type { HttpServerTimeouts, NodeHttpTimeoutOptions } from './http-server-timeouts.ts';
export type { HttpListener, ListenHttpOptions, WebRequestHandler } from './node-http-server.ts';
export { INSTANCE_ID_HEADER, SESSION_ID_HEADER } from './http-headers.ts';
export { HttpTransportError } from './http-transport-error.ts';
export type { HttpTransportErrorCode } from './http-transport-error.ts';
export { defaultAllowedHostsFor } from './default-allowed-hosts.ts';
export { createRequestGuard } from './request-guard.ts';
export type { RequestGuard, RequestGuardOptions, RequestRefusal } from './request-guard.ts';
