import type { JsonRpcId } from '@stepflow/jsonrpc';

/** The shape of a JSON-RPC message, told apart by its members only (never by method name). */
export type MessageKind =
  | { readonly kind: 'request'; readonly id: JsonRpcId; readonly method: string }
  | { readonly kind: 'notification'; readonly method: string }
  | { readonly kind: 'response'; readonly id: JsonRpcId | null }
  | { readonly kind: 'invalid' };

/** Classifies a parsed value as a JSON-RPC request, notification, response or nothing valid. */
export function messageKind(value: unknown): MessageKind {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'invalid' };
  const message = value as Record<string, unknown>;
  if (message['jsonrpc'] !== '2.0') return { kind: 'invalid' };
  const id = message['id'];
  const method = message['method'];
  if (typeof method === 'string') {
    if (id === undefined) return { kind: 'notification', method };
    if (typeof id === 'string' || typeof id === 'number') return { kind: 'request', id, method };
    return { kind: 'invalid' };
  }
  if ('result' in message || 'error' in message) {
    if (typeof id === 'string' || typeof id === 'number' || id === null)
      return { kind: 'response', id };
  }
  return { kind: 'invalid' };
}
