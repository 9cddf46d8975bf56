import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFORMANCE, FIXTURES, runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const scratch: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

describe('stepflow validate', () => {
  it('exits 0 for a valid flow, with nothing on stdout', async () => {
    const result = await runStepflow(['validate', '--flow', join(FIXTURES, 'flows', 'greet.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('reports warnings (snake_case aliases) but still exits 0', async () => {
    const result = await runStepflow([
      'validate',
      '--flow',
      join(CONFORMANCE, 'mock', 'basic.yaml'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning/);
    expect(result.stderr).toMatch(/input_schema/);
  });

  it('exits 2 on fatal diagnostics, naming file and step', async () => {
    const file = join(FIXTURES, 'flows', 'forward-ref.yaml');
    const result = await runStepflow(['validate', '--flow', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/step 'first'/);
    expect(result.stderr).toMatch(/fatal/);
  });

  it('exits 2 for a config that does not load', async () => {
    const result = await runStepflow([
      'validate',
      '--flow',
      join(FIXTURES, 'flows', 'greet.yaml'),
      '--config',
      join(FIXTURES, 'configs', 'bad-route.yml'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad-route.yml');
  });
});

describe('stepflow visualize', () => {
  const flow = join(CONFORMANCE, 'mock', 'conditional_skip.yaml');

  it('prints Mermaid by default', async () => {
    const result = await runStepflow(['visualize', '--flow', flow]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('flowchart TD\n')).toBe(true);
    expect(result.stdout).toContain('-. skipIf .->');
    expect(result.stdout).toContain('conditional_step');
  });

  it('prints DOT with --format dot, or writes it to --output', async () => {
    const result = await runStepflow(['visualize', '--flow', flow, '--format', 'dot']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('digraph workflow {');
    expect(result.stdout).toContain('"step_conditional_step" -> "step_dependent_step"');
    const { path, dispose } = await scratchDirectory();
    scratch.push(dispose);
    const out = join(path, 'graph.dot');
    const written = await runStepflow(['visualize', '--flow', flow, '--format', 'dot', '-o', out]);
    expect(written.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toBe(result.stdout);
  });

  it('rejects an unsupported format with exit 2', async () => {
    const result = await runStepflow(['visualize', '--flow', flow, '--format', 'svg']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/mermaid, dot/);
  });
});

describe('stepflow list-components', () => {
  it('lists the builtins with their routes as JSON (schemas included by default)', async () => {
    const result = await runStepflow(['list-components', '--format', 'json'], { cwd: CONFORMANCE });
    expect(result.code).toBe(0);
    const { components } = JSON.parse(result.stdout);
    const names = components.map((c: { component: string }) => c.component);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('/create_messages');
    const evalEntry = components.find((c: { component: string }) => c.component === '/eval');
    expect(evalEntry.plugin).toBe('builtin');
    expect(evalEntry.routes).toEqual([
      {
        pathPattern: '/builtin/{*component}',
        resolvedPath: '/builtin/eval',
        conditions: [],
        isConditional: false,
      },
    ]);
    expect(evalEntry.input_schema).toBeDefined();
  });

  it('prints YAML and a pretty listing with the total', async () => {
    const config = join(CONFORMANCE, 'mock', 'stepflow-config.yml');
    const yaml = await runStepflow([
      'list-components',
      '--config',
      config,
      '--format',
      'yaml',
      '--schemas',
      'false',
    ]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain('component: /one_output');
    expect(yaml.stdout).not.toContain('input_schema');
    const pretty = await runStepflow(['list-components', '--config', config]);
    expect(pretty.stdout).toContain('Component: /one_output (plugin: mock)');
    expect(pretty.stdout).toContain('/mock/one_output');
    expect(pretty.stdout).toContain('Total components: 4');
  });
});
