import { z } from 'zod';
import { PluginConfigSchema } from './plugin-config.ts';
import { RouteRuleSchema } from './route-rule.ts';
import { StateStoreConfigSchema } from './state-store-config.ts';

/**
 * Schema for a Stepflow config file (`stepflow-config.yml`, camelCase canonical; run
 * `normalizeConfigAliases` first to accept snake_case spellings). Unknown keys are kept.
 */
export const StepflowConfigSchema = z.looseObject({
  /** Base directory for plugins and `load_file` (default: the config file's directory). */
  workingDirectory: z.string().optional(),
  /** Plugins by name, in declaration order. */
  plugins: z.record(z.string(), PluginConfigSchema).default({}),
  /**
   * Path patterns (`/python/{*component}`) to ordered rules. Absent means the default routes
   * (`/builtin/{*component}` and `/{*component}` to the builtin plugin).
   */
  routes: z.record(z.string(), z.array(RouteRuleSchema)).optional(),
  /** Where state is kept (absent: the command's default). */
  stateStore: StateStoreConfigSchema.optional(),
});

/** A parsed Stepflow config. */
export type StepflowConfig = z.infer<typeof StepflowConfigSchema>;
