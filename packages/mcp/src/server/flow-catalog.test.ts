import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlowCatalog } from './flow-catalog.ts';
import { FlowCatalogError } from './flow-catalog-error.ts';
import { toolNameOf } from './tool-name.ts';

const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

function flowText(name: string | undefined, extra = ''): string {
  return [
    `schema: ${SCHEMA}`,
    ...(name === undefined ? [] : [`name: ${name}`]),
    extra,
    'steps:',
    '  - id: a',
    '    component: /builtin/create_messages',
    '    input: { user_prompt: hi }',
    'output: { $from: { step: a } }',
  ].join('\n');
}

async function directory(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-mcp-catalog-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

describe('loadFlowCatalog', () => {
  it('serves every flow under the directory, sorted, and skips other documents', async () => {
    const dir = await directory({
      'b.yaml': flowText('beta', 'description: The second'),
      'nested/my flow.yml': flowText(undefined),
      'a.json': JSON.stringify({ schema: SCHEMA, name: 'alpha', steps: [], output: 1 }),
      'stepflow-config.yml': 'plugins: {}\n',
      'broken-data.yaml': ': : not yaml [',
      'node_modules/x/flow.yaml': flowText('hidden'),
    });
    const catalog = await loadFlowCatalog(dir);
    expect(catalog.tools.map((tool) => [tool.name, tool.file, tool.description])).toEqual([
      ['alpha', 'a.json', "Runs the Stepflow flow 'alpha' (a.json)."],
      ['beta', 'b.yaml', 'The second'],
      [
        'my_flow',
        join('nested', 'my flow.yml'),
        "Runs the Stepflow flow 'my_flow' (nested/my flow.yml).",
      ],
    ]);
    expect(catalog.find('beta')?.file).toBe('b.yaml');
    expect(catalog.find(catalog.tools[0]!.flowId)?.name).toBe('alpha');
    expect(catalog.find('gamma')).toBeUndefined();
  });

  it('names every file at fault: invalid, unparsable, a taken or reserved name', async () => {
    const dir = await directory({
      'a.yaml': flowText('same'),
      'b.yaml': flowText('same'),
      'c.yaml': flowText('workflow_start'),
      'd.yaml': `schema: ${SCHEMA}\nsteps: [ oops`,
      'e.yaml': [
        `schema: ${SCHEMA}`,
        'steps:',
        '  - id: x',
        '    component: /builtin/eval',
        '    input: { v: { $from: { step: nowhere } } }',
      ].join('\n'),
    });
    const error = await loadFlowCatalog(dir).catch((e: unknown) => e);
    expect(FlowCatalogError.isInstance(error)).toBe(true);
    const problems = (error as FlowCatalogError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe("b.yaml: tool name 'same' is taken by a.yaml; give the flow a name");
    expect(problems[1]).toBe(
      "c.yaml: tool name 'workflow_start' is an operator tool's; rename the flow",
    );
    expect(problems[2]).toMatch(/^d\.yaml: /);
    expect(problems[3]).toMatch(/^e\.yaml: step 'x', .*nowhere/);
  });

  it('fails naming the directory when it cannot be read', async () => {
    await expect(loadFlowCatalog('/nonexistent/flows')).rejects.toThrow(/ENOENT/);
  });
});

describe('toolNameOf', () => {
  it.each([
    ['greet', 'greet'],
    ['Summarise a PDF!', 'Summarise_a_PDF_'],
    ['  ', 'flow'],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('%j becomes %j', (text, name) => expect(toolNameOf(text)).toBe(name));
});
