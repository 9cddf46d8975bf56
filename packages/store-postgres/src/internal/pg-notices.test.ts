import { describe, expect, it } from 'vitest';
import type { StoreNotice } from '@stepflow/state-store';
import { MAX_PAYLOAD_BYTES, packNotices, unpackNotices, WORK_PAYLOAD } from './pg-notices.ts';

describe('NOTIFY payloads', () => {
  it('packs many runs into payloads under the limit, and unpacks them in order', () => {
    const notices: StoreNotice[] = Array.from({ length: 300 }, (_, i) => ({
      type: 'events',
      runId: `${'é'.repeat(300)}-${i}`,
      lastSeq: i * 7,
    }));
    const payloads = packNotices([...notices, { type: 'work' }, { type: 'work' }]);
    expect(payloads.length).toBeGreaterThan(10);
    for (const payload of payloads) {
      expect(Buffer.byteLength(payload)).toBeLessThan(MAX_PAYLOAD_BYTES);
    }
    expect(payloads.filter((payload) => payload === WORK_PAYLOAD)).toHaveLength(1);
    expect(payloads.flatMap(unpackNotices)).toEqual([...notices, { type: 'work' }]);
  });

  it('fits the longest run id with control characters in one payload', () => {
    const runId = '\u0001'.repeat(1024);
    const [payload] = packNotices([{ type: 'events', runId, lastSeq: 1 }]);
    expect(Buffer.byteLength(payload!)).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(unpackNotices(payload)).toEqual([{ type: 'events', runId, lastSeq: 1 }]);
  });

  it('turns an unreadable payload into a work notice and skips malformed entries', () => {
    for (const payload of [
      undefined,
      '',
      'not json',
      'null',
      '{"type":"other"}',
      'x'.repeat(40_000),
    ]) {
      expect(unpackNotices(payload)).toEqual([{ type: 'work' }]);
    }
    expect(
      unpackNotices('{"type":"events","runs":[["a",1],["b"],[2,3],["c",1.5],"d",["e",4]]}'),
    ).toEqual([
      { type: 'events', runId: 'a', lastSeq: 1 },
      { type: 'events', runId: 'e', lastSeq: 4 },
    ]);
  });
});
