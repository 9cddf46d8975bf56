import { defineConfig } from 'vitest/config';

/** Shared vitest defaults: node environment, generous timeouts for real child processes. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
