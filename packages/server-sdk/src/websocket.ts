// Public API of @stepflow/server-sdk/websocket: serving over WebSocket. A separate entry so a
// stdio-only server never loads @stepflow/transport-ws (an optional peer dependency).
export { serveWebSocket } from './serve-websocket.ts';
export type { ServeWebSocketOptions, WebSocketServerHandle } from './serve-websocket.ts';
