import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ConnectionClosedError } from './connection-closed-error.ts';
import { JsonRpcErrorCode } from './json-rpc-error-code.ts';
import { MalformedMessageError } from './malformed-message-error.ts';
import type { JsonRpcId, JsonRpcResponse } from './message.ts';
import type { AnyMethods, MethodMap, MethodName, ParamsOf, ResultOf } from './method-map.ts';
import { RequestCancelledError } from './request-cancelled-error.ts';
import type {
  DroppedMessage,
  Transport,
  TransportCloseInfo,
  TransportSendOptions,
} from './transport.ts';
import { classifyMessage } from './internal/classify-message.ts';
import { HandlerContext } from './internal/handler-context.ts';
import { HandlerRegistry } from './internal/handler-registry.ts';
import { IncomingRequests, messageOf } from './internal/incoming-requests.ts';
import { PeerLifecycle } from './internal/peer-lifecycle.ts';
import { PendingRequests } from './internal/pending-requests.ts';
import { validateParams } from './internal/validate-params.ts';

/** Options of {@link createJsonRpcPeer}. */
export interface JsonRpcPeerOptions {
  /**
   * Told of every problem that does not belong to a request of this side: malformed input,
   * responses to unknown ids, failing handlers, transport errors. Defaults to `console.error`
   * (stderr). The peer never throws from here and never crashes on bad input.
   */
  readonly onError?: (error: Error) => void;
  /** Timeout applied to requests that set none; default: no timeout. */
  readonly defaultTimeoutMs?: number;
}

/** Options of one outgoing request. */
export interface RequestOptions {
  /** Rejects with `RequestTimeoutError` when no response arrives in time. */
  readonly timeoutMs?: number;
  /** Rejects with `RequestCancelledError` when aborted (nothing is sent to the other side). */
  readonly signal?: AbortSignal;
  /** The incoming request this one is made on behalf of (see `TransportSendOptions`). */
  readonly relatedRequestId?: JsonRpcId;
}

/** Options of one outgoing notification. */
export interface NotifyOptions {
  /** The incoming request this notification is sent on behalf of. */
  readonly relatedRequestId?: JsonRpcId;
}

/** Options of {@link JsonRpcPeer.handleRequest}. */
export interface HandleRequestOptions<Params> {
  /**
   * A Standard Schema v1 (zod 4, valibot, arktype, …) the params must pass; failures answer
   * -32602 with `data.issues` (`{ message, path }[]`) and the handler is not called. The handler
   * receives the schema's output.
   */
  readonly paramsSchema?: StandardSchemaV1<unknown, Params>;
}

/** Options of {@link JsonRpcPeer.handleNotification}. */
export interface HandleNotificationOptions<Params> {
  /** A Standard Schema v1 the params must pass; failures go to `onError` and are dropped. */
  readonly paramsSchema?: StandardSchemaV1<unknown, Params>;
}

/** What a request handler gets besides the params. */
export interface RequestContext<
  Outgoing extends MethodMap = AnyMethods,
  Incoming extends MethodMap = AnyMethods,
> {
  /** The id the other side gave this request. */
  readonly requestId: JsonRpcId;
  /** The method being handled. */
  readonly method: string;
  /** Aborted when the connection closes before the handler finished (its answer is dropped). */
  readonly signal: AbortSignal;
  /**
   * The peer, for calls back to the other side. Its `request` and `notify` default
   * `relatedRequestId` to this request's id.
   */
  readonly peer: JsonRpcPeer<Outgoing, Incoming>;
  /**
   * Shorthand for `peer.request(...)` with `relatedRequestId` set to this request's id.
   * Bound: safe to destructure.
   */
  readonly request: <M extends MethodName<Outgoing>>(
    method: M,
    params: ParamsOf<Outgoing, M>,
    options?: RequestOptions,
  ) => Promise<ResultOf<Outgoing, M>>;
  /**
   * Shorthand for `peer.notify(...)` with `relatedRequestId` set to this request's id.
   * Bound: safe to destructure.
   */
  readonly notify: <M extends MethodName<Outgoing>>(
    method: M,
    params: ParamsOf<Outgoing, M>,
    options?: NotifyOptions,
  ) => Promise<void>;
}

/** What a notification handler gets besides the params. */
export interface NotificationContext<
  Outgoing extends MethodMap = AnyMethods,
  Incoming extends MethodMap = AnyMethods,
