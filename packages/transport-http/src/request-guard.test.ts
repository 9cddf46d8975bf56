import { describe, expect, it } from 'vitest';
import { createRequestGuard, defaultAllowedHostsFor } from './index.ts';

describe('createRequestGuard', () => {
  it('accepts loopback hosts by default (ports, case and IPv6 brackets ignored)', () => {
    const guard = createRequestGuard();
    for (const host of ['localhost', 'LOCALHOST:8080', '127.0.0.1:1', '[::1]:80', '::1']) {
      expect(guard.checkHost(host)).toBeUndefined();
    }
  });

  it('refuses a foreign or missing Host with 403 naming it', () => {
    const guard = createRequestGuard();
    expect(guard.checkHost('evil.example:80')).toEqual({
      status: 403,
      message: "Host 'evil.example:80' is not allowed",
      headers: {},
    });
    expect(guard.checkHost(null)?.message).toBe("Host '' is not allowed");
    expect(guard.checkHost(undefined)?.status).toBe(403);
  });

  it('accepts the configured hosts, or any host with `any`', () => {
    const guard = createRequestGuard({ allowedHosts: ['component.internal'] });
    expect(guard.checkHost('component.internal:3000')).toBeUndefined();
    expect(guard.checkHost('localhost')?.status).toBe(403);
    const any = createRequestGuard({ allowedHosts: 'any' });
    expect(any.checkHost('anything.example')).toBeUndefined();
    expect(any.checkHost(undefined)).toBeUndefined();
  });

  it('accepts a request without Origin and refuses browser origins unless allowed', () => {
    const guard = createRequestGuard();
    expect(guard.checkOrigin(undefined)).toBeUndefined();
    expect(guard.checkOrigin(null)).toBeUndefined();
    expect(guard.checkOrigin('http://evil.example')).toEqual({
      status: 403,
      message: "Origin 'http://evil.example' is not allowed",
      headers: {},
    });
    const allowing = createRequestGuard({ allowedOrigins: ['http://app.example:3000/'] });
    expect(allowing.checkOrigin('HTTP://APP.EXAMPLE:3000')).toBeUndefined();
    expect(allowing.checkOrigin('http://app.example:3001')?.status).toBe(403);
    expect(createRequestGuard({ allowedOrigins: 'any' }).checkOrigin('null')).toBeUndefined();
  });

  it('passes every Authorization without a token, and checks the bearer token when set', () => {
    expect(createRequestGuard().checkToken(undefined)).toBeUndefined();
    const guard = createRequestGuard({ token: 'secret' });
    expect(guard.checkToken('Bearer secret')).toBeUndefined();
    expect(guard.checkToken('bearer   secret ')).toBeUndefined();
    const unauthorized = {
      status: 401,
      message: 'Unauthorized: a valid bearer token is required',
      headers: { 'www-authenticate': 'Bearer' },
    };
    expect(guard.checkToken(undefined)).toEqual(unauthorized);
    expect(guard.checkToken(null)).toEqual(unauthorized);
    expect(guard.checkToken('Bearer wrong')).toEqual(unauthorized);
    expect(guard.checkToken('Basic c2VjcmV0')).toEqual(unauthorized);
    expect(guard.checkToken('Bearer ')).toEqual(unauthorized);
  });
});

describe('defaultAllowedHostsFor', () => {
  it('suits the bind address', () => {
    expect(defaultAllowedHostsFor('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(defaultAllowedHostsFor('10.0.0.5')).toEqual([
      '10.0.0.5',
      'localhost',
      '127.0.0.1',
      '::1',
    ]);
    expect(defaultAllowedHostsFor('0.0.0.0')).toBe('any');
    expect(defaultAllowedHostsFor('::')).toBe('any');
  });
});
