/** An error answer of the API (or a network failure, status 0), with the service's message. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
    /** The answer's body, parsed when it was JSON. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Options of one API call. */
export interface ApiCallOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** Talks to the service's REST API under `/api/v1`, with the bearer token when there is one. */
export interface ApiClient {
  /** Answers the parsed JSON body, or throws an {@link ApiRequestError}. */
  call<T>(path: string, options?: ApiCallOptions): Promise<T>;
  /** A raw request (event streams), with the same headers. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Largest JSON answer the UI reads: a hostile or runaway answer must not freeze the tab. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** An API client for the service at `base` (its origin; the API is under `/api/v1`). */
export function createApiClient(getToken: () => string | undefined, base = ''): ApiClient {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => {
    const token = getToken();
    return { ...extra, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
  };
  const rawFetch = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}/api/v1/${path}`, {
      ...init,
      headers: headers(init.headers as Record<string, string> | undefined),
    });
  return {
    fetch: rawFetch,
    async call<T>(path: string, options: ApiCallOptions = {}): Promise<T> {
      let response: Response;
      try {
        response = await rawFetch(path, {
          method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
          ...(options.body === undefined
            ? {}
            : {
                body: JSON.stringify(options.body),
                headers: { 'content-type': 'application/json' },
              }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        throw new ApiRequestError(0, `The service cannot be reached (${String(error)})`);
      }
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > MAX_ANSWER_BYTES)
        throw new ApiRequestError(response.status, `The answer is too large (${length} bytes)`);
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      if (!response.ok) {
        const message =
          typeof body === 'object' &&
          body !== null &&
          typeof (body as { message?: unknown }).message === 'string'
            ? (body as { message: string }).message
            : `${response.status} ${response.statusText}`;
        throw new ApiRequestError(response.status, message, body);
      }
      return body as T;
    },
  };
}
