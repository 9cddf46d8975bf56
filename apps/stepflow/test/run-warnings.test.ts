import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const scratch: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

/** A valid flow with a name but no description. */
const UNDESCRIBED = `schema: https://stepflow.org/schemas/v1/flow.json
name: undescribed
steps:
  - id: hi
    component: /builtin/create_messages
    input: { user_prompt: hi }
output: { $from: { step: hi }, path: messages }
`;

describe('a flow without a description', () => {
  it('runs without a warning about it; validate still reports it', async () => {
    const directory = await scratchDirectory();
    scratch.push(directory.dispose);
    const flow = join(directory.path, 'flow.yaml');
    await writeFile(flow, UNDESCRIBED);

    const run = await runStepflow(['run', '--flow', flow, '--input-json', '{}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'success' });
    expect(run.stderr).toBe('');

    const validate = await runStepflow(['validate', '--flow', flow]);
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain('Workflow has no description defined');
  });
});
