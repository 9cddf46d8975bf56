import { readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { buildEditorFlowSchema } from './src/internal/editor-flow-schema.ts';
import { packageBuild } from '../../tooling/tsup.shared.ts';

export default defineConfig({
  ...packageBuild(['src/index.ts']),
  // Ship the editor JSON Schema for flow files as `@stepflow/protocol/flow.schema.json`.
  onSuccess: async () => {
    const reference = JSON.parse(readFileSync('schemas/flow.schema.json', 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      'dist/flow.schema.json',
      `${JSON.stringify(buildEditorFlowSchema(reference), null, 2)}\n`,
    );
  },
});
