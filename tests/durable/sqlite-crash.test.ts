import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { openStateStore } from '@stepflow/node-runtime';
import { CRASH_TRIALS as TRIALS, runCrashTrials } from './crash-trials.ts';

const dir = mkdtempSync(join(tmpdir(), 'stepflow-sqlite-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durable runs on SQLite survive SIGKILL', () => {
  it(`${TRIALS} trials killed at a random step resume to the uninterrupted result, recorded steps never re-executed`, async () => {
    const path = join(dir, 'state.db');
    const summary = await runCrashTrials(
      { url: `sqlite:${path}`, open: () => openStateStore(`sqlite:${path}`) },
      TRIALS,
      20261130,
    );
    console.info(`sqlite crash trials: ${JSON.stringify(summary)}`);
    expect(summary.interrupted).toBeGreaterThan(0);
  }, 900_000);
});
