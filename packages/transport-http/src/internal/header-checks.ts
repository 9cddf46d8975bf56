import { timingSafeEqual, createHash } from 'node:crypto';

/** Host names a loopback-bound server answers to by default. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The host name of a `Host` header (`name:port`, `[v6]:port`), lower-cased, without brackets. */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address.
  if (colon !== -1 && value.indexOf(':', colon + 1) === -1) return value.slice(0, colon);
  return value;
}

/** Whether a `Host` header names an allowed host. */
export function hostAllowed(host: string | null, allowed: readonly string[] | 'any'): boolean {
  if (allowed === 'any') return true;
  if (host === null) return false;
  const name = hostName(host);
  return allowed.some((entry) => hostName(entry) === name);
}

/** Whether an `Origin` header (absent for non-browser clients) is allowed. */
export function originAllowed(origin: string | null, allowed: readonly string[] | 'any'): boolean {
  if (origin === null) return true;
  if (allowed === 'any') return true;
  const normalized = origin.trim().toLowerCase().replace(/\/$/, '');
  return allowed.some((entry) => entry.trim().toLowerCase().replace(/\/$/, '') === normalized);
}

/** Whether an `Authorization` header carries the bearer token (compared in constant time). */
export function bearerMatches(authorization: string | null, token: string): boolean {
  if (authorization === null) return false;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (match?.[1] === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/** Whether a bind address only accepts loopback connections. */
export function isLoopback(host: string): boolean {
  const name = hostName(host);
  return name === 'localhost' || name === '::1' || name.startsWith('127.');
}

/**
 * The hosts a server bound to `bindHost` accepts by default: loopback names when it binds to
 * loopback, the bind address plus loopback for a specific address, and any host for a wildcard
 * bind (`0.0.0.0`, `::`), which is reachable under names the server cannot know.
 */
export function defaultAllowedHostsFor(bindHost: string): readonly string[] | 'any' {
  const name = hostName(bindHost);
  if (name === '0.0.0.0' || name === '::' || name === '') return 'any';
  if (isLoopback(name)) return LOOPBACK_HOSTS;
  return [name, ...LOOPBACK_HOSTS];
}
