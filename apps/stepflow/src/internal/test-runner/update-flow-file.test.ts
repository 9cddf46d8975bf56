import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { updateFlowFile } from './update-flow-file.ts';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'stepflow-update-'));
  directories.push(directory);
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('updateFlowFile', () => {
  it('rewrites only the updated outputs of a YAML flow, keeping comments and quoting', async () => {
    const path = await file(
      'flow.yaml',
      "# top comment\nschema: x\ntest:\n  cases:\n    - name: a # keep\n      input: { v: 'q' }\n    - name: b\n      input: 2\n      output: { outcome: skipped }\n",
    );
    await updateFlowFile(path, [{ index: 1, output: { outcome: 'success', result: [1, 2] } }]);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('# top comment');
    expect(text).toContain('- name: a # keep');
    expect(text).toContain("input: { v: 'q' }");
    expect(text).toMatch(/output:\n\s+outcome: success\n\s+result:\n\s+- 1\n\s+- 2/);
  });

  it('rewrites a JSON flow as indented JSON', async () => {
    const path = await file(
      'flow.json',
      '{"schema":"x","test":{"cases":[{"name":"a","input":1}]}}',
    );
    await updateFlowFile(path, [{ index: 0, output: { outcome: 'success', result: 1 } }]);
    expect(JSON.parse(await readFile(path, 'utf8')).test.cases[0].output).toEqual({
      outcome: 'success',
      result: 1,
    });
  });

  it('does not touch the file when there is nothing to update', async () => {
    const path = await file('flow.yaml', 'a:   1\n');
    await updateFlowFile(path, []);
    expect(await readFile(path, 'utf8')).toBe('a:   1\n');
  });
});
