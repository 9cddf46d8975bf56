import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.ts';

export default defineConfig(packageBuild({ index: 'src/index.ts' }));
