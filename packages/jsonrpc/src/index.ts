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
export type { Transport, TransportCloseInfo, TransportSendOptions } from './transport.ts';
