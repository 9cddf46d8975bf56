/**
 * Whether a parsed frame has the shape of a JSON-RPC 2.0 request, notification or response, told
 * apart by its members only (as the HTTP transport checks a POST body). Anything else is answered
 * `-32600` by the channel instead of being passed on.
 */
export function isJsonRpcMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const message = value as Record<string, unknown>;
  if (message['jsonrpc'] !== '2.0') return false;
  const id = message['id'];
  if (typeof message['method'] === 'string') {
    return id === undefined || typeof id === 'string' || typeof id === 'number';
  }
  if ('result' in message || 'error' in message) {
    return typeof id === 'string' || typeof id === 'number' || id === null;
  }
  return false;
}
