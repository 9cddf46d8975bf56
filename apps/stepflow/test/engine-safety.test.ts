import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const SCHEMA_LINE = 'schema: https://stepflow.org/schemas/v1/flow.json\n';
const scratch: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

async function files(entries: Record<string, string>): Promise<string> {
  const { path, dispose } = await scratchDirectory();
  scratch.push(dispose);
  for (const [name, text] of Object.entries(entries)) await writeFile(join(path, name), text);
  return path;
}

describe('stepflow run: output schemas', () => {
  const flow = `${SCHEMA_LINE}steps:
  - id: s
    component: /create_messages
    input: { user_prompt: { $from: { workflow: input } } }
    outputSchema:
      type: object
      properties: { messages: { type: array, maxItems: 0 } }
      required: [messages, extra]
output: { $from: { step: s } }
`;

  it('a step output violating its outputSchema fails the run, naming the step and violations', async () => {
    const dir = await files({ 'flow.yaml': flow });
    const result = await runStepflow(['run', '-f', join(dir, 'flow.yaml'), '--input-json', '"hi"']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      outcome: 'failed',
      error: {
        code: 500,
        message: 'step "s" failed',
        data: {
          cause: {
            message: `the output of step "s" does not match its outputSchema: (output) must have required property 'extra'; /messages must NOT have more than 0 items`,
          },
        },
      },
    });
  });

  it('--no-validate turns the check off', async () => {
    const dir = await files({ 'flow.yaml': flow });
    const result = await runStepflow([
      'run',
      '-f',
      join(dir, 'flow.yaml'),
      '--input-json',
      '"hi"',
      '--no-validate',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: { messages: [{ role: 'user', content: 'hi' }] },
    });
  });
});

describe('stepflow run: deeply nested input', () => {
  it.each([5_000, 100_000])('refuses input %i levels deep with exit 2', async (levels) => {
    const dir = await files({
      'flow.yaml': `${SCHEMA_LINE}output: { $from: { workflow: input } }\n`,
      'input.json': `${'['.repeat(levels)}1${']'.repeat(levels)}`,
    });
    const result = await runStepflow([
      'run',
      '-f',
      join(dir, 'flow.yaml'),
      '-i',
      join(dir, 'input.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    // The input document is refused while it is parsed (the document limit, 128 levels), before
    // the runtime's own value limit (256) could see it: either way, exit 2 naming the file.
    expect(result.stderr).toContain(
      'input.json: the document nests objects and lists more than 128 deep',
    );
    expect(result.stderr).not.toContain('Maximum call stack');
  });
});

describe('stepflow run: secrets in inputs are never echoed', () => {
  const CANARY = 'canary-7d41be09';
  const config = `plugins:
  builtin: { type: builtin }
  mock: { type: mock, components: { /echo: { behaviors: {} } } }
routes:
  "/mock/{*component}": [{ plugin: mock }]
  "/{*component}": [{ plugin: builtin }]
`;
  const flows = {
    // An unreachable API: the request fails after the key was used.
    'unreachable.yaml': `${SCHEMA_LINE}steps:
  - id: ask
    component: /openai
    input: { messages: [{ role: user, content: hi }], api_key: ${CANARY} }
output: { $from: { step: ask } }
`,
    // Invalid input: the builtin refuses it before using the key.
    'invalid.yaml': `${SCHEMA_LINE}steps:
  - id: ask
    component: /openai
    input: { messages: [{ role: user, content: 3 }], api_key: ${CANARY} }
output: { $from: { step: ask } }
`,
    // A component whose failure quotes its input.
    'echoing.yaml': `${SCHEMA_LINE}steps:
  - id: call
    component: /mock/echo
    input: { query: q, headers: { x-api-key: ${CANARY} }, token: { $from: { workflow: input } } }
output: { $from: { step: call } }
`,
  };

  it.each(Object.keys(flows))('%s: not in stdout or stderr, even at debug level', async (name) => {
    const dir = await files({ ...flows, 'stepflow-config.yml': config });
    const result = await runStepflow(
      [
        'run',
        '-f',
        join(dir, name),
        '--input-json',
        JSON.stringify(CANARY),
        '--log-level',
        'debug',
      ],
      { env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', OPENAI_API_KEY: '' } },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'failed' });
    expect(result.stdout).not.toContain(CANARY);
    expect(result.stderr).not.toContain(CANARY);
  });
});
