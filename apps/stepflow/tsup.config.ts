import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.ts';
import { workspaceSources } from './build/workspace-sources.ts';

// zod re-exports every message locale (about 360 KB of the bundle, a fifth of what `stepflow run`
// parses at start) though only English is ever configured; the bundle keeps English alone.
const englishZodLocaleOnly: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'english-zod-locale-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/zod/')
        ? { path: args.importer, namespace: 'zod-locales', pluginData: args.resolveDir }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: args.pluginData as string,
      loader: 'js',
    }));
  },
};

// The command is bundled with its dependencies: resolving and loading hundreds of small modules
// (zod, ajv, yaml, …) took most of its start-up time. Chunks are split so each command loads
// only its own code. The network transports stay separate packages, imported only when a
// plugin connects to a server (they bring undici and ws), and `@stepflow/otel` (the
// OpenTelemetry SDK and exporters) only when export is turned on. The database drivers stay
// external too: better-sqlite3 is a native addon and pg loads optional modules, so both are
// dependencies. `@stepflow/ui` stays external: it names its static files by its own location.
export default defineConfig({
  ...packageBuild({ cli: 'src/cli.ts' }),
  dts: false,
  splitting: true,
  esbuildPlugins: [workspaceSources(), englishZodLocaleOnly],
  // Whitespace and syntax only: names stay, so stack traces stay readable; V8 parses a third less.
  esbuildOptions(options) {
    options.minifyWhitespace = true;
    options.minifySyntax = true;
  },
  noExternal: [/^(?!@stepflow\/(?:transport-(?:http|ws)|otel|ui)$|better-sqlite3$|pg$)/],
  // Bundled CommonJS dependencies call `require` for Node's built-in modules.
  banner: {
    js: "import { createRequire as __stepflowCreateRequire } from 'node:module';\nconst require = __stepflowCreateRequire(import.meta.url);",
  },
});
