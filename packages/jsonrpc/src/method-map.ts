/**
 * A table of method names to their params and result types, used to type a peer's calls.
 *
 * Notifications use the same shape; their `result` is ignored.
 */
export type MethodMap = Record<string, { params: unknown; result: unknown }>;

/** The untyped method map: any method name, `unknown` params and result. */
export type AnyMethods = Record<string, { params: unknown; result: unknown }>;

/** The method names of a method map. */
export type MethodName<M extends MethodMap> = keyof M & string;

/** The params type of method `K` in map `M`. */
export type ParamsOf<M extends MethodMap, K extends MethodName<M>> = M[K]['params'];

/** The result type of method `K` in map `M`. */
export type ResultOf<M extends MethodMap, K extends MethodName<M>> = M[K]['result'];
