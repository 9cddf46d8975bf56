import type { Options } from 'tsup';

/** The one tsup setup every package builds with: ESM, `.d.ts`, Node 20, source maps. */
export function packageBuild(entry: Record<string, string> | string[] = ['src/index.ts']): Options {
  return {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
  };
}
