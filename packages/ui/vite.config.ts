import { defineConfig } from 'vite';

// A single page served by `stepflow serve` at `/`: relative asset URLs, everything bundled (no
// CDN), no inline scripts so the service's Content-Security-Policy can forbid them.
export default defineConfig({
  root: 'app',
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/app',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
