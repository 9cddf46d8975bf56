import type { RunEvent } from '@stepflow/protocol';
import type { Runtime } from '@stepflow/runtime';
import { createMemoryStateStore } from '@stepflow/state-store';
import { describe, expect, it } from 'vitest';
import { EventFeed } from './event-feed.ts';
import { RemoteRunEvents } from './remote-run-events.ts';
import { RunSupervisor } from './run-supervisor.ts';

const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  steps: [{ id: 's', component: '/builtin/create_messages', input: { user_prompt: 'hi' } }],
  output: { $from: { step: 's' } },
};

async function settled(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('RemoteRunEvents', () => {
  it('publishes the journal entries of a run executing elsewhere, each once, and wakes its streams', async () => {
    const store = createMemoryStateStore();
    const supervisor = new RunSupervisor({} as Runtime, store);
    const feed = new EventFeed();
    const remote = new RemoteRunEvents(store, supervisor, feed);
    const { flowId } = await store.createRun({ id: 'r', flow, input: null });
    let woken = 0;
    supervisor.watch('r', () => woken++);
    const stop = feed.onPublish(() => undefined);
    const append = async (...events: RunEvent[]): Promise<number> =>
      (await store.appendEvents([{ runId: 'r', events }]))[0]!.lastSeq;

    const started: RunEvent = { type: 'runStarted', runId: 'r', at: 1, flowId, input: null };
    const step: RunEvent = {
      type: 'stepStarted',
      runId: 'r',
      at: 2,
      stepId: 's',
      attempt: 1,
      component: '/builtin/create_messages',
      input: null,
    };
    let last = await append(started, step);
    // The same notice twice, and a late one for entries already published.
    remote.journalGrew('r', last);
    remote.journalGrew('r', last);
    await settled();
    remote.journalGrew('r', 1);
    const result = { outcome: 'success' as const, result: 1 };
    last = await append({ type: 'runCompleted', runId: 'r', at: 3, result });
    remote.journalGrew('r', last);
    await settled();
    expect(feed.read(0).entries.map((entry) => entry.event.type)).toEqual([
      'runStarted',
      'stepStarted',
      'runCompleted',
    ]);
    expect(woken).toBe(4);
    stop();
  });

  it('reads nothing while nobody follows the feed (streams of the run are still woken)', async () => {
    const store = createMemoryStateStore();
    const supervisor = new RunSupervisor({} as Runtime, store);
    const feed = new EventFeed();
    const remote = new RemoteRunEvents(store, supervisor, feed);
    let woken = 0;
    supervisor.watch('unknown', () => woken++);
    remote.journalGrew('unknown', 3);
    await settled();
    expect(feed.read(0).entries).toEqual([]);
    expect(woken).toBe(1);
  });
});
