import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_VARIABLE, ROOT, processesWithMarker, runCli } from '../component-server/harness.ts';

// `type: mcp` plugins through the stepflow CLI, against @modelcontextprotocol/server-filesystem.
const EXAMPLE = join(ROOT, 'examples/mcp-filesystem');
const directories: string[] = [];
const markers: string[] = [];

afterEach(async () => {
  for (const marker of markers.splice(0)) expect(await processesWithMarker(marker)).toEqual([]);
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  // The real path: the filesystem server compares resolved paths.
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'stepflow-mcp-cli-')));
  directories.push(dir);
  return dir;
}

function marked(env: Record<string, string> = {}): Record<string, string> {
  const marker = randomUUID();
  markers.push(marker);
  return { [MARKER_VARIABLE]: marker, ...env };
}

describe('type: mcp plugins in the stepflow CLI', () => {
  it('runs the mcp-filesystem example: writes a file in a temp dir and reads it back', async () => {
    const dir = await tempDir();
    const path = join(dir, 'note.txt');
    const run = await runCli(
      [
        'run',
        '--flow',
        'examples/mcp-filesystem/flow.yaml',
        '--input-json',
        JSON.stringify({ path, text: 'written by a flow' }),
      ],
      { env: marked({ STEPFLOW_MCP_FS_ROOT: dir }) },
    );
    expect(run.code, run.stderr).toBe(0);
    const output = JSON.parse(run.stdout) as { outcome: string; result: Record<string, string> };
    expect(output).toMatchObject({
      outcome: 'success',
      result: { saved: `Successfully wrote to ${path}`, text: 'written by a flow' },
    });
    expect(await readFile(path, 'utf8')).toBe('written by a flow');
  });

  it('fails the step with the tool error outside the allowed directory', async () => {
    const dir = await tempDir();
    const outside = join(await tempDir(), 'note.txt');
    const run = await runCli(
      [
        'run',
        '--flow',
        'examples/mcp-filesystem/flow.yaml',
        '--input-json',
        JSON.stringify({ path: outside, text: 'x' }),
      ],
      { env: marked({ STEPFLOW_MCP_FS_ROOT: dir }) },
    );
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout) as { error: { message: string; data: unknown } };
    expect(output.error.message).toMatch(/Access denied - path outside allowed directories/);
    expect(output.error.data).toEqual({ tool: 'write_file' });
  });

  it('lists the server tools with list-components', async () => {
    const list = await runCli(['list-components'], { cwd: EXAMPLE, env: marked() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/Component: \/write_file \(plugin: fs\)/);
    expect(list.stdout).toMatch(/- \/fs\/read_text_file {2}\[pattern \/fs\/\{\*component\}\]/);
  });

  it('validates type: mcp configs as run does, naming the field at fault', async () => {
    const dir = await tempDir();
    const flow = join(dir, 'flow.yaml');
    await writeFile(
      flow,
      'schema: https://stepflow.org/schemas/v1/flow.json\nsteps: []\noutput: {}\n',
    );
    const config = async (plugin: string): Promise<string> => {
      const file = join(dir, 'stepflow-config.yml');
      await writeFile(
        file,
        `plugins:\n  remote:\n${plugin}\nroutes:\n  /remote/{*component}:\n    - plugin: remote\n`,
      );
      return file;
    };
    const ok = await runCli([
      'validate',
      '--flow',
      flow,
      '--config',
      await config('    type: mcp\n    transport: http\n    url: http://127.0.0.1:9/mcp'),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const noUrl = await runCli([
      'validate',
      '--flow',
      flow,
      '--config',
      await config('    type: mcp\n    transport: http'),
    ]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/plugins\.remote\.url/);
    const typo = await runCli([
      'validate',
      '--flow',
      flow,
      '--config',
      await config('    type: mcp\n    transport: htp\n    url: http://127.0.0.1:9/mcp'),
    ]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown transport 'htp' \(did you mean 'http'\?/);
    const mode = await runCli([
      'validate',
      '--flow',
      flow,
      '--config',
      await config('    type: mcp\n    command: node\n    output: structure'),
    ]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/plugins\.remote\.output/);
  });

  it('reports a server command that cannot start once, clearly', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'stepflow-config.yml'),
      'plugins:\n  gone:\n    type: mcp\n    command: no-such-mcp-server\nroutes:\n  /gone/{*component}:\n    - plugin: gone\n',
    );
    await writeFile(
      join(dir, 'flow.yaml'),
      'schema: https://stepflow.org/schemas/v1/flow.json\nsteps:\n  - { id: a, component: /gone/x, input: {} }\n  - { id: b, component: /gone/y, input: {} }\noutput: [{ $from: { step: a } }, { $from: { step: b } }]\n',
    );
    const run = await runCli(['run', '--flow', 'flow.yaml', '--input-json', '{}'], {
      cwd: dir,
      env: marked(),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /MCP server plugin 'gone' \(no-such-mcp-server\) could not be started and is marked dead: .*ENOENT/,
    );
    expect(run.stderr.match(/marked dead/g) ?? []).toHaveLength(1);
  });
});
