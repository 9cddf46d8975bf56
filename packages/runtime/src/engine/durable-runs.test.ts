import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { createMemoryBlobStore } from '@stepflow/blob-store';
import { RunConflictError, type RunEvent, type RunJournalStore } from '../index.ts';
import { deferred, flushPromises, testRuntime, yamlFlow } from '../../test/helpers.ts';

/** A journal in memory that counts its commits and can be told to refuse them. */
function memoryJournal(): RunJournalStore & {
  commits: RunEvent[][];
  all(): RunEvent[];
  refuse: boolean;
} {
  const runs = new Map<string, RunEvent[]>();
  const journal = {
    commits: [] as RunEvent[][],
    refuse: false,
    all: () => journal.commits.flat(),
    async appendEvents(events: readonly RunEvent[]) {
      if (journal.refuse) throw new Error('disk full');
      journal.commits.push([...events]);
      for (const event of events) {
        const list = runs.get(event.runId) ?? [];
        list.push(event);
        runs.set(event.runId, list);
      }
    },
    async readEvents(runId: string) {
      return runs.get(runId)?.slice();
    },
  };
  return journal;
}

const chain = yamlFlow(`
steps:
  - { id: a, component: /test/x, input: 1 }
  - { id: b, component: /test/x, input: { $from: { step: a } } }
  - { id: c, component: /test/x, input: { $from: { step: b } } }
output: { $from: { step: c } }
`);

const ok = (result: unknown): FlowResult => ({ outcome: 'success', result });
const completedSteps = (events: RunEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'stepCompleted' ? [e.stepId] : []));

