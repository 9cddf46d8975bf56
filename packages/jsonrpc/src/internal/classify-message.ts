import type {
  JsonRpcErrorObject,
  JsonRpcId,
  JsonRpcNotification,
  JsonRpcRequest,
} from '../message.ts';

/** What an incoming value turned out to be, after envelope validation. */
export type ClassifiedMessage =
  | { readonly kind: 'request'; readonly message: JsonRpcRequest }
  | { readonly kind: 'notification'; readonly message: JsonRpcNotification }
  | { readonly kind: 'result'; readonly id: JsonRpcId; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: JsonRpcId; readonly error: JsonRpcErrorObject }
  | {
      readonly kind: 'invalid';
      /** Why it was rejected, for the error hook. */
      readonly reason: string;
      /** Set when a request-like message had a readable id: it gets a -32600 response. */
      readonly replyTo?: JsonRpcId;
      /** Set when a response-like message had a readable id: that pending request fails. */
      readonly respondsTo?: JsonRpcId;
    };

function isId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function errorObjectProblem(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) {
    return '"error" must be an object';
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'number' || !Number.isInteger(code)) return '"error.code" must be an integer';
  if (typeof message !== 'string') return '"error.message" must be a string';
  return undefined;
}

/**
 * Validates the JSON-RPC 2.0 envelope of one parsed incoming value and says what it is.
 * Never throws: anything unusable comes back as `invalid` with a reason.
 */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (typeof value !== 'object' || value === null) {
    return { kind: 'invalid', reason: `expected a JSON object, got ${describe(value)}` };
  }
  if (Array.isArray(value)) {
    return { kind: 'invalid', reason: 'batch messages (JSON arrays) are not supported' };
  }
  const m = value as Record<string, unknown>;
  const id = m['id'];
  const readableId = isId(id) ? id : undefined;

  if ('method' in m) {
    if (m['jsonrpc'] !== '2.0') {
      return invalidRequest('"jsonrpc" must be "2.0"', readableId);
    }
    if (typeof m['method'] !== 'string') {
      return invalidRequest('"method" must be a string', readableId);
    }
    if (!('id' in m)) return { kind: 'notification', message: value as JsonRpcNotification };
    if (readableId === undefined) {
      return { kind: 'invalid', reason: '"id" of a request must be a string or a number' };
    }
    return { kind: 'request', message: value as JsonRpcRequest };
  }

  const hasResult = 'result' in m;
  const hasError = 'error' in m;
  if (hasResult || hasError) {
    if (m['jsonrpc'] !== '2.0') return invalidResponse('"jsonrpc" must be "2.0"', readableId);
    if (hasResult && hasError) {
      return invalidResponse('a response has "result" or "error", not both', readableId);
    }
    if (hasError) {
      const problem = errorObjectProblem(m['error']);
      if (problem !== undefined) return invalidResponse(problem, readableId);
      const error = m['error'] as JsonRpcErrorObject;
      if (readableId === undefined) {
        return {
          kind: 'invalid',
          reason: `the other side reported an error without a request id: ${error.code} ${error.message}`,
        };
      }
      return { kind: 'error', id: readableId, error };
    }
    if (readableId === undefined) {
      return { kind: 'invalid', reason: '"id" of a response must be a string or a number' };
    }
    return { kind: 'result', id: readableId, result: m['result'] };
  }

  return invalidRequest(
    'not a request, notification or response (no "method", "result" or "error")',
    readableId,
  );
}

function invalidRequest(reason: string, id: JsonRpcId | undefined): ClassifiedMessage {
  return id === undefined ? { kind: 'invalid', reason } : { kind: 'invalid', reason, replyTo: id };
}

function invalidResponse(reason: string, id: JsonRpcId | undefined): ClassifiedMessage {
  return id === undefined
    ? { kind: 'invalid', reason }
    : { kind: 'invalid', reason, respondsTo: id };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value;
}
