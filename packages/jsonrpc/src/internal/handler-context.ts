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

  readonly request = (method: string, params: unknown, options?: RequestOptions) =>
    this.#peer.request(method, params, { relatedRequestId: this.requestId, ...options });

  readonly notify = (method: string, params: unknown, options?: NotifyOptions) =>
    this.#peer.notify(method, params, { relatedRequestId: this.requestId, ...options });
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
