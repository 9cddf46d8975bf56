import type { StandardSchemaV1 } from '@standard-schema/spec';

/** A registered request handler, type-erased. */
export interface RequestEntry<Ctx> {
  readonly handler: (params: unknown, ctx: Ctx) => unknown;
  readonly paramsSchema: StandardSchemaV1 | undefined;
}

/** A registered notification handler, type-erased. */
export interface NotificationEntry<Ctx> {
  readonly handler: (params: unknown, ctx: Ctx) => unknown;
  readonly paramsSchema: StandardSchemaV1 | undefined;
}

/**
 * The per-method handler tables of one peer. One handler per method and kind: registering a
 * second one is a programming error and throws, rather than silently replacing the first.
 */
export class HandlerRegistry<RequestCtx, NotificationCtx> {
  readonly #requests = new Map<string, RequestEntry<RequestCtx>>();
  readonly #notifications = new Map<string, NotificationEntry<NotificationCtx>>();

  /** Registers a request handler and returns a function that removes it. */
  addRequest(method: string, entry: RequestEntry<RequestCtx>): () => void {
    return add(this.#requests, method, entry, 'request');
  }

  /** Registers a notification handler and returns a function that removes it. */
  addNotification(method: string, entry: NotificationEntry<NotificationCtx>): () => void {
    return add(this.#notifications, method, entry, 'notification');
  }

  /** The request handler for `method`, if any. */
  request(method: string): RequestEntry<RequestCtx> | undefined {
    return this.#requests.get(method);
  }

  /** The notification handler for `method`, if any. */
  notification(method: string): NotificationEntry<NotificationCtx> | undefined {
    return this.#notifications.get(method);
  }
}

function add<E>(table: Map<string, E>, method: string, entry: E, kind: string): () => void {
  if (table.has(method)) {
    throw new Error(`A ${kind} handler for "${method}" is already registered on this peer`);
  }
  table.set(method, entry);
  return () => {
    if (table.get(method) === entry) table.delete(method);
  };
}
