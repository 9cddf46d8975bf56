// Public API of @stepflow/transport-ws: every export is listed here by name.
export {
  createWebSocketClientTransport,
  WEB_SOCKET_TRANSPORT_ERROR_CODE,
} from './web-socket-client-transport.ts';
export type {
  WebSocketClientTransport,
  WebSocketClientTransportOptions,
  WebSocketRetryOptions,
} from './web-socket-client-transport.ts';
export { listenWebSocket } from './listen-web-socket.ts';
export type {
  ListenWebSocketOptions,
  WebSocketConnectionInfo,
  WebSocketListener,
  WebSocketServerTransport,
} from './listen-web-socket.ts';
export { WebSocketTransportError } from './web-socket-transport-error.ts';
export type { WebSocketTransportErrorCode } from './web-socket-transport-error.ts';
