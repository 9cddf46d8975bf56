import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../tooling/vitest.shared.ts';

// Every test starts real MCP servers (node processes that load the SDK): a loaded machine can
// take seconds per start.
export default mergeConfig(
  shared,
  defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } }),
);
