import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStateStore } from '../src/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openStateStore', () => {
  it('opens memory and SQLite stores; a relative SQLite path is under the working directory', async () => {
    const memory = await openStateStore('memory');
    expect(memory.kind).toBe('memory');
    await memory.close();
    const dir = mkdtempSync(join(tmpdir(), 'stepflow-open-'));
    dirs.push(dir);
    const sqlite = await openStateStore('sqlite:.stepflow/stepflow.db?mode=rwc', {
      workingDirectory: dir,
    });
    expect(sqlite.kind).toBe('sqlite');
    await sqlite.close();
    expect(existsSync(join(dir, '.stepflow', 'stepflow.db'))).toBe(true);
  });

  it('refuses a URL it does not know, naming the accepted forms without the password', async () => {
    await expect(openStateStore('mysql://user:hunter2@db/x')).rejects.toThrow(
      /unknown scheme "mysql".*expected memory, sqlite:/,
    );
    await expect(openStateStore('mysql://user:hunter2@db/x')).rejects.not.toThrow(/hunter2/);
  });

  it('refuses a SQLite file that is not a store, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepflow-open-'));
    dirs.push(dir);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'notes.db'), 'these are not the pages of a database\n'.repeat(200));
    await expect(openStateStore('sqlite:notes.db', { workingDirectory: dir })).rejects.toThrow(
      /notes\.db/,
    );
  });
});
