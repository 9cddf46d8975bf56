import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowResult, StepflowConfig } from '@stepflow/protocol';
import { createRuntime, type Runtime } from '../../index.ts';
import { yamlFlow } from '../../../test/helpers.ts';
import { LOAD_FILE_MAX_BYTES } from './load-file.ts';

const config = { plugins: { builtin: { type: 'builtin' } } } as unknown as StepflowConfig;

async function runStep(runtime: Runtime, component: string, input: unknown): Promise<FlowResult> {
  const flow = yamlFlow(
    `steps:\n  - id: s\n    component: ${component}\n    input: { $from: { workflow: input } }\noutput: { $from: { step: s } }\n`,
  );
  return (await runtime.run({ flow, input })).result;
}

function causeOf(result: FlowResult): string {
  return result.outcome === 'failed' ? JSON.stringify(result.error.data) : '';
}

describe('load_file', () => {
  let dir = '';
  let outside = '';
  let rt: Runtime;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stepflow-load-file-'));
    outside = await mkdtemp(join(tmpdir(), 'stepflow-outside-'));
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'a.json'), '{"message": "Hello from JSON"}');
    await writeFile(join(dir, 'data', 'b.yaml'), 'k: [1, 2]\n');
    await writeFile(join(dir, 'data', 'c.txt'), 'plain text');
    await writeFile(join(dir, 'data', 'bad.json'), '{oops');
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await symlink(join(outside, 'secret.txt'), join(dir, 'data', 'link.txt'));
    await writeFile(join(dir, '..notes.txt'), 'dotted');
    await writeFile(join(dir, 'data', 'huge.txt'), '');
    execFileSync('mkfifo', [join(dir, 'data', 'pipe')]);
    rt = createRuntime({
      config: {
        plugins: {
          builtin: { type: 'builtin', allowedPaths: ['../' + outside.split('/').at(-1)!] },
        },
      } as never,
      workingDirectory: dir,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reads JSON, YAML and text relative to the working directory', async () => {
    expect(await runStep(rt, '/load_file', { path: 'data/a.json' })).toEqual({
      outcome: 'success',
      result: {
        data: { message: 'Hello from JSON' },
        metadata: { resolved_path: join(dir, 'data', 'a.json'), size_bytes: 30, format: 'json' },
      },
    });
    expect(await runStep(rt, '/load_file', { path: 'data/b.yaml' })).toMatchObject({
      result: { data: { k: [1, 2] }, metadata: { format: 'yaml' } },
    });
    expect(await runStep(rt, '/load_file', { path: 'data/c.txt' })).toMatchObject({
      result: { data: 'plain text', metadata: { format: 'text', size_bytes: 10 } },
    });
    expect(await runStep(rt, '/load_file', { path: 'data/a.json', format: 'text' })).toMatchObject({
      result: { data: '{"message": "Hello from JSON"}' },
    });
  });

  it('fails for a missing file or a parse error', async () => {
    expect(causeOf(await runStep(rt, '/load_file', { path: 'data/none.json' }))).toContain(
      'File not found: data/none.json',
    );
    expect(causeOf(await runStep(rt, '/load_file', { path: 'data/bad.json' }))).toContain(
      'Cannot parse data/bad.json as json',
    );
  });

  it('cannot leave the working directory unless allowed', async () => {
    const confined = createRuntime({ config, workingDirectory: dir });
    expect(causeOf(await runStep(confined, '/load_file', { path: '../' }))).toContain(
      'outside the working directory',
    );
    expect(
      causeOf(await runStep(confined, '/load_file', { path: join(outside, 'secret.txt') })),
    ).toContain('outside the working directory');
    expect(causeOf(await runStep(confined, '/load_file', { path: 'data/link.txt' }))).toContain(
      'outside the working directory',
    );
    expect(await runStep(rt, '/load_file', { path: join(outside, 'secret.txt') })).toMatchObject({
      result: { data: 'secret' },
    });
  });

  it('refuses a missing file outside with the same message as an existing one', async () => {
    const confined = createRuntime({ config, workingDirectory: dir });
    const message = async (path: string): Promise<string> =>
      causeOf(await runStep(confined, '/load_file', { path })).replaceAll(path, '<path>');
    const existing = await message(join(outside, 'secret.txt'));
    expect(existing).toContain('outside the working directory');
    expect(await message(join(outside, 'no-such-file.txt'))).toBe(existing);
    expect(await message(join(outside, 'no-such-dir', 'x.txt'))).toBe(existing);
    expect(await message('../no-such-file.txt')).toBe(existing);
  });

  it('reads a file whose name starts with two dots', async () => {
    expect(await runStep(rt, '/load_file', { path: '..notes.txt' })).toMatchObject({
      outcome: 'success',
      result: { data: 'dotted' },
    });
  });

  it('refuses a directory and a named pipe without opening them', async () => {
    expect(causeOf(await runStep(rt, '/load_file', { path: 'data' }))).toContain(
      "Refusing to read 'data': it is a directory, not a regular file",
    );
    // Opening a FIFO nobody writes to would block forever: it must be refused first.
    expect(causeOf(await runStep(rt, '/load_file', { path: 'data/pipe' }))).toContain(
      "Refusing to read 'data/pipe': it is a named pipe, not a regular file",
    );
  });

  it(`refuses a file larger than ${LOAD_FILE_MAX_BYTES} bytes`, async () => {
    await truncate(join(dir, 'data', 'huge.txt'), LOAD_FILE_MAX_BYTES + 1);
    expect(causeOf(await runStep(rt, '/load_file', { path: 'data/huge.txt' }))).toContain(
      `Refusing to read 'data/huge.txt': it is ${LOAD_FILE_MAX_BYTES + 1} bytes, more than the limit of ${LOAD_FILE_MAX_BYTES} bytes (32 MiB)`,
    );
  });
});
