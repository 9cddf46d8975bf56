// `stepflow submit` and `stepflow submit-batch` against a real `stepflow serve`.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CLI,
  createWorkspace,
  GREET_FLOW,
  processesOf,
  startService,
  type ServiceProcess,
  type Workspace,
} from './service-harness.ts';

const run = promisify(execFile);
let workspace: Workspace;
let service: ServiceProcess;
let flowFile: string;

beforeAll(async () => {
  workspace = await createWorkspace();
  service = await startService(workspace.dir, ['--store', 'memory', '--token', 'tok']);
  flowFile = join(workspace.dir, 'greet.json');
  await writeFile(flowFile, JSON.stringify(GREET_FLOW));
});

afterAll(async () => {
  expect(await service.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

it('submit prints the FlowResult like run', async () => {
  const { stdout } = await run(process.execPath, [
    CLI,
    'submit',
    '--url',
    service.url,
    '--token',
    'tok',
    '--flow',
    flowFile,
    '--input-json',
    '{"name":"Ada"}',
  ]);
  expect(JSON.parse(stdout)).toEqual({
    outcome: 'success',
    result: { messages: [{ role: 'user', content: 'Ada' }] },
  });
});

it('submit reports a refused token as an error', async () => {
  const failure = await run(process.execPath, [
    CLI,
    'submit',
    '--url',
    service.url,
    '--token',
    'bad',
    '--flow',
    flowFile,
    '--input-json',
    '{}',
  ]).catch((error: { code: number; stderr: string }) => error);
  expect(failure).toMatchObject({
    code: 1,
    stderr: expect.stringMatching(/^stepflow: error: POST \/api\/v1\/flows: 401 /),
  });
});

it('submit-batch writes one FlowResult per input line, in order', async () => {
  const inputs = join(workspace.dir, 'inputs.jsonl');
  const output = join(workspace.dir, 'out.jsonl');
  await writeFile(inputs, ['{"name":"a"}', '{"name":"b"}', '', '{"name":"c"}'].join('\n'));
  await run(process.execPath, [
    CLI,
    'submit-batch',
    '--url',
    service.url,
    '--token',
    'tok',
    '--flow',
    flowFile,
    '--inputs',
    inputs,
    '--max-concurrency',
    '2',
    '--output',
    output,
  ]);
  const lines = (await readFile(output, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.map((result) => result.result.messages[0].content)).toEqual(['a', 'b', 'c']);
});
