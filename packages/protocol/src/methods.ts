import type { z } from 'zod';
import type {
  MethodDirection,
  NotificationMethodDefinition,
  RequestMethodDefinition,
} from './method-definition.ts';
import { batchMethods } from './wire/batches.ts';
import { blobMethods } from './wire/blobs.ts';
import { componentMethods } from './wire/components.ts';
import { flowMethods } from './wire/flows.ts';
import { initializeMethods } from './wire/initialize.ts';

/**
 * Every Stepflow wire method, declared once: direction, kind, params schema and (for requests)
 * result schema.
 *
 * @example
 * ```ts
 * const params = methods['blobs/put'].params.parse(message.params);
 * ```
 */
export const methods = {
  ...initializeMethods,
  ...componentMethods,
  ...blobMethods,
  ...flowMethods,
  ...batchMethods,
} as const satisfies Record<string, RequestMethodDefinition | NotificationMethodDefinition>;

/** The name of a Stepflow wire method, e.g. `'blobs/put'`. */
export type MethodName = keyof typeof methods;

/** Every method name, in declaration order. */
export const methodNames = Object.keys(methods) as MethodName[];

/** Whether `name` is a Stepflow wire method. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

type Definitions = typeof methods;

type TypesOf<D> = D extends {
  kind: 'request';
  params: infer P extends z.ZodType;
  result: infer R extends z.ZodType;
}
  ? { params: z.infer<P>; result: z.infer<R> }
  : D extends { kind: 'notification'; params: infer P extends z.ZodType }
    ? { params: z.infer<P>; result: void }
    : never;

/**
 * Params and result types of every Stepflow method, for typed JSON-RPC peers.
 * Notifications have `result: void`.
 */
export type StepflowMethods = { [M in MethodName]: TypesOf<Definitions[M]> };

type NamesIn<Direction extends MethodDirection> = {
  [M in MethodName]: Definitions[M]['direction'] extends Direction ? M : never;
}[MethodName];

/**
 * The methods the runtime sends to a component server (`initialize`, `initialized`,
 * `components/*`): the runtime peer's outgoing map and the server peer's incoming map.
 */
export type RuntimeToServerMethods = Pick<StepflowMethods, NamesIn<'runtimeToServer'>>;

/**
 * The methods a component server sends back to the runtime (`blobs/*`, `flows/*`): the server
 * peer's outgoing map and the runtime peer's incoming map.
 */
export type ServerToRuntimeMethods = Pick<StepflowMethods, NamesIn<'serverToRuntime'>>;
