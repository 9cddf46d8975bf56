/**
 * An error answered to an HTTP client as `{code, message}` with `code` as the HTTP status.
 * Handlers throw it; the service's error handler turns it into the response, so a handler's
 * happy path stays typed by its route declaration.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** The HTTP status, also the body's `code`. */
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 501 | 503,
    message: string,
  ) {
    super(message);
  }

  /** True for an `ApiError`, even one from another copy of this package. */
  static isInstance(value: unknown): value is ApiError {
    return value instanceof Error && value.name === 'ApiError' && 'status' in value;
  }
}

/** `404` for an unknown run, flow or batch. */
export function notFound(kind: 'Run' | 'Flow' | 'Batch', id: string): ApiError {
  return new ApiError(404, `${kind} not found: ${id}`);
}
