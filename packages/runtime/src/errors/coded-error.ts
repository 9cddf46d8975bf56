import { markError } from './error-marker.ts';

/**
 * The shared shape of the runtime's errors that carry a JSON-RPC style `{code, message, data}`:
 * the subclass names itself and is marked so its `isInstance` works across package copies.
 */
export abstract class CodedError extends Error {
  /** Numeric error code (a JSON-RPC code or a user code). */
  readonly code: number;
  /** Optional structured detail. */
  readonly data: unknown;

  protected constructor(
    name: string,
    code: number,
    message: string,
    data: unknown,
    options: { cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = name;
    this.code = code;
    this.data = data;
    markError(this, name);
  }
}
