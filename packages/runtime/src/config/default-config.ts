import type { StepflowConfig } from '@stepflow/protocol';

/** The routes used when none are configured (DECISIONS item 15): every path to the builtins. */
export function defaultRoutes(builtinPlugin: string): NonNullable<StepflowConfig['routes']> {
  return {
    '/builtin/{*component}': [{ plugin: builtinPlugin }],
    '/{*component}': [{ plugin: builtinPlugin }],
  };
}

/** The config used when there is no config file: the builtin plugin, routed at `/builtin/…` and `/…`. */
export function defaultConfig(): StepflowConfig {
  return { plugins: { builtin: { type: 'builtin' } }, routes: defaultRoutes('builtin') };
}
