import { createRequestGuard } from '@stepflow/transport-http';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './api-error.ts';

/** Default largest request body: 32 MiB, the protocol's message limit. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** What `requestChecks` enforces. */
export interface RequestCheckOptions {
  readonly token?: string;
  readonly allowedHosts?: readonly string[] | 'any';
  readonly allowedOrigins?: readonly string[];
  readonly maxBodyBytes?: number;
  /**
   * Paths served without the token: health alone, or also everything outside `/api/` (the web
   * UI's static files, which carry no data; the app asks for the token itself).
   */
  readonly publicPaths?: 'health' | 'health-and-static';
  /** Paths outside `/api/` that still need the token (mounted handlers such as `/mcp`). */
  readonly privatePaths?: readonly string[];
}

/** The path anyone may call: load balancers probe it without credentials. */
const PUBLIC_PATH = '/api/v1/health';

/**
 * The checks every request passes before its route: Host and Origin (against DNS rebinding
 * and cross-site calls), the bearer token (all but health), a JSON content type for bodies,
 * and the body size.
 */
export function requestChecks(options: RequestCheckOptions): MiddlewareHandler[] {
  const guard = createRequestGuard({
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  const guardCheck: MiddlewareHandler = async (c, next) => {
    const host = c.req.header('host');
    const origin = c.req.header('origin');
    const path = c.req.path;
    const isPublic =
      path === PUBLIC_PATH ||
      (options.publicPaths === 'health-and-static' &&
        !path.startsWith('/api/') &&
        !(options.privatePaths ?? []).includes(path));
    const refusal =
      guard.checkHost(host) ??
      (isSameOrigin(origin, host) ? undefined : guard.checkOrigin(origin)) ??
      (isPublic ? undefined : guard.checkToken(c.req.header('authorization')));
    if (refusal !== undefined)
      return c.json({ code: refusal.status, message: refusal.message }, refusal.status, {
        ...refusal.headers,
      });
    await next();
  };
  const contentType: MiddlewareHandler = async (c, next) => {
    const hasBody =
      c.req.header('transfer-encoding') !== undefined ||
      Number(c.req.header('content-length') ?? '0') > 0;
    const type = c.req.header('content-type') ?? '';
    if (hasBody && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type))
      throw new ApiError(415, `Content-Type: expected application/json, got '${type}'`);
    await next();
  };
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const tooLarge = (): never => {
    throw new ApiError(413, `Request body larger than the limit of ${limit} bytes`);
  };
  const streamedLimit = bodyLimit({ maxSize: limit, onError: tooLarge });
  const sizeCheck: MiddlewareHandler = async (c, next) => {
    // A declared length is checked from the header alone: wrapping the body to count it is
    // costly, and Node's parser never delivers more bytes than declared.
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > limit) tooLarge();
      return next();
    }
    return streamedLimit(c, next);
  };
  return [guardCheck, contentType, sizeCheck];
}

/**
 * Whether a browser's `Origin` is the service itself (the web UI it serves calling its API).
 * Only reached once `Host` passed its check, so a rebound DNS name never gets here.
 */
function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined || origin === 'null') return false;
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase()
    );
  } catch {
    return false;
  }
}
