import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateStore } from '@stepflow/node-runtime';
import {
  startTestPostgres,
  testPostgresUnavailableReason,
  type TestPostgres,
} from '@stepflow/store-postgres/testing';
import { CRASH_TRIALS as TRIALS, runCrashTrials } from './crash-trials.ts';

const unavailable = testPostgresUnavailableReason();

if (unavailable !== undefined) {
  describe('durable runs on PostgreSQL survive SIGKILL', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
} else {
  describe('durable runs on PostgreSQL survive SIGKILL', () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      server = await startTestPostgres();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it(`${TRIALS} trials killed at a random step resume to the uninterrupted result, recorded steps never re-executed`, async () => {
      const url = server!.url;
      const summary = await runCrashTrials(
        { url, open: () => openStateStore(url) },
        TRIALS,
        20261201,
      );
      console.info(`postgres crash trials: ${JSON.stringify(summary)}`);
      expect(summary.interrupted).toBeGreaterThan(0);
    }, 900_000);
  });
}
