// Public API of @stepflow/server-sdk/http: serving over streamable HTTP. A separate entry so a
// stdio-only server never loads @stepflow/transport-http (an optional peer dependency).
export { serveHttp } from './serve-http.ts';
export type { ServeHttpOptions, HttpServerHandle } from './serve-http.ts';
