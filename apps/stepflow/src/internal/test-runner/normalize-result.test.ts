import { describe, expect, it } from 'vitest';
import {
  jsonEqual,
  MASKED_RUN_ID,
  normalizeResult,
  pruneUnexpectedErrorData,
  resultsMatch,
} from './normalize-result.ts';

describe('normalizeResult', () => {
  it('sorts keys recursively, masks string run_id values and drops backtrace', () => {
    const normalized = normalizeResult({
      z: 1,
      a: { run_id: 'abc', y: [{ backtrace: 'x', b: 2, a: 1 }] },
      run_id: 7,
    });
    expect(JSON.stringify(normalized)).toBe(
      JSON.stringify({ a: { run_id: MASKED_RUN_ID, y: [{ a: 1, b: 2 }] }, run_id: 7, z: 1 }),
    );
  });
});

describe('jsonEqual', () => {
  it('compares numbers by value and objects regardless of key order', () => {
    expect(jsonEqual({ a: 10, b: [0] }, { b: [-0], a: 10.0 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });
});

describe('resultsMatch', () => {
  const failed = (data?: unknown) => ({
    outcome: 'failed',
    error: { code: 500, message: 'step "s" failed', ...(data === undefined ? {} : { data }) },
  });

  it('ignores error.data unless the expectation has it', () => {
    expect(resultsMatch(failed(), failed({ stack: ['x'] }))).toBe(true);
    expect(resultsMatch(failed({ stack: ['y'] }), failed({ stack: ['x'] }))).toBe(false);
    expect(resultsMatch(failed({ stack: ['x'] }), failed({ stack: ['x'] }))).toBe(true);
  });

  it('prunes error.data inside nested results at the expected positions', () => {
    const expected = { outcome: 'success', result: { results: [failed()] } };
    const actual = { outcome: 'success', result: { results: [failed({ detail: 1 })] } };
    expect(resultsMatch(expected, actual)).toBe(true);
    expect(pruneUnexpectedErrorData(expected, actual)).toEqual(expected);
  });

  it('still compares code, message and outcome', () => {
    expect(
      resultsMatch(failed(), { ...failed(), error: { code: 8, message: 'step "s" failed' } }),
    ).toBe(false);
    expect(resultsMatch({ outcome: 'skipped' }, { outcome: 'success', result: null })).toBe(false);
    expect(
      resultsMatch(
        { outcome: 'success', result: { run_id: 'a' } },
        { outcome: 'success', result: { run_id: 'b' } },
      ),
    ).toBe(true);
  });
});

describe('replacePlaceholders', () => {
  it('replaces known {keys} only', async () => {
    const { replacePlaceholders } = await import('./test-servers.ts');
    const values = new Map([
      ['api.url', 'http://127.0.0.1:18000'],
      ['port', '18000'],
    ]);
    expect(replacePlaceholders('{api.url}/x?p={port}&q={other}', values)).toBe(
      'http://127.0.0.1:18000/x?p=18000&q={other}',
    );
  });
});
