import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLI,
  crashWorkspace,
  readExecutions,
  reapServers,
  runCli,
  type CrashWorkspace,
} from '../durable/durable-fixture.ts';

/** Drafts, asks a person to approve the draft, then finishes with it. */
function approvalFlow(): Record<string, unknown> {
  return {
    schema: 'https://stepflow.org/schemas/v1/flow.json',
    name: 'approval',
    steps: [
      {
        id: 'draft',
        component: '/journal/work',
        input: { id: 'draft', value: { $from: { workflow: 'input' }, path: 'start' } },
      },
      {
        id: 'approve',
        component: '/builtin/ask_human',
        input: {
          prompt: { draft: { $from: { step: 'draft' }, path: 'value' } },
          schema: {
            type: 'object',
            properties: { approved: { type: 'boolean' }, note: { type: 'string' } },
            required: ['approved'],
          },
        },
      },
      {
        id: 'finish',
        component: '/journal/work',
        input: {
          id: 'finish',
          value: { $from: { step: 'draft' }, path: 'value' },
          approved: { $from: { step: 'approve' }, path: 'approved' },
        },
      },
    ],
    output: {
      approved: { $from: { step: 'approve' }, path: 'approved' },
      value: { $from: { step: 'finish' }, path: 'value' },
    },
  };
}

describe('ask_human through the stepflow command', () => {
  let workspace: CrashWorkspace;
  let store: string;
  let flow: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    workspace = await crashWorkspace({ EXECUTIONS_FILE: '${EXECUTIONS_FILE}' });
    store = `sqlite:${join(workspace.dir, 'state.db')}`;
    flow = join(workspace.dir, 'approval.json');
    writeFileSync(flow, JSON.stringify(approvalFlow()));
    env = { EXECUTIONS_FILE: workspace.executionsPath };
  });
  afterEach(async () => {
    expect(await reapServers(workspace.marker)).toEqual([]);
    await workspace.dispose();
  });

  const cli = (...args: string[]) =>
    runCli([...args, '--config', workspace.configPath], workspace.dir, env);
  const runs = (...args: string[]) => cli('runs', ...args, '--store', store);

  it('exits 3 with the open question; runs questions lists it; runs answer --resume completes the run', async () => {
    const paused = await cli(
      'run',
      '--flow',
      flow,
      '--store',
      store,
      '--run-id',
      'ok1',
      '--input-json',
      '{"start":1}',
    );
    expect(paused.code).toBe(3);
    expect(JSON.parse(paused.stdout)).toMatchObject({
      runId: 'ok1',
      status: 'paused',
      questions: [{ runId: 'ok1', stepId: 'approve', prompt: { draft: 2 } }],
    });
    expect(paused.stderr).toContain('stepflow runs answer ok1 approve');

    const listed = await runs('questions', '--format', 'json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ runId: 'ok1', stepId: 'approve', prompt: { draft: 2 } }),
    ]);
    expect((await runs('list', '--format', 'json')).stdout).toContain('"paused"');

    const invalid = await runs('answer', 'ok1', 'approve', '--answer-json', '{"note":3}');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("must have required property 'approved'");
    expect(invalid.stderr).toContain('/note: must be string');

    const both = await runs('answer', 'ok1', 'approve', '--answer-json', '1', '--answer-yaml', '1');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      'give exactly one of --answer-json, --answer-yaml and --answer-file',
    );
    const answerFile = join(workspace.dir, 'answer.yaml');
    writeFileSync(answerFile, 'approved: maybe\n');
    const fromFile = await runs('answer', 'ok1', 'approve', '--answer-file', answerFile);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('/approved: must be boolean');
    const unknown = await runs('answer', 'ghost', 'approve', '--answer-json', 'true');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('run ghost: not found');
    const noQuestion = await runs('answer', 'ok1', 'draft', '--answer-json', 'true');
    expect(noQuestion.code).toBe(2);
    expect(noQuestion.stderr).toContain('has no question at step draft');

    const answered = await runs(
      'answer',
      'ok1',
      'approve',
      '--answer-yaml',
      'approved: true',
      '--by',
      'ada',
      '--resume',
    );
    expect(answered.stderr).not.toContain('error');
    expect(answered.code).toBe(0);
    expect(JSON.parse(answered.stdout)).toEqual({
      outcome: 'success',
      result: { approved: true, value: 3 },
    });
    expect(answered.stderr).toContain('answered by ada');

    const twice = await runs('answer', 'ok1', 'approve', '--answer-json', '{"approved":false}');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/answered already/);
    const events = await runs('events', 'ok1');
    expect(events.stdout).toContain('"type":"stepAnswered","runId":"ok1"');
    expect(events.stdout).toContain('"answer":{"approved":true},"by":"ada"');
    // Nothing ran twice: the draft before the pause, the finish after the answer.
    expect(readExecutions(workspace.executionsPath).map((e) => e.stepId)).toEqual([
      'draft',
      'finish',
    ]);
    expect((await runs('questions')).stdout).toBe('no open questions\n');
  });

  it('fails at once without a store when nobody can answer', async () => {
    const result = await cli('run', '--flow', flow, '--input-json', '{"start":1}');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('nobody can answer here');
    expect(result.stdout).toContain('stepflow serve');
  });
});

