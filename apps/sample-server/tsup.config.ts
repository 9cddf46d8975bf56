import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.ts';

export default defineConfig(packageBuild({ main: 'src/main.ts', index: 'src/index.ts' }));
