import type { Flow } from './flow.ts';

declare const flowTypes: unique symbol;

/**
 * A flow document that also carries, for the type checker only, the type of its input and of
 * the `result` a successful run produces. The server SDK's flow builder makes them, and the
 * runtime's `run` takes its input and result types from them. At run time it is a plain
 * {@link Flow}: nothing is added to the document, and any `Flow` is a `TypedFlow<unknown>`.
 */
export type TypedFlow<Input = unknown, Output = unknown> = Flow & {
  readonly [flowTypes]?: { readonly input: Input; readonly output: Output };
};
