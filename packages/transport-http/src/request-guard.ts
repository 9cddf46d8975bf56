import {
  LOOPBACK_HOSTS,
  bearerMatches,
  hostAllowed,
  originAllowed,
} from './internal/header-checks.ts';

/** Options of {@link createRequestGuard}. */
export interface RequestGuardOptions {
  /**
   * Host names (from the `Host` header; ports ignored) the server answers to; other hosts are
   * refused with 403 (DNS-rebinding protection). Default: `localhost`, `127.0.0.1`, `::1`; see
   * {@link defaultAllowedHostsFor} for the default that suits a bind address.
   */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Browser origins allowed (`'http://app.example:3000'`); default none (403 on any `Origin`). */
  readonly allowedOrigins?: readonly string[] | 'any';
  /** When set, requests must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
}

/** Why a {@link RequestGuard} refused a request: the HTTP status, a message and extra headers. */
export interface RequestRefusal {
  /** 403 for a foreign `Host` or `Origin`, 401 for a missing or wrong bearer token. */
  readonly status: 401 | 403;
  /** What was refused, naming the offending header value (`Host 'evil.example' is not allowed`). */
  readonly message: string;
  /** Headers the refusal must carry (`WWW-Authenticate: Bearer` on a 401), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The checks a Stepflow server makes on each incoming HTTP request (a WebSocket upgrade
 * included). Each returns `undefined` when the header passes, or the refusal to answer with.
 */
export interface RequestGuard {
  /** Checks the `Host` header (absent is refused unless every host is allowed). */
  checkHost(host: string | null | undefined): RequestRefusal | undefined;
  /** Checks the `Origin` header (absent, as from non-browser clients, passes). */
  checkOrigin(origin: string | null | undefined): RequestRefusal | undefined;
  /** Checks the `Authorization` header against the token (constant time); passes without a token. */
  checkToken(authorization: string | null | undefined): RequestRefusal | undefined;
}

const UNAUTHORIZED: RequestRefusal = {
  status: 401,
  message: 'Unauthorized: a valid bearer token is required',
  headers: { 'www-authenticate': 'Bearer' },
};

/**
 * Creates the `Host`, `Origin` and bearer-token checks shared by the streamable HTTP handler and
 * the WebSocket server, so that both refuse the same requests with the same status and message.
 */
export function createRequestGuard(options: RequestGuardOptions = {}): RequestGuard {
  const allowedHosts = options.allowedHosts ?? LOOPBACK_HOSTS;
  const allowedOrigins = options.allowedOrigins ?? [];
  const token = options.token;
  return {
    checkHost: (host) =>
      hostAllowed(host ?? null, allowedHosts)
        ? undefined
        : { status: 403, message: `Host '${host ?? ''}' is not allowed`, headers: {} },
    checkOrigin: (origin) =>
      originAllowed(origin ?? null, allowedOrigins)
        ? undefined
        : { status: 403, message: `Origin '${origin ?? ''}' is not allowed`, headers: {} },
    checkToken: (authorization) =>
      token === undefined || bearerMatches(authorization ?? null, token) ? undefined : UNAUTHORIZED,
  };
}
