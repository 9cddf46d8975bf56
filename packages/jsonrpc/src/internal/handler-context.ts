import type {
  JsonRpcPeer,
  NotifyOptions,
  RequestContext,
  RequestOptions,
} from '../json-rpc-peer.ts';
import type { JsonRpcId, JsonRpcRequest } from '../message.ts';
import type { AnyMethods } from '../method-map.ts';
import type { LazyAbort } from './lazy-abort.ts';

/**
 * The context a request handler receives. A class rather than an object literal with getters:
 * one is built per incoming request, and literal accessors are markedly slower to create.
 * `request`/`notify` are bound arrow properties so destructuring them works.
 */
export class HandlerContext implements RequestContext<AnyMethods, AnyMethods> {
  readonly requestId: JsonRpcId;
  readonly method: string;
  readonly #abort: LazyAbort;
  readonly #peer: JsonRpcPeer;
  #scoped: JsonRpcPeer | undefined;

  constructor(peer: JsonRpcPeer, request: JsonRpcRequest, abort: LazyAbort) {
    this.requestId = request.id;
    this.method = request.method;
    this.#peer = peer;
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get peer(): JsonRpcPeer {
    // Built lazily: most handlers never call back.
    this.#scoped ??= scopedPeer(this.#peer, this.requestId);
    return this.#scoped;
  }

  // `request` and `notify` are functions bound to this context (they may be passed around
  // detached), built on first use: most handlers never call back.
  #request: RequestContext<AnyMethods, AnyMethods>['request'] | undefined;
  #notify: RequestContext<AnyMethods, AnyMethods>['notify'] | undefined;

  get request(): RequestContext<AnyMethods, AnyMethods>['request'] {
    this.#request ??= (method: string, params: unknown, options?: RequestOptions) =>
      this.#peer.request(method, params, { relatedRequestId: this.requestId, ...options });
    return this.#request;
  }

  get notify(): RequestContext<AnyMethods, AnyMethods>['notify'] {
    this.#notify ??= (method: string, params: unknown, options?: NotifyOptions) =>
      this.#peer.notify(method, params, { relatedRequestId: this.requestId, ...options });
    return this.#notify;
  }
}

/** A view of `peer` whose calls default `relatedRequestId` to the request being handled. */
function scopedPeer(peer: JsonRpcPeer, relatedRequestId: JsonRpcId): JsonRpcPeer {
  return {
    start: () => peer.start(),
    close: (reason) => peer.close(reason),
    closed: peer.closed,
    request: (method, params, options) =>
      peer.request(method, params, { relatedRequestId, ...options }),
    notify: (method, params, options) =>
      peer.notify(method, params, { relatedRequestId, ...options }),
    handleRequest: (method, handler, options) => peer.handleRequest(method, handler, options),
    handleNotification: (method, handler, options) =>
      peer.handleNotification(method, handler, options),
  };
}
