import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];
type PluginBuild = Parameters<Plugin['setup']>[0];

// The command is bundled from the workspace packages' sources, not their one-file `dist` builds,
// and each `import { … } from '@stepflow/<package>'` is pointed at the files that define the
// names. esbuild splits chunks by which files each command reaches, and through a package's
// index every command would reach every file of it: `stepflow run` loaded zod, the protocol's
// schemas, the state stores and the component-server plugin though a builtin-only run uses
// none of them. (Next.js's `optimizePackageImports` does the same for barrel files.)

const SPECIFIER = /^@stepflow\//;
/** `import { a, b as c, type d } from '@stepflow/x'` (not `import type`), over several lines. */
const NAMED_IMPORT = /import\s*\{([^}]*)\}\s*from\s*'(@stepflow\/[^']+)';/g;
/** `export { a, b as c } from './file.ts';` in an index (`export type` lines are skipped). */
const RE_EXPORT = /export\s*\{([^}]*)\}\s*from\s*'([^']+)';/g;

interface Origin {
  readonly file: string;
  readonly name: string;
}

/** Maps a workspace package's built file to its source, when it has one. */
function sourceOf(builtPath: string): string | undefined {
  const source = builtPath.replace(/\/dist\/([^/]+)\.js$/, '/src/$1.ts');
  return source !== builtPath && existsSync(source) ? source : undefined;
}

/** What each name an index re-exports is, and where it is defined. */
function readIndex(indexFile: string): Map<string, Origin> {
  const origins = new Map<string, Origin>();
  const text = readFileSync(indexFile, 'utf8');
  for (const match of text.matchAll(RE_EXPORT)) {
    if (/export\s+type\s*\{/.test(match[0])) continue;
    const file = resolve(dirname(indexFile), match[2]!);
    for (const spec of match[1]!.split(',')) {
      const parts = spec.trim().split(/\s+as\s+/);
      if (parts[0] === '' || parts[0]!.startsWith('type ')) continue;
      origins.set(parts[1] ?? parts[0]!, { file, name: parts[0]! });
    }
  }
  return origins;
}

/** Rewrites one file's named imports from workspace packages to the defining files. */
async function rewriteImports(
  build: PluginBuild,
  text: string,
  resolveDir: string,
  indexes: Map<string, Map<string, Origin> | undefined>,
): Promise<string> {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(NAMED_IMPORT)) {
    const specifier = match[2]!;
    if (!indexes.has(specifier)) {
      const resolved = await build.resolve(specifier, {
        kind: 'import-statement',
        resolveDir,
        pluginData: 'workspace-sources',
      });
      const source = resolved.external ? undefined : sourceOf(resolved.path);
      indexes.set(specifier, source === undefined ? undefined : readIndex(source));
    }
    const origins = indexes.get(specifier);
    if (origins === undefined) continue;
    const kept: string[] = [];
    const direct: string[] = [];
    for (const spec of match[1]!.split(',')) {
      const trimmed = spec.trim();
      if (trimmed === '' || trimmed.startsWith('type ')) continue;
      const [imported, local] = trimmed.split(/\s+as\s+/) as [string, string | undefined];
      const origin = origins.get(imported);
      if (origin === undefined) kept.push(trimmed);
      else direct.push(`import { ${origin.name} as ${local ?? imported} } from '${origin.file}';`);
    }
    if (kept.length > 0) direct.push(`import { ${kept.join(', ')} } from '${specifier}';`);
    out += text.slice(last, match.index) + direct.join(' ');
    last = match.index + match[0].length;
  }
  return out + text.slice(last);
}

/** The esbuild plugin: sources instead of builds, and imports past the packages' indexes. */
export function workspaceSources(): Plugin {
  return {
    name: 'workspace-sources',
    setup(build) {
      build.onResolve({ filter: SPECIFIER }, async (args) => {
        if (args.pluginData === 'workspace-sources') return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: 'workspace-sources',
        });
        if (resolved.errors.length > 0 || resolved.external) return resolved;
        const source = sourceOf(resolved.path);
        return source === undefined ? resolved : { path: source };
      });
      const indexes = new Map<string, Map<string, Origin> | undefined>();
      build.onLoad({ filter: /\/(?:packages|apps)\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const resolveDir = dirname(args.path);
        if (!text.includes("'@stepflow/")) return { contents: text, loader: 'ts', resolveDir };
        const contents = await rewriteImports(build, text, resolveDir, indexes);
        return { contents, loader: 'ts', resolveDir };
      });
    },
  };
}