describe('durable runs', () => {
  it('journals runStarted before the first dispatch and each result before its dependents start', async () => {
    const journal = memoryJournal();
    const seen: Record<string, string[]> = {};
    const runtime = testRuntime({
      journal,
      handler: (e) => {
        const durable = journal.all();
        seen[e.context.stepId] = durable.map((d) =>
          'stepId' in d ? `${d.type}:${d.stepId}` : d.type,
        );
        return ok(e.input);
      },
    });
    const { result } = await runtime.run({ flow: chain, input: {}, runId: 'r' });
    expect(result).toStrictEqual(ok(1));
    expect(seen.a).toContain('runStarted');
    expect(seen.b).toContain('stepCompleted:a');
    expect(seen.c).toContain('stepCompleted:b');
    // The result is reported only once runCompleted is durable.
    expect(journal.all().at(-1)).toMatchObject({ type: 'runCompleted', result: ok(1) });
  });

  it('group-commits a fan-out: far fewer commits than events', async () => {
    const journal = memoryJournal();
    const steps = Array.from(
      { length: 200 },
      (_, i) => `  - { id: s${i}, component: /test/x, input: ${i} }`,
    );
    const flow = yamlFlow(`steps:\n${steps.join('\n')}\noutput: { $from: { step: s199 } }\n`);
    const { result } = await testRuntime({ journal }).run({ flow, input: {} });
    expect(result).toStrictEqual(ok(199));
    const events = journal.all();
    expect(events.filter((e) => e.type === 'stepCompleted')).toHaveLength(200);
    expect(journal.commits.length).toBeLessThan(10);
  });

  it('resumes a run a dead runtime left: recorded steps are not executed again', async () => {
    const journal = memoryJournal();
    const blobStore = createMemoryBlobStore();
    const hang = deferred<FlowResult>();
    const first = testRuntime({
      journal,
      blobStore,
      handler: (e) => (e.context.stepId === 'b' ? hang.promise : ok(e.input)),
    });
    void first.run({ flow: chain, input: {}, runId: 'r' });
    await flushPromises();
    expect(completedSteps(journal.all())).toEqual(['a']);

    // A second runtime over the same journal stands in for a restarted process.
    const ran: [string, number][] = [];
    const second = testRuntime({
      journal,
      blobStore,
      handler: (e) => (ran.push([e.context.stepId, e.context.attempt]), ok([e.input])),
    });
    const { result } = await second.run({ flow: chain, input: {}, runId: 'r' });
    expect(ran).toEqual([
      ['b', 2],
      ['c', 1],
    ]);
    expect(result).toStrictEqual(ok([[1]]));
    const events = journal.all();
    expect(events.filter((e) => e.type === 'runResumed')).toHaveLength(1);
    expect(completedSteps(events)).toEqual(['a', 'b', 'c']);
  });

  it('returns a finished run’s recorded result without executing anything', async () => {
    const journal = memoryJournal();
    await testRuntime({ journal }).run({ flow: chain, input: {}, runId: 'r' });
    const commits = journal.commits.length;
    let executed = 0;
    const again = testRuntime({ journal, handler: () => (executed++, ok('other')) });
    const { result } = await again.run({ flow: chain, input: {}, runId: 'r' });
    expect(result).toStrictEqual(ok(1));
    expect(executed).toBe(0);
    expect(journal.commits).toHaveLength(commits);
  });

  it('refuses to resume a run id under a different flow', async () => {
    const journal = memoryJournal();
    await testRuntime({ journal }).run({ flow: chain, input: {}, runId: 'r' });
    const other = yamlFlow(`
steps:
  - { id: z, component: /test/x, input: 2 }
output: { $from: { step: z } }
`);
    const error = await testRuntime({ journal })
      .run({ flow: other, input: {}, runId: 'r' })
      .catch((e: unknown) => e);
    expect(RunConflictError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/run r cannot be resumed: it was started with flow/);
  });

  it('stops and rejects the run when the journal refuses a write', async () => {
    const journal = memoryJournal();
    const ran: string[] = [];
    const runtime = testRuntime({
      journal,
      handler: (e) => {
        ran.push(e.context.stepId);
        journal.refuse = true;
        return ok(e.input);
      },
    });
    await expect(runtime.run({ flow: chain, input: {}, runId: 'r' })).rejects.toThrow('disk full');
    expect(ran).toEqual(['a']);
  });

  it('journals nested runs as children of their step and does not redo finished ones on resume', async () => {
    const journal = memoryJournal();
    const blobStore = createMemoryBlobStore();
    const flow = yamlFlow(`
steps:
  - id: m
    component: /builtin/map
    input:
      workflow:
        $literal:
          schema: https://stepflow.org/schemas/v1/flow.json
          steps:
            - { id: inner, component: /test/x, input: { $from: { workflow: input } } }
          output: { $from: { step: inner } }
      items: [1, 2, 3]
output: { $from: { step: m }, path: results }
`);
    const hang = deferred<FlowResult>();
    const first = testRuntime({
      journal,
      blobStore,
      handler: (e) => (e.input === 2 ? hang.promise : ok(e.input)),
    });
    void first.run({ flow, input: {}, runId: 'parent' });
    await flushPromises(30);
    const children = journal
      .all()
      .filter(
        (e): e is Extract<RunEvent, { type: 'runStarted' }> =>
          e.type === 'runStarted' && e.runId !== 'parent',
      );
    expect(children).toHaveLength(3);
    for (const child of children)
      expect(child).toMatchObject({ parentRunId: 'parent', parentStepId: 'm' });

    const ran: unknown[] = [];
    const second = testRuntime({
      journal,
      blobStore,
      handler: (e) => (ran.push(e.input), ok(e.input)),
    });
    const { result } = await second.run({ flow, input: {}, runId: 'parent' });
    expect(ran).toEqual([2]);
    expect(result.outcome).toBe('success');
  });

  it('leaves a run unfinished when its runtime closes, so it resumes; a cancelled run stays cancelled', async () => {
    const journal = memoryJournal();
    const blobStore = createMemoryBlobStore();
    const first = testRuntime({
      journal,
      blobStore,
      handler: (e) =>
        e.context.stepId === 'b' ? new Promise<FlowResult>(() => undefined) : ok(e.input),
    });
    const closed = first.run({ flow: chain, input: {}, runId: 'r' });
    await flushPromises();
    await first.close();
    expect((await closed).result).toMatchObject({ outcome: 'failed', error: { code: 410 } });
    expect(journal.all().some((e) => e.type === 'runCompleted')).toBe(false);
    const { result } = await testRuntime({ journal, blobStore }).run({
      flow: chain,
      input: {},
      runId: 'r',
    });
    expect(result).toStrictEqual(ok(1));

    const controller = new AbortController();
    const cancelled = testRuntime({
      journal,
      handler: (e) =>
        e.context.stepId === 'b' ? new Promise<FlowResult>(() => undefined) : ok(e.input),
    }).run({ flow: chain, input: {}, runId: 'c', signal: controller.signal });
    await flushPromises();
    controller.abort();
    await cancelled;
    let executed = 0;
    const again = await testRuntime({ journal, handler: () => (executed++, ok(0)) }).run({
      flow: chain,
      input: {},
      runId: 'c',
    });
    expect(again.result).toMatchObject({
      outcome: 'failed',
      error: { code: 410, message: 'Run cancelled' },
    });
    expect(executed).toBe(0);
  });
});