> {
  /** The method being handled. */
  readonly method: string;
  /** The peer, for calls to the other side. */
  readonly peer: JsonRpcPeer<Outgoing, Incoming>;
}

/** Handles one incoming request; its return value (or thrown error) becomes the response. */
export type RequestHandler<
  Params,
  Result,
  Outgoing extends MethodMap = AnyMethods,
  Incoming extends MethodMap = AnyMethods,
> = (params: Params, ctx: RequestContext<Outgoing, Incoming>) => Result | Promise<Result>;

/** Handles one incoming notification; a thrown error goes to `onError`. */
export type NotificationHandler<
  Params,
  Outgoing extends MethodMap = AnyMethods,
  Incoming extends MethodMap = AnyMethods,
> = (params: Params, ctx: NotificationContext<Outgoing, Incoming>) => void | Promise<void>;

/**
 * One end of a bidirectional JSON-RPC 2.0 connection over a {@link Transport}.
 *
 * `Outgoing` types the calls this side makes, `Incoming` the handlers it registers. Both sides
 * may have many requests in flight at once; handlers run concurrently and may call back to the
 * other side while their own request is pending.
 */
export interface JsonRpcPeer<
  Outgoing extends MethodMap = AnyMethods,
  Incoming extends MethodMap = AnyMethods,
> {
  /** Starts the transport and begins handling messages. Register handlers first. */
  start(): Promise<void>;
  /**
   * Closes the connection: every pending request rejects at once with `ConnectionClosedError`
   * (with `reason` as its cause), running handlers' signals abort, the transport closes.
   * Idempotent; resolves when closed.
   */
  close(reason?: Error): Promise<void>;
  /** Resolves once, when the connection has closed, with the cause when it died. */
  readonly closed: Promise<TransportCloseInfo>;
  /** Sends a request and resolves with its result (or rejects with a `JsonRpcError`, …). */
  request<M extends MethodName<Outgoing>>(
    method: M,
    params: ParamsOf<Outgoing, M>,
    options?: RequestOptions,
  ): Promise<ResultOf<Outgoing, M>>;
  /** Sends a notification; resolves once handed to the transport. */
  notify<M extends MethodName<Outgoing>>(
    method: M,
    params: ParamsOf<Outgoing, M>,
    options?: NotifyOptions,
  ): Promise<void>;
  /** Registers the handler of an incoming request method; returns a function removing it. */
  handleRequest<M extends MethodName<Incoming>>(
    method: M,
    handler: RequestHandler<ParamsOf<Incoming, M>, ResultOf<Incoming, M>, Outgoing, Incoming>,
    options?: HandleRequestOptions<ParamsOf<Incoming, M>>,
  ): () => void;
  /** Registers the handler of an incoming notification method; returns a function removing it. */
  handleNotification<M extends MethodName<Incoming>>(
    method: M,
    handler: NotificationHandler<ParamsOf<Incoming, M>, Outgoing, Incoming>,
    options?: HandleNotificationOptions<ParamsOf<Incoming, M>>,
  ): () => void;
}

type ErasedRequestContext = RequestContext<AnyMethods, AnyMethods>;
type ErasedNotificationContext = NotificationContext<AnyMethods, AnyMethods>;

const defaultOnError = (error: Error): void => {
  console.error('[jsonrpc]', error);
};

class Peer implements JsonRpcPeer<AnyMethods, AnyMethods> {
  readonly #transport: Transport;
  readonly #onError: (error: Error) => void;
  readonly #defaultTimeoutMs: number | undefined;
  readonly #lifecycle = new PeerLifecycle();
  readonly #pending = new PendingRequests();
  readonly #registry = new HandlerRegistry<ErasedRequestContext, ErasedNotificationContext>();
  readonly #incoming: IncomingRequests<ErasedRequestContext>;

