// Journal append throughput on a private PostgreSQL server with fsync on: group commits of 1,000
// events. Run with `pnpm --filter @stepflow/store-postgres bench` after a build.
import { benchmarkJournalAppends } from '@stepflow/state-store/testing';
import { createPostgresStateStore } from '../src/index.ts';
import { startTestPostgres } from '../src/testing.ts';

const server = await startTestPostgres({ fsync: true });
try {
  const store = await createPostgresStateStore({ connectionString: server.url });
  await benchmarkJournalAppends(store, { groups: 3 }); // warm-up
  for (const runsPerGroup of [1, 10]) {
    const result = await benchmarkJournalAppends(store, { groups: 50, runsPerGroup });
    console.log(
      `postgres (fsync on): ${result.groups} groups of 1000 events over ${runsPerGroup} run(s): ` +
        `${result.eventsPerSecond.toLocaleString('en')} events/s ` +
        `(${(result.milliseconds / result.groups).toFixed(2)} ms per group)`,
    );
  }
  const writers = 8;
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: writers }, () => benchmarkJournalAppends(store, { groups: 20 })),
  );
  const events = results.reduce((sum, r) => sum + r.events, 0);
  console.log(
    `postgres (fsync on): ${writers} concurrent writers, 1000-event groups: ` +
      `${Math.round((events / (performance.now() - started)) * 1000).toLocaleString('en')} events/s`,
  );
  await store.close();
} finally {
  await server.stop();
}
