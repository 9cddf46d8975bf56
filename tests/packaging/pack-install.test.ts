// Packs every public package as it would be published, installs the tarballs with plain npm into
// an empty project, and uses them there as a stranger would: the SDK for a component server,
// the `stepflow` bin for a flow, every entry point through the exports maps, types included.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKER_VARIABLE, processesWithMarker } from '../component-server/harness.ts';
import {
  cleanEnv,
  pnpmCommand,
  publicPackages,
  ROOT,
  run,
  type Completed,
  type Manifest,
} from './workspace.ts';

/** Packing, npm install (a native addon's build included) and a type-check on a shared two-core machine: be generous. */
const SETUP_TIMEOUT = 480_000;
const TEST_TIMEOUT = 120_000;

const packages = publicPackages();
const marker = randomUUID();
const env = cleanEnv({ [MARKER_VARIABLE]: marker });

let workDir = '';
let project = '';
/** What `pnpm pack --json` reported for each package, by name. */
const packed = new Map<string, { filename: string; files: string[] }>();

function succeeded(completed: Completed, what: string): Completed {
  if (completed.code !== 0) {
    throw new Error(`${what} exited ${completed.code ?? completed.signal}:\n${completed.stderr}`);
  }
  return completed;
}

/** The installed copy of a package's manifest. */
function installedManifest(name: string): Manifest {
  return JSON.parse(
    readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'),
  ) as Manifest;
}

/** `name` and `name/sub` for every exports key of a package. */
function entryPoints(manifest: Manifest): string[] {
  return Object.keys(manifest.exports ?? {}).map((key) =>
    key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
  );
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'stepflow-pack-'));
  const tarballs = join(workDir, 'tarballs');
  project = join(workDir, 'project');
  await mkdir(project);

  // The build ran before this test (turbo's dependsOn); prepack would rebuild dist/ under the
  // feet of other tests running in parallel, so scripts stay off here.
  const [command, prefix] = pnpmCommand();
  const filters = packages.flatMap(({ manifest }) => ['--filter', manifest.name]);
  const pack = succeeded(
    await run(
      command,
      [
        ...prefix,
        ...filters,
        '--config.ignore-scripts=true',
        'pack',
        '--pack-destination',
        tarballs,
        '--json',
      ],
      { cwd: ROOT, env },
    ),
    'pnpm pack',
  );
  const reports = JSON.parse(pack.stdout) as
    | { name: string; filename: string; files: { path: string }[] }[]
    | { name: string; filename: string; files: { path: string }[] };
  for (const report of Array.isArray(reports) ? reports : [reports]) {
    packed.set(report.name, {
      filename: report.filename,
      files: report.files.map(({ path }) => path),
    });
  }

  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  const files = [...packed.values()].map(({ filename }) => filename);
  succeeded(
    await run(
      'npm',
      ['install', ...files, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      { cwd: project, env },
    ),
    'npm install',
  );
}, SETUP_TIMEOUT);

