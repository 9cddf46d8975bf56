// `stepflow serve` keeps its runs where the config's `stateStore` says, unless `--store` says
// otherwise; a store that cannot be opened is a usage error naming it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CLI, createWorkspace, GREET_FLOW, startService } from './service-harness.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function configureStore(dir: string, stateStore: unknown): Promise<void> {
  const path = join(dir, 'stepflow-config.yml');
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...config, stateStore }, null, 2));
}

it("uses the config's stateStore, and --store over it", async () => {
  const workspace = await createWorkspace();
  await configureStore(workspace.dir, { type: 'sqlite', databaseUrl: 'sqlite:from-config.db' });
  const service = await startService(workspace.dir);
  cleanups.push(() => service.stop());
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const run = await service.api('runs', { body: { flowId, input: { name: 'Ada' } } });
  expect(run.body.status).toBe('completed');
  expect(await service.stop('SIGTERM')).toBe(0);
  expect(existsSync(join(workspace.dir, 'from-config.db'))).toBe(true);
  expect(existsSync(join(workspace.dir, '.stepflow', 'stepflow.db'))).toBe(false);

  const overridden = await startService(workspace.dir, ['--store', 'sqlite:from-flag.db']);
  cleanups.push(() => overridden.stop());
  expect((await overridden.api('runs')).body.runs).toEqual([]);
  expect(existsSync(join(workspace.dir, 'from-flag.db'))).toBe(true);
}, 60_000);

it('names a store it cannot open, with exit code 2', async () => {
  const workspace = await createWorkspace();
  await writeFile(join(workspace.dir, 'not-a-store.db'), 'plain text, not SQLite\n'.repeat(100));
  const child = spawnSync(process.execPath, [CLI, 'serve', '--store', 'sqlite:not-a-store.db'], {
    cwd: workspace.dir,
    encoding: 'utf8',
    env: { ...process.env, STEPFLOW_TOKEN: '' },
  });
  expect(child.status).toBe(2);
  expect(child.stderr).toContain('state store sqlite:not-a-store.db: cannot open');
});
