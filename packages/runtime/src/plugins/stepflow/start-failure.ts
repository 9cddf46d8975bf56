const PERMANENT_SPAWN_ERRORS = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'EISDIR']);
/** HTTP statuses of a network server that will not let us in whatever we retry. */
const REFUSED_STATUSES = new Set([401, 403]);

/** Whether a failed start will fail again whatever we retry (no such command, refused token). */
export function isPermanentSpawnFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, status, data } = current as { code?: unknown; status?: unknown; data?: unknown };
    if (typeof code === 'string' && PERMANENT_SPAWN_ERRORS.has(code)) return true;
    // A network server that refuses our credentials (401) or our origin (403) will refuse them
    // again: retrying only delays the error. The status is on the error (WebSocket refusals) or
    // in the JSON-RPC error's data (HTTP: `{transport: 'http', status}`).
    const refusal =
      typeof status === 'number' ? status : (data as { status?: unknown } | null)?.status;
    if (typeof refusal === 'number' && REFUSED_STATUSES.has(refusal)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * How a server that exited before finishing its handshake failed (exit code or signal and its
 * last stderr lines, digits masked so pids and timestamps do not count), or `undefined` for
 * other failures (a handshake timeout, a refused connection).
 */
export function startFailureSignature(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { exitCode, signal, stderrTail } = current as {
      exitCode?: unknown;
      signal?: unknown;
      stderrTail?: unknown;
    };
    if ((exitCode !== undefined || signal !== undefined) && Array.isArray(stderrTail)) {
      return JSON.stringify([exitCode, signal, stderrTail]).replace(/\d+/g, '#');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The first line of a (multi-line) error message, marked as cut. */
export function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline).replace(/; last stderr lines:$/, '')} …`;
}
