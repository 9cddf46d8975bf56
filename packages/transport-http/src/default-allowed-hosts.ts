import { defaultAllowedHostsFor as forBindHost } from './internal/header-checks.ts';

/**
 * The `allowedHosts` a server bound to `bindHost` should use by default: loopback names for a
 * loopback bind, the address plus loopback for a specific address, and `'any'` for a wildcard
 * bind (`0.0.0.0`, `::`), which is reachable under names the server cannot know.
 */
export function defaultAllowedHostsFor(bindHost: string): readonly string[] | 'any' {
  return forBindHost(bindHost);
}
