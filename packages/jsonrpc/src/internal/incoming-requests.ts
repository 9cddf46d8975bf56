import { JsonRpcErrorCode } from '../json-rpc-error-code.ts';
import { JsonRpcError } from '../json-rpc-error.ts';
import { MalformedMessageError } from '../malformed-message-error.ts';
import type { JsonRpcErrorObject, JsonRpcId, JsonRpcRequest, JsonRpcResponse } from '../message.ts';
import type { HandlerRegistry, RequestEntry } from './handler-registry.ts';
import { LazyAbort } from './lazy-abort.ts';
import { validateParams } from './validate-params.ts';

/** What the incoming-request runner needs from its peer. */
export interface IncomingRequestsDeps<Ctx> {
  readonly registry: Pick<HandlerRegistry<Ctx, never>, 'request'>;
  /** Builds the handler context of one request. */
  readonly createContext: (request: JsonRpcRequest, abort: LazyAbort) => Ctx;
  /** Sends a response; `relatedRequestId` is the request being answered. */
  readonly respond: (response: JsonRpcResponse, relatedRequestId: JsonRpcId) => void;
  /** Reports a problem on this side (a failing handler, a duplicate id). */
  readonly reportError: (error: Error) => void;
}

/**
 * Runs the handlers of requests the other side sent, concurrently, and answers each exactly once.
 *
 * Error mapping: unknown method → -32601; params rejected by the handler's schema → -32602 with
 * `data.issues`; a thrown `JsonRpcError` → its own code, message and data; anything else → -32603
 * with a generic message (the error itself goes to the error hook, never onto the wire).
 */
export class IncomingRequests<Ctx> {
  readonly #deps: IncomingRequestsDeps<Ctx>;
  readonly #active = new Map<JsonRpcId, LazyAbort>();

  constructor(deps: IncomingRequestsDeps<Ctx>) {
    this.#deps = deps;
  }

  /** Number of handlers still running. */
  get size(): number {
    return this.#active.size;
  }

  /** Starts handling one incoming request. */
  dispatch(request: JsonRpcRequest): void {
    const { id, method } = request;
    const entry = this.#deps.registry.request(method);
    if (entry === undefined) {
      this.#deps.respond(
        errorResponse(id, {
          code: JsonRpcErrorCode.methodNotFound,
          message: `Method not found: ${method}`,
        }),
        id,
      );
      return;
    }
    if (this.#active.has(id)) {
      this.#deps.reportError(
        new MalformedMessageError(
          `Received request ${String(id)} "${method}" while a request with the same id is still being handled; ignored`,
          request,
        ),
      );
      return;
    }
    const controller = new LazyAbort();
    this.#active.set(id, controller);
    void this.#run(entry, request, controller).then((response) => {
      this.#active.delete(id);
      if (!controller.aborted) this.#deps.respond(response, id);
    });
  }

  /** Aborts the signal of every running handler (the connection is gone; answers are dropped). */
  abortAll(reason: unknown): void {
    const controllers = [...this.#active.values()];
    this.#active.clear();
    for (const controller of controllers) controller.abort(reason);
  }

  async #run(
    entry: RequestEntry<Ctx>,
    request: JsonRpcRequest,
    controller: LazyAbort,
  ): Promise<JsonRpcResponse> {
    const { id, method } = request;
    try {
      let params = request.params;
      if (entry.paramsSchema !== undefined) {
        const checked = await validateParams(entry.paramsSchema, params);
        if (!checked.ok) {
          return errorResponse(id, {
            code: JsonRpcErrorCode.invalidParams,
            message: `Invalid params for "${method}": ${checked.issues
              .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
              .join('; ')}`,
            data: { issues: checked.issues },
          });
        }
        params = checked.value;
      }
      const returned = entry.handler(params, this.#deps.createContext(request, controller));
      // A handler that answers synchronously is not awaited: one promise and hop less per request.
      const result = isThenable(returned) ? await returned : returned;
      // `undefined` would vanish from the JSON and leave an invalid response.
      return { jsonrpc: '2.0', id, result: result === undefined ? null : result };
    } catch (error) {
      if (JsonRpcError.isInstance(error)) return errorResponse(id, error.toJson());
      this.#deps.reportError(
        new Error(`Handler for request ${String(id)} "${method}" failed: ${messageOf(error)}`, {
          cause: error,
        }),
      );
      return errorResponse(id, {
        code: JsonRpcErrorCode.internalError,
        message: 'Internal error',
      });
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function errorResponse(id: JsonRpcId, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}

/** A readable one-line description of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
