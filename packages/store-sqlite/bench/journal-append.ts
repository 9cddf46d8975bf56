// Journal append throughput: group commits of 1,000 events, file-backed (NORMAL and FULL) and
// :memory:. Run with `pnpm --filter @stepflow/store-sqlite bench` after a build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkJournalAppends } from '@stepflow/state-store/testing';
import { createSqliteStateStore } from '../src/index.ts';

const directory = mkdtempSync(join(tmpdir(), 'stepflow-sqlite-bench-'));
try {
  for (const [label, options] of [
    ['file, synchronous=NORMAL', { path: join(directory, 'normal.db') }],
    ['file, synchronous=FULL', { path: join(directory, 'full.db'), synchronous: 'FULL' }],
    [':memory:', { path: ':memory:' }],
  ] as const) {
    const store = createSqliteStateStore(options);
    await benchmarkJournalAppends(store, { groups: 3 }); // warm-up
    for (const runsPerGroup of [1, 10]) {
      const result = await benchmarkJournalAppends(store, { groups: 50, runsPerGroup });
      console.log(
        `${label}: ${result.groups} groups of 1000 events over ${runsPerGroup} run(s): ` +
          `${result.eventsPerSecond.toLocaleString('en')} events/s ` +
          `(${(result.milliseconds / result.groups).toFixed(2)} ms per group)`,
      );
    }
    await store.close();
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