  constructor(transport: Transport, options: JsonRpcPeerOptions) {
    this.#transport = transport;
    this.#onError = options.onError ?? defaultOnError;
    this.#defaultTimeoutMs = options.defaultTimeoutMs;
    this.#incoming = new IncomingRequests<ErasedRequestContext>({
      registry: this.#registry,
      createContext: (request, abort) => new HandlerContext(this, request, abort),
      respond: (response, relatedRequestId) => this.#respond(response, relatedRequestId),
      reportError: (error) => this.#report(error),
    });
    this.closed = this.#lifecycle.closed;
  }

  readonly closed: Promise<TransportCloseInfo>;

  async start(): Promise<void> {
    this.#lifecycle.open();
    const transport = this.#transport;
    transport.onmessage = (message) => this.#receive(message);
    transport.onerror = (error) => {
      this.#report(error);
      this.#settleDropped(error);
    };
    transport.onclose = (info) => this.#shutdown(info);
    try {
      await transport.start();
    } catch (error) {
      this.#shutdown({ error: asError(error) });
      throw error;
    }
  }

  async close(reason?: Error): Promise<void> {
    this.#shutdown(reason === undefined ? {} : { error: reason });
    try {
      await this.#transport.close();
    } catch (error) {
      this.#report(
        new Error(`Closing the transport failed: ${messageOf(error)}`, { cause: error }),
      );
    }
  }

  request(method: string, params: unknown, options?: RequestOptions): Promise<unknown> {
    const state = this.#lifecycle.state;
    if (state !== 'open') {
      return Promise.reject(
        state === 'idle'
          ? new Error(`Cannot send request "${method}": call start() on the JSON-RPC peer first`)
          : this.#closedError(method),
      );
    }
    const signal = options?.signal;
    if (signal?.aborted === true) {
      return Promise.reject(new RequestCancelledError(method, undefined, signal.reason));
    }
    const { id, promise } = this.#pending.open(
      method,
      options?.timeoutMs ?? this.#defaultTimeoutMs,
      signal,
    );
    const message =
      params === undefined
        ? { jsonrpc: '2.0' as const, id, method }
        : { jsonrpc: '2.0' as const, id, method, params };
    this.#transport
      .send(message, sendOptions(options?.relatedRequestId))
      .catch((error: unknown) => {
        this.#pending.fail(
          id,
          this.#lifecycle.state === 'closed' ? this.#closedError(method) : error,
        );
      });
    return promise;
  }

  async notify(method: string, params: unknown, options?: NotifyOptions): Promise<void> {
    const state = this.#lifecycle.state;
    if (state !== 'open') {
      throw state === 'idle'
        ? new Error(`Cannot send notification "${method}": call start() on the JSON-RPC peer first`)
        : this.#closedError(method);
    }
    const message =
      params === undefined
        ? { jsonrpc: '2.0' as const, method }
        : { jsonrpc: '2.0' as const, method, params };
    await this.#transport.send(message, sendOptions(options?.relatedRequestId));
  }

  handleRequest(
    method: string,
    handler: RequestHandler<unknown, unknown>,
    options?: HandleRequestOptions<unknown>,
  ): () => void {
    return this.#registry.addRequest(method, {
      handler,
      paramsSchema: options?.paramsSchema,
    });
  }

  handleNotification(
    method: string,
    handler: NotificationHandler<unknown>,
    options?: HandleNotificationOptions<unknown>,
  ): () => void {
    return this.#registry.addNotification(method, {
      handler,
      paramsSchema: options?.paramsSchema,
    });
  }

  #receive(value: unknown): void {
    if (this.#lifecycle.state === 'closed') return;
    const classified = classifyMessage(value);
    switch (classified.kind) {
      case 'result':
      case 'error': {
        const outcome =
          classified.kind === 'error'
            ? this.#pending.settle(classified.id, classified.error, undefined)
            : this.#pending.settle(classified.id, undefined, classified.result);
        if (outcome === 'unknown') {
          this.#report(
            new MalformedMessageError(
              `Received a response for unknown request id ${JSON.stringify(classified.id)}; dropped`,
              value,
            ),
          );
        }
        return;
      }
      case 'request':
        this.#incoming.dispatch(classified.message);
        return;
      case 'notification':
        this.#dispatchNotification(classified.message.method, classified.message.params);
        return;
      case 'invalid': {
        const error = new MalformedMessageError(
          `Received a malformed JSON-RPC message: ${classified.reason}`,
          value,
        );
        this.#report(error);
        if (classified.replyTo !== undefined) {
          this.#respond(
            {
              jsonrpc: '2.0',
              id: classified.replyTo,
              error: {
                code: JsonRpcErrorCode.invalidRequest,
                message: `Invalid request: ${classified.reason}`,
              },
            },
            classified.replyTo,
          );
        }
        if (classified.respondsTo !== undefined) this.#pending.fail(classified.respondsTo, error);
        return;
      }
    }
  }

  /** A message the transport dropped unread must not leave its request waiting on either side. */
  #settleDropped(error: Error): void {
    const dropped = droppedMessageOf(error);
    if (dropped === undefined || this.#lifecycle.state === 'closed') return;
    if (dropped.kind === 'response') {
      this.#pending.fail(dropped.id, error);
      return;
    }
    this.#respond(
      {
        jsonrpc: '2.0',
        id: dropped.id,
        error: {
          code: JsonRpcErrorCode.invalidRequest,
          message: `Invalid request: dropped unread: ${error.message}`,
        },
      },
      dropped.id,
    );
  }

  #dispatchNotification(method: string, params: unknown): void {
    const entry = this.#registry.notification(method);
    if (entry === undefined) return; // Unhandled notifications are ignored, as JSON-RPC allows.
    const fail = (error: unknown): void => {
      this.#report(
        new Error(`Handler for notification "${method}" failed: ${messageOf(error)}`, {
          cause: error,
        }),
      );
    };
    const ctx: ErasedNotificationContext = { method, peer: this };
    const run = async (): Promise<void> => {
      let value = params;
      if (entry.paramsSchema !== undefined) {
        const checked = await validateParams(entry.paramsSchema, params);
        if (!checked.ok) {
          this.#report(
            new MalformedMessageError(
              `Invalid params for notification "${method}": ${checked.issues
                .map((i) => i.message)
                .join('; ')}`,
              { method, params },
            ),
          );
          return;
        }
        value = checked.value;
      }
      await entry.handler(value, ctx);
    };
    run().catch(fail);
  }

  #respond(response: JsonRpcResponse, relatedRequestId: JsonRpcId): void {
    if (this.#lifecycle.state === 'closed') return;
    this.#transport.send(response, { relatedRequestId }).catch((error: unknown) => {
      if (this.#lifecycle.state === 'closed') return;
      this.#report(
        new Error(
          `Sending the response to request ${String(relatedRequestId)} failed: ${messageOf(error)}`,
          { cause: error },
        ),
      );
    });
  }

  #shutdown(info: TransportCloseInfo): void {
    if (!this.#lifecycle.close(info)) return;
    const cause = info.error;
    this.#pending.failAll((method) => this.#closedError(method, cause));
    this.#incoming.abortAll(new ConnectionClosedError('Connection closed', { cause }));
  }

  #closedError(method: string, cause: Error | undefined = undefined): ConnectionClosedError {
    const detail = cause === undefined ? '' : `: ${cause.message}`;
    return new ConnectionClosedError(
      `Connection closed while request "${method}" was pending${detail}`,
      {
        cause,
        method,
      },
    );
  }

  #report(error: Error): void {
    try {
      this.#onError(error);
    } catch {
      // A throwing error hook must not take the connection down with it.
    }
  }
}

