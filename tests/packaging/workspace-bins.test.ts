import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKER_VARIABLE, processesWithMarker } from '../component-server/harness.ts';
import { cleanEnv, pnpmCommand, ROOT, run, workspacePackages } from './workspace.ts';

const packages = workspacePackages();
const withBins = packages.filter(({ manifest }) => manifest.bin !== undefined);

describe('workspace bins', () => {
  it('has packages with bins to check', () => {
    expect(withBins.map(({ manifest }) => manifest.name)).toContain('@stepflow/cli');
  });

  // pnpm links a workspace package's bins when it installs, before anything is built: a bin
  // pointing into dist/ is missing then, and install warns "Failed to create bin" for it.
  it.each(withBins.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    '%s: every bin is a committed source file, present before any build',
    (_name, dir, manifest) => {
      for (const target of Object.values(manifest.bin!)) {
        const path = join(dir, target);
        expect(existsSync(join(ROOT, path)), path).toBe(true);
        const tracked = execFileSync('git', ['ls-files', '--', path], {
          cwd: ROOT,
          encoding: 'utf8',
        });
        expect(tracked.trim(), `${path} is tracked by git`).toBe(path);
        expect(readFileSync(join(ROOT, path), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
      }
    },
  );

  it('install linked every workspace bin into each package that depends on it', () => {
    const binsByName = new Map(withBins.map(({ manifest }) => [manifest.name, manifest.bin!]));
    const expected: string[] = [];
    for (const { dir, manifest } of packages) {
      for (const dependency of Object.keys({
        ...manifest.dependencies,
        ...manifest.devDependencies,
      })) {
        for (const bin of Object.keys(binsByName.get(dependency) ?? {})) {
          expected.push(join(dir, 'node_modules/.bin', bin));
        }
      }
    }
    expect(expected).toContain('node_modules/.bin/stepflow');
    expect(expected.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});

describe('pnpm stepflow from the repository root', () => {
  it('runs the hello example through the linked CLI', async () => {
    const marker = randomUUID();
    const [command, prefix] = pnpmCommand();
    const completed = await run(
      command,
      [
        ...prefix,
        '--silent',
        'stepflow',
        'run',
        '--flow',
        'examples/hello/flow.yaml',
        '--input-json',
        '{"name":"Ada"}',
      ],
      { cwd: ROOT, env: cleanEnv({ [MARKER_VARIABLE]: marker }) },
    );
    expect(completed.code, completed.stderr).toBe(0);
    const result = JSON.parse(completed.stdout) as { outcome: string; result: { note: string } };
    expect(result.outcome).toBe('success');
    expect(result.result.note).toBe('no note: a name was given');
    expect(await processesWithMarker(marker)).toEqual([]);
  });
});
