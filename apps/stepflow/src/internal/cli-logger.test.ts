import { describe, expect, it } from 'vitest';
import { createCliLogger } from './cli-logger.ts';

const now = () => new Date('2026-01-02T03:04:05.000Z');

describe('createCliLogger', () => {
  it('filters by level and writes text lines with fields', () => {
    const lines: string[] = [];
    const logger = createCliLogger({
      level: 'info',
      format: 'text',
      write: (l) => lines.push(l),
      now,
    });
    logger.debug('hidden');
    logger.info('run finished', { run_id: 'abc', n: 2 });
    expect(lines).toEqual(['2026-01-02T03:04:05.000Z INFO  run finished run_id=abc n=2\n']);
  });

  it('writes one JSON object per line and masks secret-looking fields', () => {
    const lines: string[] = [];
    const logger = createCliLogger({
      level: 'debug',
      format: 'json',
      write: (l) => lines.push(l),
      now,
    });
    logger.warn('spawn', {
      api_key: 'sk-123',
      authorization: 'Bearer x',
      command: 'node',
      request: { headers: { 'x-api-key': 'k' }, max_tokens: 5 },
    });
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'warn',
      msg: 'spawn',
      api_key: '[redacted]',
      authorization: '[redacted]',
      command: 'node',
      request: { headers: { 'x-api-key': '[redacted]' }, max_tokens: 5 },
    });
  });

  it('is silent at level silent', () => {
    const lines: string[] = [];
    const logger = createCliLogger({
      level: 'silent',
      format: 'text',
      write: (l) => lines.push(l),
      now,
    });
    logger.error('nope');
    expect(lines).toEqual([]);
  });
});
