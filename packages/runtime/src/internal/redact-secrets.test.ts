import { describe, expect, it } from 'vitest';
import { isSecretKey, redactSecrets } from './redact-secrets.ts';

describe('isSecretKey', () => {
  it.each([
    'api_key',
    'apiKey',
    'APIKey',
    'OPENAI_API_KEY',
    'x-api-key',
    'token',
    'access_token',
    'refreshToken',
    'password',
    'PASSWORD',
    'passwd',
    'secret',
    'client_secret',
    'Authorization',
    'proxy-authorization',
    'private_key',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['max_tokens', 'token_count', 'messages', 'model', 'key', 'monkey', 'author'])(
    '%s is not',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});

describe('redactSecrets', () => {
  it('redacts at every depth and leaves the original alone', () => {
    const input = {
      api_key: 'sk-1',
      messages: [{ role: 'user', headers: { Authorization: 'Bearer x', accept: 'json' } }],
      max_tokens: 5,
    };
    expect(redactSecrets(input)).toEqual({
      api_key: '[redacted]',
      messages: [{ role: 'user', headers: { Authorization: '[redacted]', accept: 'json' } }],
      max_tokens: 5,
    });
    expect(input.api_key).toBe('sk-1');
  });

  it('returns the value itself when there is nothing to redact', () => {
    const value = { a: [1, { b: 'c' }] };
    expect(redactSecrets(value)).toBe(value);
    expect(redactSecrets('text')).toBe('text');
  });

  it('copes with any depth and keeps __proto__ keys as data', () => {
    let deep: unknown = { token: 't' };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(JSON.stringify(redactSecrets(deep))).not.toContain('"t"');
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "secret": "s"}') as object;
    const redacted = redactSecrets(parsed);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"x":1},"secret":"[redacted]"}');
  });
});
