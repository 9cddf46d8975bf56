import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultConfig,
  discoverConfigFile,
  loadConfig,
  resolveConfig,
  substituteEnv,
} from '../index.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stepflow-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectConfigError(
  promise: Promise<unknown>,
  file: string | undefined,
  field: string | undefined,
  message: string,
): Promise<void> {
  const error = await promise.catch((e: unknown) => e);
  expect(ConfigError.isInstance(error)).toBe(true);
  expect((error as ConfigError).file).toBe(file);
  expect((error as ConfigError).field).toBe(field);
  expect((error as Error).message).toContain(message);
}

describe('discovery (§4.1)', () => {
  it('prefers the flow directory, then cwd', async () => {
    const flowDir = join(dir, 'flows');
    await mkdir(flowDir);
    await writeFile(join(dir, 'stepflow-config.yml'), 'plugins: {}\nroutes: {}\n');
    expect(discoverConfigFile({ flowPath: join(flowDir, 'f.yaml'), cwd: dir })).toBe(
      join(dir, 'stepflow-config.yml'),
    );
    await writeFile(join(flowDir, 'stepflow_config.yaml'), 'plugins: {}\nroutes: {}\n');
    expect(discoverConfigFile({ flowPath: join(flowDir, 'f.yaml'), cwd: dir })).toBe(
      join(flowDir, 'stepflow_config.yaml'),
    );
  });

  it('rejects two config files in one directory', async () => {
    await writeFile(join(dir, 'stepflow-config.yml'), '');
    await writeFile(join(dir, 'stepflow-config.yaml'), '');
    expect(() => discoverConfigFile({ cwd: dir })).toThrow(
      'Multiple stepflow config files found in directory',
    );
  });

  it('without a file uses the builtins at /builtin/{*component} and /{*component} (DECISIONS 15)', async () => {
    const loaded = await loadConfig({ cwd: dir, flowPath: join(dir, 'sub', 'f.yaml') });
    expect(loaded.path).toBeUndefined();
    expect(loaded.config).toEqual({
      plugins: { builtin: { type: 'builtin' } },
      routes: {
        '/builtin/{*component}': [{ plugin: 'builtin' }],
        '/{*component}': [{ plugin: 'builtin' }],
      },
    });
    expect(loaded.workingDirectory).toBe(join(dir, 'sub'));
  });

  it('an explicit configPath wins; a missing one is an error naming it', async () => {
    await writeFile(join(dir, 'stepflow-config.yml'), 'plugins: {}\nroutes: {}\n');
    await writeFile(join(dir, 'other.yml'), 'plugins: { b: { type: builtin } }\n');
    const loaded = await loadConfig({ cwd: dir, configPath: 'other.yml' });
    expect(loaded.path).toBe(join(dir, 'other.yml'));
    expect(Object.keys(loaded.config.routes ?? {})).toEqual([
      '/builtin/{*component}',
      '/{*component}',
    ]);
    await expectConfigError(
      loadConfig({ cwd: dir, configPath: 'missing.yml' }),
      join(dir, 'missing.yml'),
      undefined,
      'config file not found',
    );
  });
});

describe('working directory (§4.6)', () => {
  it('is workingDirectory relative to the config file, else the config directory', async () => {
    const sub = join(dir, 'conf');
    await mkdir(sub);
    await writeFile(join(sub, 'a.yml'), 'workingDirectory: ../work\nplugins: {}\nroutes: {}\n');
    await writeFile(join(sub, 'b.yml'), 'plugins: {}\nroutes: {}\n');
    expect((await loadConfig({ configPath: join(sub, 'a.yml') })).workingDirectory).toBe(
      join(dir, 'work'),
    );
    expect((await loadConfig({ configPath: join(sub, 'b.yml') })).workingDirectory).toBe(sub);
    expect((await loadConfig({ cwd: dir })).workingDirectory).toBe(dir);
  });
});

