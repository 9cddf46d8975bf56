// Public API of @stepflow/jsonrpc: every export is listed here by name.
export type {
  JsonRpcId,
  JsonRpcRequest,
  JsonRpcNotification,
  JsonRpcErrorObject,
  JsonRpcSuccessResponse,
  JsonRpcErrorResponse,
  JsonRpcResponse,
  JsonRpcMessage,
} from './message.ts';
export type {
  DroppedMessage,
  Transport,
  TransportCloseInfo,
  TransportSendOptions,
} from './transport.ts';
export type { AnyMethods, MethodMap, MethodName, ParamsOf, ResultOf } from './method-map.ts';
export { createJsonRpcPeer } from './json-rpc-peer.ts';
export type {
  HandleNotificationOptions,
  HandleRequestOptions,
  JsonRpcPeer,
  JsonRpcPeerOptions,
  NotificationContext,
  NotificationHandler,
  NotifyOptions,
  RequestContext,
  RequestHandler,
  RequestOptions,
} from './json-rpc-peer.ts';
export { JsonRpcError } from './json-rpc-error.ts';
export { JsonRpcErrorCode } from './json-rpc-error-code.ts';
export { ConnectionClosedError } from './connection-closed-error.ts';
export { RequestTimeoutError } from './request-timeout-error.ts';
export { RequestCancelledError } from './request-cancelled-error.ts';
export { MalformedMessageError } from './malformed-message-error.ts';
