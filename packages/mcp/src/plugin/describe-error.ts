/**
 * An error's message for a step or log, with what the SDK leaves out of it: the HTTP status of
 * a `StreamableHTTPError` (kept in `code`) and the network cause of undici's `fetch failed`.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { code?: unknown }).code;
  if (error.message.startsWith('Streamable HTTP error') && typeof status === 'number')
    return `${error.message} (HTTP ${status})`;
  const cause = error.cause;
  if (error.message === 'fetch failed' && cause instanceof Error)
    return `fetch failed (${cause.message})`;
  return error.message;
}
