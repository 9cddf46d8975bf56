import { CliError, ExitCode } from './cli-error.ts';

/** Calls a `stepflow serve` API: JSON in, JSON out, errors as `CliError`s naming the route. */
export interface ServiceClient {
  post<T>(path: string, body: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
}

/** A client for the service at `url` (its root, e.g. `http://127.0.0.1:7837`). */
export function createServiceClient(url: string, token: string | undefined): ServiceClient {
  let base: URL;
  try {
    base = new URL('/api/v1/', url);
  } catch {
    throw new CliError(`--url ${url}: not a URL`);
  }
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, base), {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error
          ? error.cause.message
          : String(error);
      throw new CliError(`cannot reach ${url}: ${cause}`, ExitCode.failed, { cause: error });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && 'message' in parsed
          ? String(parsed.message)
          : text.slice(0, 200);
      throw new CliError(
        `${method} /api/v1/${path}: ${response.status} ${message}`,
        ExitCode.failed,
      );
    }
    return parsed as T;
  };
  return {
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
  };
}
