import { describe, expect, it } from 'vitest';
import { StateStoreError, parseStateStoreUrl, redactUrl, stateStoreUrlOf } from './index.ts';

describe('parseStateStoreUrl', () => {
  it.each([
    ['memory', { kind: 'memory' }],
    ['memory:', { kind: 'memory' }],
    ['sqlite:./path.db', { kind: 'sqlite', path: './path.db', mode: 'rwc' }],
    ['sqlite:state.db?mode=rwc', { kind: 'sqlite', path: 'state.db', mode: 'rwc' }],
    ['sqlite:state.db?mode=rw', { kind: 'sqlite', path: 'state.db', mode: 'rw' }],
    ['sqlite:state.db?mode=ro', { kind: 'sqlite', path: 'state.db', mode: 'ro' }],
    ['sqlite::memory:', { kind: 'sqlite', path: ':memory:', mode: 'rwc' }],
    ['sqlite:x?mode=memory', { kind: 'sqlite', path: ':memory:', mode: 'rwc' }],
    ['sqlite:///var/lib/s.db', { kind: 'sqlite', path: '/var/lib/s.db', mode: 'rwc' }],
    ['sqlite://rel/s.db', { kind: 'sqlite', path: 'rel/s.db', mode: 'rwc' }],
    ['sqlite:my%20runs.db', { kind: 'sqlite', path: 'my runs.db', mode: 'rwc' }],
    [
      'sqlite:s.db?synchronous=full',
      { kind: 'sqlite', path: 's.db', mode: 'rwc', synchronous: 'FULL' },
    ],
    ['postgres://u:p@localhost/db', { kind: 'postgres', url: 'postgres://u:p@localhost/db' }],
    [
      'postgresql://localhost:5433/db?sslmode=disable',
      { kind: 'postgres', url: 'postgresql://localhost:5433/db?sslmode=disable' },
    ],
  ])('parses %s', (url, expected) => {
    expect(parseStateStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ['', /it is empty/],
    ['   ', /it is empty/],
    ['state.db', /no scheme/],
    ['mysql://localhost/db', /unknown scheme "mysql"/],
    ['sqlite:', /path is empty/],
    ['sqlite:s.db?mode=rwx', /mode must be ro, rw, rwc or memory, not "rwx"/],
    ['sqlite:s.db?cache=shared', /unknown parameter "cache"/],
    ['sqlite:s.db?synchronous=off', /synchronous must be normal or full/],
    ['sqlite:%E0%A4%A.db', /malformed %-escape/],
    ['postgres:localhost/db', /write postgres:\/\/host\/database/],
    ['postgres://local host/db', /not a valid URL/],
  ])('refuses %j with a clear message', (url, message) => {
    const attempt = () => parseStateStoreUrl(url);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/expected memory, sqlite:<path>/);
    try {
      attempt();
    } catch (error) {
      expect(StateStoreError.isInstance(error, 'invalid-input')).toBe(true);
    }
  });

  it('never echoes a password in an error', () => {
    expect(() => parseStateStoreUrl('postgres://me:s3cret@db/x#frag')).toThrow(
      /postgres:\/\/me:\*\*\*@db\/x#frag/,
    );
    expect(() => parseStateStoreUrl('postgres://me:s3cret@db/x#frag')).not.toThrow(/s3cret/);
    expect(redactUrl('postgresql://a:b@h:5432/d')).toBe('postgresql://a:***@h:5432/d');
    expect(redactUrl('postgresql://h/d')).toBe('postgresql://h/d');
  });
});

describe('stateStoreUrlOf', () => {
  it('maps a config stateStore to its URL', () => {
    expect(stateStoreUrlOf({ type: 'inMemory' })).toBe('memory');
    expect(
      stateStoreUrlOf({
        type: 'sqlite',
        databaseUrl: 'sqlite:state.db?mode=rwc',
        maxConnections: 10,
        autoMigrate: true,
      }),
    ).toBe('sqlite:state.db?mode=rwc');
  });
});