afterAll(async () => {
  expect(await processesWithMarker(marker)).toEqual([]);
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

describe('packed packages, installed with npm into an empty project', () => {
  it('packed every public package', () => {
    expect([...packed.keys()].sort()).toEqual(packages.map(({ manifest }) => manifest.name).sort());
    expect(packed.has('@stepflow/cli')).toBe(true);
    expect(packed.has('@stepflow/server-sdk')).toBe(true);
  });

  it.each(packages.map(({ manifest }) => [manifest.name, manifest] as const))(
    '%s: the tarball holds the license, the readme and every file its manifest points at',
    (name, source) => {
      // pack drops the lifecycle scripts from the manifest it ships: read those from the source.
      expect(source.scripts?.prepack, 'a prepack script builds the package').toBeDefined();
      const manifest = installedManifest(name);
      const files = new Set(packed.get(name)!.files);
      expect(files).toContain('LICENSE');
      expect(files).toContain('README.md');
      expect(readFileSync(join(project, 'node_modules', name, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
      );
      expect(manifest.license).toBe('Apache-2.0');
      expect(manifest.engines?.node).toBe(readManifestEngines());

      const targets = [
        ...Object.values(manifest.bin ?? {}),
        ...(manifest.main === undefined ? [] : [manifest.main]),
        ...(manifest.types === undefined ? [] : [manifest.types]),
        ...Object.values(manifest.exports ?? {}).flatMap((target) =>
          typeof target === 'string' ? [target] : Object.values(target),
        ),
      ];
      for (const target of targets) expect(files, target).toContain(target.replace(/^\.\//, ''));
      expect(Object.keys(manifest.exports ?? {})).toContain('./package.json');
      for (const [key, target] of Object.entries(manifest.exports ?? {})) {
        // TypeScript reads conditions in order: `types` has to come first to be seen.
        if (typeof target !== 'string') expect(Object.keys(target)[0], key).toBe('types');
      }
    },
  );

  it('rewrote every workspace dependency to a real version range', () => {
    for (const name of packed.keys()) {
      const { dependencies = {} } = installedManifest(name);
      for (const [dependency, range] of Object.entries(dependencies)) {
        expect(range, `${name} → ${dependency}`).not.toMatch(/^workspace:/);
      }
    }
  });

  it(
    'every entry point resolves through the exports map, and every main entry imports',
    async () => {
      const entries = packages.flatMap(({ manifest }) => entryPoints(manifest));
      const mains = packages
        .filter(({ manifest }) => manifest.exports?.['.'] !== undefined)
        .map(({ manifest }) => manifest.name);
      const script = `
        for (const entry of ${JSON.stringify(entries)}) import.meta.resolve(entry);
        for (const entry of ${JSON.stringify(mains)}) await import(entry);
        console.log(${entries.length});
      `;
      await writeFile(join(project, 'entries.mjs'), script);
      const completed = succeeded(
        await run(process.execPath, ['entries.mjs'], { cwd: project, env }),
        'importing the entry points',
      );
      expect(JSON.parse(completed.stdout)).toBe(entries.length);
    },
    TEST_TIMEOUT,
  );

  it(
    'the shipped types check in a strict NodeNext project',
    async () => {
      const entries = packages
        .flatMap(({ manifest }) => entryPoints(manifest))
        .filter((entry) => !entry.endsWith('.json'));
      const source = [
        ...entries.map((entry, index) => `import * as entry${index} from '${entry}';`),
        `import { createComponentServer, type ComponentServer } from '@stepflow/server-sdk';`,
        `const server: ComponentServer = createComponentServer({ name: 'typed', version: '1.0.0' });`,
        `export const all = [server, ${entries.map((_, index) => `entry${index}`).join(', ')}];`,
      ].join('\n');
      await writeFile(join(project, 'consumer.ts'), `${source}\n`);
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            // A consumer brings its own @types/node; this one borrows the workspace's.
            typeRoots: [join(ROOT, 'node_modules/@types')],
            types: ['node'],
          },
          files: ['consumer.ts'],
        }),
      );
      // skipLibCheck keeps this fast (zod's and undici's types are big), but would also hide a
      // shipped .d.ts importing something not installed; the resolution trace shows those.
      const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
      const completed = await run(
        process.execPath,
        [tsc, '-p', 'tsconfig.json', '--traceResolution'],
        { cwd: project, env },
      );
      const lines = completed.stdout.split('\n');
      const diagnostics = lines.filter((line) => /error TS\d+/.test(line));
      expect(diagnostics.join('\n') + completed.stderr).toBe('');
      expect(completed.code).toBe(0);
      expect(unresolvedFromStepflowPackages(lines)).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'runs a flow through the installed stepflow bin and a server written against the installed SDK',
    async () => {
      await writeFile(
        join(project, 'greeter-server.mjs'),
        `import { createComponentServer, serveStdio } from '@stepflow/server-sdk';

const server = createComponentServer({ name: 'greeter', version: '1.0.0' });
server.component(
  'greet',
  { input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
  async ({ name }, context) => {
    const blobId = await context.putBlob({ greeted: name });
    return { text: \`Hello, \${name}!\`, blobId };
  },
);
await serveStdio(server);
`,
      );
      // JSON is YAML: the config and the flow are written as JSON.
      await writeFile(
        join(project, 'stepflow-config.yml'),
        JSON.stringify({
          plugins: {
            builtin: { type: 'builtin' },
            greeter: {
              type: 'stepflow',
              transport: 'stdio',
              command: process.execPath,
              args: ['greeter-server.mjs'],
              env: { [MARKER_VARIABLE]: marker },
            },
          },
          routes: {
            '/greeter/{*component}': [{ plugin: 'greeter' }],
            '/builtin/{*component}': [{ plugin: 'builtin' }],
          },
        }),
      );
      await writeFile(
        join(project, 'flow.yaml'),
        JSON.stringify({
          schema: 'https://stepflow.org/schemas/v1/flow.json',
          name: 'packed',
          steps: [
            {
              id: 'hello',
              component: '/greeter/greet',
              input: { name: { $from: { workflow: 'input' }, path: 'name' } },
            },
            {
              id: 'stored',
              component: '/builtin/get_blob',
              input: { blob_id: { $from: { step: 'hello' }, path: 'blobId' } },
            },
          ],
          output: {
            greeting: { $from: { step: 'hello' }, path: 'text' },
            stored: { $from: { step: 'stored' } },
          },
        }),
      );

      const bin = join(project, 'node_modules/.bin/stepflow');
      expect(existsSync(bin)).toBe(true);
      const completed = await run(
        bin,
        ['run', '--flow', 'flow.yaml', '--input-json', '{"name":"Ada"}'],
        { cwd: project, env },
      );
      expect(completed.code, completed.stderr).toBe(0);
      expect(JSON.parse(completed.stdout)).toEqual({
        outcome: 'success',
        result: { greeting: 'Hello, Ada!', stored: { data: { greeted: 'Ada' } } },
      });
      expect(await processesWithMarker(marker)).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});

/** The Node range the root package.json declares; every package declares the same. */
function readManifestEngines(): string | undefined {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest).engines?.node;
}

/**
 * `module ← importing file` for every import tsc could not resolve from a `@stepflow/*` file.
 * Node's own modules are declared ambiently by @types/node, so they count as found.
 */
function unresolvedFromStepflowPackages(trace: readonly string[]): string[] {
  const unresolved: string[] = [];
  let importer = '';
  for (const line of trace) {
    const resolving =
      /^======== Resolving (?:module '[^']+' from|type reference directive '[^']+', containing file) '([^']+)'/.exec(
        line,
      );
    if (resolving !== null) importer = resolving[1]!;
    const failed =
      /^======== (?:Module name|Type reference directive) '([^']+)' was not resolved/.exec(line);
    const builtin =
      failed !== null && (failed[1]!.startsWith('node:') || builtinModules.includes(failed[1]!));
    if (failed !== null && !builtin && importer.includes('/node_modules/@stepflow/')) {
      unresolved.push(`${failed[1]} ← ${importer}`);
    }
  }
  return unresolved;
}