describe('errors name the file and field', () => {
  it('a bad plugin type', async () => {
    const path = join(dir, 'stepflow-config.yml');
    await writeFile(path, 'plugins:\n  p: { type: teleport }\nroutes: {}\n');
    await expectConfigError(
      loadConfig({ cwd: dir }),
      path,
      'plugins.p.type',
      "unknown plugin type 'teleport' (known: builtin, stepflow, mcp, mock)",
    );
  });

  it('a missing required field', async () => {
    const path = join(dir, 'stepflow-config.yml');
    await writeFile(path, 'plugins:\n  py: { type: stepflow, transport: stdio }\nroutes: {}\n');
    await expectConfigError(
      loadConfig({ cwd: dir }),
      path,
      'plugins.py.command',
      'plugins.py.command',
    );
    // The field is named once, and a missing one is called missing.
    await expect(loadConfig({ cwd: dir })).rejects.toThrow(
      new RegExp(`^${path}: plugins\\.py\\.command: missing \\(expected a string\\)$`),
    );
  });

  it('a misspelt key or plugin type, with a did-you-mean', async () => {
    const path = join(dir, 'stepflow-config.yml');
    const cases: [string, string, string][] = [
      [
        'plugins:\n  greeter: { type: stepflow, transport: stdio, comand: node }\n',
        'plugins.greeter.comand',
        "unknown key 'comand' (did you mean 'command'?)",
      ],
      [
        'plugins:\n  b: { type: bultin }\n',
        'plugins.b.type',
        "unknown plugin type 'bultin' (did you mean 'builtin'? known: builtin, stepflow, mcp, mock)",
      ],
      [
        'plugins:\n  s: { type: stepflow, transport: stdoi, command: x }\n',
        'plugins.s.transport',
        "unknown transport 'stdoi' (did you mean 'stdio'? known: stdio, http, websocket)",
      ],
      [
        'plugins:\n  b: { type: builtin, allowed_paths: [data] }\n',
        'plugins.b.allowed_paths',
        "unknown key 'allowed_paths' (did you mean 'allowedPaths'?)",
      ],
      [
        'plugins:\n  m: { type: mock, components: { /x: { behaviours: {} } } }\n',
        'plugins.m.components./x.behaviours',
        "unknown key 'behaviours' (did you mean 'behaviors'?)",
      ],
      [
        'plugins: { b: { type: builtin } }\nroutes:\n  "/{*component}": [{ plugn: b }]\n',
        'routes./{*component}[0].plugn',
        "unknown key 'plugn' (did you mean 'plugin'?)",
      ],
      ['plugns: {}\n', 'plugns', "unknown key 'plugns' (did you mean 'plugins'?)"],
    ];
    for (const [text, field, message] of cases) {
      await writeFile(path, text);
      await expect(loadConfig({ cwd: dir })).rejects.toThrow(`${path}: ${field}: ${message}`);
    }
  });

  it('a route to an unknown plugin', async () => {
    const path = join(dir, 'stepflow-config.yml');
    await writeFile(path, 'plugins: {}\nroutes:\n  "/{*component}": [{ plugin: nope }]\n');
    await expectConfigError(
      loadConfig({ cwd: dir }),
      path,
      'routes./{*component}[0].plugin',
      "unknown plugin 'nope'",
    );
  });

  it('a YAML syntax error with its line', async () => {
    const path = join(dir, 'stepflow-config.yml');
    await writeFile(path, 'plugins: {}\nroutes: [\n');
    await expectConfigError(loadConfig({ cwd: dir }), path, undefined, 'line ');
  });

  it('a config that is not an object', () => {
    expect(() => resolveConfig([1], { baseDirectory: dir, file: 'c.yml' })).toThrow(
      'c.yml: a config must be a YAML/JSON object',
    );
  });
});

describe('aliases and unknown keys', () => {
  it('accepts snake_case aliases and warns', () => {
    const loaded = resolveConfig(
      {
        state_store: { type: 'inMemory' },
        working_directory: 'w',
        plugins: { b: { type: 'builtin' } },
        routes: { '/{*component}': [{ plugin: 'b', component_deny: ['/openai'] }] },
        extras: {},
        plugins_note: 'x',
      },
      { baseDirectory: dir },
    );
    expect(loaded.config.stateStore).toEqual({ type: 'inMemory' });
    expect(loaded.workingDirectory).toBe(join(dir, 'w'));
    expect(loaded.config.routes?.['/{*component}']?.[0]).toMatchObject({
      componentDeny: ['/openai'],
    });
    expect(loaded.warnings).toEqual([
      "state_store: 'state_store' is an alias: write 'stateStore'",
      "working_directory: 'working_directory' is an alias: write 'workingDirectory'",
      "routes./{*component}[0].component_deny: 'component_deny' is an alias: write 'componentDeny'",
      "unknown config key 'extras'; it is ignored",
      "unknown config key 'plugins_note'; it is ignored",
    ]);
  });
});

describe('environment substitution (DECISIONS 16)', () => {
  const env = { HOME: '/home/ada', EMPTY: '', TOKEN: 's3cret' };

  it.each([
    ['$HOME/x', '/home/ada/x'],
    ['${HOME}', '/home/ada'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${MISSING:fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY:fallback}', ''],
    ['${MISSING:-}', ''],
    ['cost: $$5', 'cost: $5'],
    ['plain', 'plain'],
  ])('%s → %s', (text, expected) => {
    expect(substituteEnv(text, env)).toBe(expected);
  });

  it('applies to command, args, env, url and headers, never to other fields', () => {
    const loaded = resolveConfig(
      {
        plugins: {
          py: {
            type: 'stepflow',
            transport: 'stdio',
            command: '${HOME}/bin/py',
            args: ['--token', '$TOKEN'],
            env: { A: '${TOKEN}' },
            cwd: '$HOME',
          },
          web: {
            type: 'stepflow',
            transport: 'http',
            url: 'http://${HOST:-127.0.0.1}:8080',
            headers: { authorization: 'Bearer ${TOKEN}' },
          },
        },
        routes: { '/{*component}': [{ plugin: 'py' }] },
      },
      { baseDirectory: dir, env },
    );
    expect(loaded.config.plugins.py).toMatchObject({
      command: '/home/ada/bin/py',
      args: ['--token', 's3cret'],
      env: { A: 's3cret' },
      cwd: '$HOME',
    });
    expect(loaded.config.plugins.web).toMatchObject({
      url: 'http://127.0.0.1:8080',
      headers: { authorization: 'Bearer s3cret' },
    });
  });

  it('an unset variable without default is a config error naming it and the field', () => {
    try {
      resolveConfig(
        {
          plugins: {
            py: { type: 'stepflow', transport: 'stdio', command: 'py', args: ['ok', '${NOPE}'] },
          },
          routes: {},
        },
        { baseDirectory: dir, env, file: 'cfg.yml' },
      );
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe('plugins.py.args[1]');
      expect((error as Error).message).toBe(
        "cfg.yml: plugins.py.args[1]: environment variable 'NOPE' is not set and has no default",
      );
    }
  });
});

describe('the default config', () => {
  it('resolves without a file exactly as the schema-checked defaults would', async () => {
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded).toEqual(resolveConfig(defaultConfig(), { baseDirectory: dir, env: {} }));
    expect(loaded.path).toBeUndefined();
    expect(Object.keys(loaded.config.routes ?? {})).toEqual([
      '/builtin/{*component}',
      '/{*component}',
    ]);
  });
});
