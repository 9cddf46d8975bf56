import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.ts';

export default defineConfig(packageBuild(['src/index.ts', 'src/testing.ts', 'src/flow-graph.ts']));
