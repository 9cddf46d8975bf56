import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowLoadError, MAX_YAML_ALIAS_COUNT, loadFlowFile, parseFlowText } from '../index.ts';

const SCHEMA = 'schema: https://stepflow.org/schemas/v1/flow.json';

function billionLaughs(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return `${SCHEMA}\nmetadata:\n  bomb: *i\n${text.replace(/^/gm, '# ').slice(0, 0)}${text}`;
}

describe('parseFlowText', () => {
  it('parses YAML and normalises snake_case aliases with a warning each', () => {
    const loaded = parseFlowText(
      `${SCHEMA}
input_schema: { type: object }
steps:
  - id: s
    component: /x
    on_error: { action: useDefault, default_value: 1 }
    input: { keep_me: { $from: { workflow: input }, on_skip: { action: skip } } }
`,
      { fileName: 'flow.yaml' },
    );
    const flow = loaded.flow as unknown as {
      inputSchema: unknown;
      steps: { onError: unknown; input: { keep_me: { onSkip: unknown } } }[];
    };
    expect(flow.inputSchema).toEqual({ type: 'object' });
    expect(flow.steps[0]?.onError).toEqual({ action: 'useDefault', defaultValue: 1 });
    expect(flow.steps[0]?.input.keep_me.onSkip).toEqual({ action: 'skip' });
    expect(loaded.diagnostics.map((d) => [d.type, d.level, d.file])).toEqual([
      ['aliasUsed', 'warning', 'flow.yaml'],
      ['aliasUsed', 'warning', 'flow.yaml'],
      ['aliasUsed', 'warning', 'flow.yaml'],
      ['aliasUsed', 'warning', 'flow.yaml'],
    ]);
    expect(loaded.diagnostics[1]?.message).toBe(
      "'on_error' in step 's' is an alias: write 'onError'",
    );
    expect(loaded.diagnostics[1]?.stepId).toBe('s');
  });

  it('parses JSON by extension and reports the line of a syntax error', () => {
    expect(parseFlowText('{"schema": "x", "steps": []}', { fileName: 'f.json' }).flow).toEqual({
      schema: 'x',
      steps: [],
    });
    try {
      parseFlowText('{\n  "schema": "x",\n  oops\n}', { fileName: 'f.json' });
      expect.unreachable();
    } catch (error) {
      expect(FlowLoadError.isInstance(error)).toBe(true);
      expect((error as FlowLoadError).file).toBe('f.json');
      expect((error as FlowLoadError).line).toBe(3);
      expect((error as Error).message).toMatch(/^f\.json:3:\d+: invalid JSON/);
    }
  });

  it('reports the line of a YAML syntax error', () => {
    try {
      parseFlowText(`${SCHEMA}\nsteps:\n  - id: a\n    input: [1, 2\n  - id: b\n`, {
        fileName: 'bad.yaml',
      });
      expect.unreachable();
    } catch (error) {
      expect(FlowLoadError.isInstance(error)).toBe(true);
      expect((error as FlowLoadError).line).toBeGreaterThanOrEqual(4);
      expect((error as Error).message).toContain('bad.yaml:');
      expect((error as Error).message).toContain('invalid YAML');
    }
  });

  // The alias limit is what keeps this fast (it stops before expanding); how fast belongs in a
  // bench, not in a test that a loaded machine could fail.
  it('rejects a "billion laughs" document at the alias limit with a clear error', () => {
    expect(() => parseFlowText(billionLaughs(), { fileName: 'bomb.yaml' })).toThrow(
      `bomb.yaml: YAML aliases expand too much (more than ${MAX_YAML_ALIAS_COUNT} alias uses)`,
    );
  });

  it('accepts a few aliases', () => {
    const flow = parseFlowText(`${SCHEMA}\nmetadata:\n  a: &x { k: 1 }\n  b: *x\n`)
      .flow as unknown as { metadata: unknown };
    expect(flow.metadata).toEqual({ a: { k: 1 }, b: { k: 1 } });
  });

  it('rejects unknown extensions, duplicate keys and non-object documents', () => {
    expect(() => parseFlowText('a: 1', { fileName: 'flow.txt' })).toThrow(
      'flow.txt: Unrecognized file extension',
    );
    expect(() => parseFlowText('a: 1\na: 2', { fileName: 'dup.yaml' })).toThrow(
      /dup\.yaml:2:1: invalid YAML: duplicate key 'a' in the top-level mapping/,
    );
    expect(() => parseFlowText('- 1', { fileName: 'list.yaml' })).toThrow(
      'list.yaml: a flow must be a YAML/JSON object, got an array',
    );
    expect(() => parseFlowText('', { fileName: 'empty.yaml' })).toThrow('got null');
  });
});

describe('loadFlowFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stepflow-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in the result', async () => {
    const path = join(dir, 'flow.yml');
    await writeFile(path, `${SCHEMA}\nname: n\n`);
    const loaded = await loadFlowFile(path);
    expect(loaded.path).toBe(path);
    expect(loaded.flow).toMatchObject({ name: 'n' });
  });

  it('names a missing file', async () => {
    const error = await loadFlowFile(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(FlowLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${join(dir, 'nope.yaml')}: cannot read flow: file not found`,
    );
  });
});
