import type { StateStoreConfig } from '@stepflow/protocol';
import { StateStoreError } from './state-store-error.ts';

/** SQLite durability: `NORMAL` survives a process crash, `FULL` also a power loss. */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** Where a store URL points, parsed; each store package opens its own kind. */
export type StateStoreLocation =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'sqlite';
      /** A file path as written (relative to the working directory), or `:memory:`. */
      readonly path: string;
      /** `rwc` (default) creates the file, `rw` requires it, `ro` opens it read-only. */
      readonly mode: 'ro' | 'rw' | 'rwc';
      /** From `?synchronous=full|normal`, when given. */
      readonly synchronous?: SqliteSynchronous;
    }
  | { readonly kind: 'postgres'; readonly url: string };

const FORMS = 'memory, sqlite:<path>[?mode=rwc|rw|ro], sqlite::memory: or postgres://…';

function invalid(url: string, why: string): StateStoreError {
  return new StateStoreError(
    'invalid-input',
    `Invalid state store URL "${redactUrl(url)}": ${why} (expected ${FORMS})`,
  );
}

/** `url` with any password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@');
}

function parseSqlite(url: string, rest: string): StateStoreLocation {
  const body = rest.startsWith('//') ? rest.slice(2) : rest;
  const question = body.indexOf('?');
  const rawPath = question < 0 ? body : body.slice(0, question);
  const params = new URLSearchParams(question < 0 ? '' : body.slice(question + 1));
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw invalid(url, 'the path has a malformed %-escape');
  }
  let mode: 'ro' | 'rw' | 'rwc' = 'rwc';
  let synchronous: SqliteSynchronous | undefined;
  for (const [key, value] of params) {
    if (key === 'mode') {
      if (value === 'memory') path = ':memory:';
      else if (value === 'ro' || value === 'rw' || value === 'rwc') mode = value;
      else throw invalid(url, `mode must be ro, rw, rwc or memory, not "${value}"`);
    } else if (key === 'synchronous') {
      const upper = value.toUpperCase();
      if (upper !== 'NORMAL' && upper !== 'FULL') {
        throw invalid(url, `synchronous must be normal or full, not "${value}"`);
      }
      synchronous = upper;
    } else {
      throw invalid(url, `unknown parameter "${key}" (known: mode, synchronous)`);
    }
  }
  if (path === '') throw invalid(url, 'the SQLite path is empty');
  return { kind: 'sqlite', path, mode, ...(synchronous && { synchronous }) };
}

/**
 * Parses a state store URL: `memory`, `sqlite:./path.db`, `sqlite:path?mode=rwc`,
 * `sqlite:///absolute/path.db`, `sqlite::memory:`, `postgres://…` or `postgresql://…`. Anything
 * else is an `invalid-input` error naming the accepted forms (passwords are never echoed).
 */
export function parseStateStoreUrl(url: string): StateStoreLocation {
  if (typeof url !== 'string' || url.trim() === '') throw invalid(String(url), 'it is empty');
  const trimmed = url.trim();
  if (trimmed === 'memory' || trimmed === 'memory:' || trimmed === 'inMemory') {
    return { kind: 'memory' };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') return parseSqlite(trimmed, trimmed.slice('sqlite:'.length));
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw invalid(trimmed, 'it is not a valid URL');
    }
    if (!trimmed.slice(scheme.length + 1).startsWith('//')) {
      throw invalid(trimmed, `write ${scheme}://host/database`);
    }
    if (parsed.hash) throw invalid(trimmed, 'a PostgreSQL URL has no #fragment');
    return { kind: 'postgres', url: trimmed };
  }
  if (scheme === undefined) throw invalid(trimmed, 'it has no scheme');
  throw invalid(trimmed, `unknown scheme "${scheme}"`);
}

/** The store URL a config's `stateStore` stands for (`memory` for `inMemory`). */
export function stateStoreUrlOf(config: StateStoreConfig): string {
  return config.type === 'inMemory' ? 'memory' : config.databaseUrl;
}
