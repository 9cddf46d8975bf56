/**
 * Waits for `promise` unless `signal` aborts first: then rejects with the signal's reason (an
 * `Error`). The promise itself goes on; only this wait ends. Plugins use it so a step's signal can
 * stop a step waiting for a shared start-up (a server connecting) without cancelling it for the
 * other steps that share it.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return asError(signal.reason ?? new Error('aborted'));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
