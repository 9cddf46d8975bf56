import type { RunEvent } from '@stepflow/protocol';
import { describe, expect, it } from 'vitest';
import { EventFeed } from './event-feed.ts';

const event = (n: number): RunEvent => ({
  type: 'runStarted',
  runId: `r${n}`,
  at: n,
  flowId: 'f'.repeat(64),
  input: null,
});

describe('EventFeed', () => {
  it('numbers events and resumes after a Last-Event-ID without a gap or a duplicate', () => {
    const feed = new EventFeed(4);
    for (let n = 1; n <= 3; n++) feed.publish(event(n));
    expect(feed.cursorFor(undefined)).toEqual({ after: 3, gap: false });
    const first = feed.read(0);
    expect(first.entries.map((e) => feed.idOf(e))).toEqual(
      [1, 2, 3].map((n) => `${feed.epoch}-${n}`),
    );
    const cursor = feed.cursorFor(`${feed.epoch}-2`);
    expect(cursor).toEqual({ after: 2, gap: false });
    expect(feed.read(cursor.after).entries.map((e) => e.event.runId)).toEqual(['r3']);
    expect(feed.read(3)).toEqual({ entries: [], gap: false, last: 3 });
  });

  it('reports a gap for ids it no longer holds, of another process, or malformed', () => {
    const feed = new EventFeed(2);
    for (let n = 1; n <= 5; n++) feed.publish(event(n));
    const held = feed.read(0);
    expect(held.gap).toBe(true);
    expect(held.entries[0]!.seq).toBeGreaterThan(1);
    expect(held.entries.at(-1)!.seq).toBe(5);
    expect(feed.cursorFor(`${feed.epoch}-1`).gap).toBe(true);
    expect(feed.cursorFor('0badf00d-3')).toMatchObject({ gap: true });
    expect(feed.cursorFor('nonsense')).toMatchObject({ gap: true });
    expect(feed.cursorFor(`${feed.epoch}-99`)).toMatchObject({ gap: true });
    const woken: number[] = [];
    const stop = feed.onPublish(() => woken.push(1));
    feed.publish(event(6));
    stop();
    feed.publish(event(7));
    expect(woken).toEqual([1]);
  });
});
