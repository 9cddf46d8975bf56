import { defineConfig } from 'vitest/config';

/** Cross-package tests: real processes, so generous timeouts; files run in parallel workers. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