function droppedMessageOf(error: Error): DroppedMessage | undefined {
  const dropped = (error as { droppedMessage?: Partial<DroppedMessage> }).droppedMessage;
  if (typeof dropped !== 'object' || dropped === null) return undefined;
  const { id, kind } = dropped;
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (!validId || (kind !== 'request' && kind !== 'response')) return undefined;
  return { id, kind };
}

function sendOptions(relatedRequestId: JsonRpcId | undefined): TransportSendOptions | undefined {
  return relatedRequestId === undefined ? undefined : { relatedRequestId };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Creates a JSON-RPC 2.0 peer over `transport`. Register handlers, then `start()`.
 *
 * @example
 * const peer = createJsonRpcPeer<{ add: { params: [number, number]; result: number } }>(transport);
 * peer.handleRequest('ping', () => 'pong');
 * await peer.start();
 * const sum = await peer.request('add', [1, 2], { timeoutMs: 5_000 });
 */
export function createJsonRpcPeer<
  Outgoing extends MethodMap = AnyMethods,
  Incoming extends MethodMap = AnyMethods,
>(transport: Transport, options: JsonRpcPeerOptions = {}): JsonRpcPeer<Outgoing, Incoming> {
  return new Peer(transport, options) as unknown as JsonRpcPeer<Outgoing, Incoming>;
}
