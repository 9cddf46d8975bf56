import type { FlowResult, StepflowConfig } from '@stepflow/protocol';
import { createRuntime, createStateStoreJournal, type PluginFactory } from '@stepflow/runtime';
import { createMemoryStateStore, type StateStore } from '@stepflow/state-store';
import { createManualStoreClock, type ManualStoreClock } from '@stepflow/state-store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimerTimers } from './claimer-timers.ts';
import { RunFences } from './run-fences.ts';
import { RunSupervisor } from './run-supervisor.ts';
import { WorkClaimer } from './work-claimer.ts';

const TTL = 30_000;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'two-steps',
  steps: [
    { id: 'a', component: '/test/a', input: { $from: { workflow: 'input' } } },
    { id: 'b', component: '/test/b', input: { $from: { step: 'a' } } },
  ],
  output: { $from: { step: 'b' } },
};

/** Timers that fire only when the test says so; time is the store's manual clock. */
function manualTimers(clock: ManualStoreClock): ClaimerTimers {
  return { now: () => clock.now(), every: () => () => undefined, after: () => () => undefined };
}

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A runtime whose `/test/<step>` components record each execution and wait for `gates`. */
function runtimeNamed(
  name: string,
  store: StateStore,
  executions: string[],
  gates: Map<string, Gate>,
) {
  const plugin: PluginFactory = ({ name: pluginName }) => ({
    name: pluginName,
    listComponents: async () => [{ component: '/anything' }],
    async execute(execution): Promise<FlowResult> {
      const step = execution.context.stepId;
      executions.push(`${name}:${step}`);
      await gates.get(`${name}:${step}`)?.promise;
      return { outcome: 'success', result: `${String(execution.input)}>${step}` };
    },
    close: async () => undefined,
  });
  const fences = new RunFences();
  const runtime = createRuntime({
    config: {
      plugins: { test: { type: 'scripted' } },
      routes: { '/test/{*component}': [{ plugin: 'test' }] },
    } as unknown as StepflowConfig,
    workingDirectory: '.',
    stateStore: store,
    journal: createStateStoreJournal(store, { fenceOf: fences.fenceOf }),
    pluginFactories: { scripted: plugin },
  });
  const supervisor = new RunSupervisor(runtime, store);
  closers.push(async () => {
    supervisor.close();
    await runtime.close();
  });
  return { fences, supervisor };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 5000) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('WorkClaimer', () => {
  it('lets another runtime take over a run once the lease lapsed; the old owner writes nothing', async () => {
    const clock = createManualStoreClock();
    const store = createMemoryStateStore({ clock });
    closers.unshift(() => store.close());
    const executions: string[] = [];
    const gates = new Map([['A:b', gate()]]);
    const claimerOf = (owner: string) => {
      const { fences, supervisor } = runtimeNamed(owner, store, executions, gates);
      const claimer = new WorkClaimer({
        store,
        supervisor,
        fences,
        owner,
        loadFlow: async () => flow as never,
        leaseTtlMs: TTL,
        timers: manualTimers(clock),
      });
      closers.push(() => claimer.release().then(() => undefined));
      return claimer;
    };
    const a = claimerOf('A');
    const b = claimerOf('B');
    await store.createRun({ id: 'r1', flow, input: 'x' });

    await a.start();
    expect(a.activeCount).toBe(1);
    // A recorded step a and hangs in step b.
    await waitFor(() => executions.includes('A:b'), 'A executes step b');
    expect((await store.getRun('r1'))?.leaseOwner).toBe('A');

    // A renews while alive; B finds nothing to claim.
    clock.advance(TTL / 2);
    await a.heartbeat();
    await b.start();
    expect(b.activeCount).toBe(0);

    // A stops renewing (paused, cut off); once the lease lapsed, B claims the run and resumes it
    // from the journal: step a is not executed again.
    clock.advance(TTL + 1);
    await b.claim();
    await waitFor(async () => (await store.getRun('r1'))?.status === 'completed', 'B ends r1');
    expect(executions).toEqual(['A:a', 'A:b', 'B:b']);
    expect((await store.getRun('r1'))?.result).toEqual({ outcome: 'success', result: 'x>a>b' });
    const journal = await store.readEvents('r1');

    // A wakes up: its step finishes, but nothing it would write lands, and it drops the run.
    gates.get('A:b')!.open();
    await a.heartbeat();
    await waitFor(() => a.activeCount === 0, 'A drops r1');
    expect(await store.readEvents('r1')).toEqual(journal);
    const completions = journal.filter((entry) => entry.event.type === 'stepCompleted');
    expect(completions.map((entry) => (entry.event as { stepId: string }).stepId)).toEqual([
      'a',
      'b',
    ]);
  });

  it('claims no more than maxRuns, and more as runs end', async () => {
    const clock = createManualStoreClock();
    const store = createMemoryStateStore({ clock });
    closers.unshift(() => store.close());
    const executions: string[] = [];
    const gates = new Map([['A:a', gate()]]);
    const { fences, supervisor } = runtimeNamed('A', store, executions, gates);
    const claimer = new WorkClaimer({
      store,
      supervisor,
      fences,
      owner: 'A',
      maxRuns: 2,
      loadFlow: async () => flow as never,
      timers: manualTimers(clock),
    });
    closers.push(() => claimer.release().then(() => undefined));
    for (const id of ['r1', 'r2', 'r3']) await store.createRun({ id, flow, input: id });
    await claimer.start();
    expect(claimer.activeCount).toBe(2);
    expect(claimer.hasCapacity).toBe(false);
    gates.get('A:a')!.open();
    await waitFor(async () => (await store.countRuns({ status: 'completed' })) === 3, 'all end');
    expect(executions.filter((line) => line === 'A:a')).toHaveLength(3);
  });

  it('drains: claims nothing more, and hands back the leases of runs still executing', async () => {
    const clock = createManualStoreClock();
    const store = createMemoryStateStore({ clock });
    closers.unshift(() => store.close());
    const gates = new Map([['A:a', gate()]]);
    const { fences, supervisor } = runtimeNamed('A', store, [], gates);
    let expire: (() => void) | undefined;
    const claimer = new WorkClaimer({
      store,
      supervisor,
      fences,
      owner: 'A',
      loadFlow: async () => flow as never,
      timers: { ...manualTimers(clock), after: (_ms, fn) => ((expire = fn), () => undefined) },
    });
    await store.createRun({ id: 'r1', flow, input: 'x' });
    await claimer.start();
    const drained = claimer.drain(1000);
    await waitFor(() => expire !== undefined, 'the drain waits');
    await store.createRun({ id: 'r2', flow, input: 'y' });
    await claimer.claim();
    expect(claimer.activeCount).toBe(1);
    expire!();
    expect(await drained).toBe(1);
    supervisor.close();
    expect(await claimer.release()).toEqual(['r1']);
    expect((await store.getRun('r1'))?.leaseOwner).toBeUndefined();
    gates.get('A:a')!.open();
  });

  it('executes a run driven by hand (debug) under its lease, refused while another holds it', async () => {
    const clock = createManualStoreClock();
    const store = createMemoryStateStore({ clock });
    closers.unshift(() => store.close());
    const { fences, supervisor } = runtimeNamed('A', store, [], new Map());
    const claimer = new WorkClaimer({
      store,
      supervisor,
      fences,
      owner: 'A',
      loadFlow: async () => flow as never,
      timers: manualTimers(clock),
    });
    await store.createRun({ id: 'held', flow, input: 'x' });
    await store.acquireLease('held', 'B', TTL);
    const start = () => supervisor.start({ runId: 'held', flow: flow as never, input: 'x' });
    await expect(claimer.startHeld('held', start)).rejects.toThrow(/executing in runtime B/);

    await store.createRun({ id: 'mine', flow, input: 'y' });
    const { done } = await claimer.startHeld('mine', () =>
      supervisor.start({ runId: 'mine', flow: flow as never, input: 'y' }),
    );
    expect(fences.fenceOf('mine')).toMatchObject({ owner: 'A' });
    expect(await done).toEqual({ outcome: 'success', result: 'y>a>b' });
    expect(fences.fenceOf('mine')).toBeUndefined();
  });
});