/** Runs `stepflow` in a pseudo-terminal (`script`), typing `answers` as the prompts appear. */
function runInTerminal(
  args: readonly string[],
  cwd: string,
  answers: readonly [prompt: string, line: string][],
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
  const child = spawn('script', ['-q', '-e', '-c', command.join(' '), '/dev/null'], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let next = 0;
  let seen = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    // Each answer is typed once its prompt was printed after the previous one.
    while (next < answers.length) {
      const [prompt, line] = answers[next]!;
      const at = output.indexOf(prompt, seen);
      if (at === -1) break;
      seen = at + prompt.length;
      next++;
      child.stdin.write(`${line}\n`);
    }
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, output });
    }),
  );
}

describe('ask_human on a terminal', () => {
  it('asks field by field from the schema, asks again after a bad answer, and goes on', async () => {
    const workspace = await crashWorkspace();
    try {
      const flow = join(workspace.dir, 'ask.json');
      writeFileSync(
        flow,
        JSON.stringify({
          schema: 'https://stepflow.org/schemas/v1/flow.json',
          steps: [
            {
              id: 'approve',
              component: '/builtin/ask_human',
              input: {
                prompt: 'Refund 40 EUR to Ada?',
                schema: {
                  type: 'object',
                  properties: {
                    approved: { type: 'boolean' },
                    reason: { type: 'string', enum: ['policy', 'goodwill'] },
                    note: { type: 'string' },
                  },
                  required: ['approved', 'reason'],
                },
              },
            },
          ],
          output: { $from: { step: 'approve' } },
        }),
      );
      const { code, output } = await runInTerminal(
        ['run', '--flow', flow, '--config', workspace.configPath, '--input-json', 'null'],
        workspace.dir,
        [
          ['approved (y/n): ', 'maybe'],
          ['approved (y/n): ', 'y'],
          ['reason [1-2]: ', '2'],
          ['note (optional): ', 'ok by phone'],
        ],
      );
      expect(output).toContain('step approve asks: Refund 40 EUR to Ada?');
      expect(output).toContain('not a valid answer: "maybe"');
      expect(code).toBe(0);
      const json = output.slice(output.indexOf('{"outcome"'));
      expect(JSON.parse(json.slice(0, json.lastIndexOf('}') + 1))).toEqual({
        outcome: 'success',
        result: { approved: true, reason: 'goodwill', note: 'ok by phone' },
      });
    } finally {
      expect(await reapServers(workspace.marker)).toEqual([]);
      await workspace.dispose();
    }
  });
});
