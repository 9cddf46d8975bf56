import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.ts';

// The command is bundled with its dependencies: resolving and loading hundreds of small modules
// (zod, ajv, yaml, …) took most of its start-up time. Chunks are split so each command loads
// only its own code. The network transports stay separate packages, imported only when a
// plugin connects to a server (they bring undici and ws), and `@stepflow/otel` (the
// OpenTelemetry SDK and exporters) only when export is turned on. The database drivers stay
// external too: better-sqlite3 is a native addon and pg loads optional modules, so both are
// dependencies.
export default defineConfig({
  ...packageBuild({ cli: 'src/cli.ts' }),
  dts: false,
  splitting: true,
  noExternal: [/^(?!@stepflow\/(?:transport-(?:http|ws)|otel)$|better-sqlite3$|pg$)/],
  // Bundled CommonJS dependencies call `require` for Node's built-in modules.
  banner: {
    js: "import { createRequire as __stepflowCreateRequire } from 'node:module';\nconst require = __stepflowCreateRequire(import.meta.url);",
  },
});
