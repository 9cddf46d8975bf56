import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.ts';

// The node entry only names where the app's static files are; `vite build` made them first, in
// dist/app, which `clean` must keep.
export default defineConfig({ ...packageBuild(['src/index.ts']), clean: false });
