import type { z } from 'zod';

/**
 * Which side sends a method: the runtime to a component server, or a component server back to
 * the runtime (callbacks such as `blobs/put` made while a `components/execute` is in flight).
 */
export type MethodDirection = 'runtimeToServer' | 'serverToRuntime';

/** Whether a method expects a response (`request`) or not (`notification`). */
export type MethodKind = 'request' | 'notification';

/** The declaration of one request method: direction plus params and result schemas. */
export interface RequestMethodDefinition<
  Params extends z.ZodType = z.ZodType,
  Result extends z.ZodType = z.ZodType,
> {
  /** Which side sends the request. */
  readonly direction: MethodDirection;
  /** Always `request`. */
  readonly kind: 'request';
  /** Schema of the request's `params`. */
  readonly params: Params;
  /** Schema of the successful response's `result`. */
  readonly result: Result;
}

/** The declaration of one notification method: direction plus params schema. */
export interface NotificationMethodDefinition<Params extends z.ZodType = z.ZodType> {
  /** Which side sends the notification. */
  readonly direction: MethodDirection;
  /** Always `notification`. */
  readonly kind: 'notification';
  /** Schema of the notification's `params`. */
  readonly params: Params;
}

/** The declaration of one wire method, request or notification. */
export type MethodDefinition = RequestMethodDefinition | NotificationMethodDefinition;
