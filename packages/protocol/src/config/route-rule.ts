import { z } from 'zod';
import { JsonValueSchema } from '../json-value.ts';

/** Schema for a route condition: the value at `path` in the resolved step input must equal `value`. */
export const RouteConditionSchema = z.looseObject({
  /** JSON path into the step input (same grammar as references). */
  path: z.string(),
  /** The value it must equal (JSON equality). */
  value: JsonValueSchema,
});

/** A route condition. */
export type RouteCondition = z.infer<typeof RouteConditionSchema>;

/**
 * Schema for one routing rule of a path pattern: send matching components to `plugin`.
 * Rules of a pattern are tried in order; the first whose conditions and allow/deny lists pass wins.
 */
export const RouteRuleSchema = z.looseObject({
  /** Name of the plugin (a key of `plugins`). */
  plugin: z.string(),
  /** All must hold for the rule to apply. */
  conditions: z.array(RouteConditionSchema).optional(),
  /** If set, only these resolved component names pass. */
  componentAllow: z.array(z.string()).optional(),
  /** Resolved component names that never pass. */
  componentDeny: z.array(z.string()).optional(),
  /** Template for the resolved name, e.g. `/{component}`; default `/` + the `component` parameter. */
  component: z.string().optional(),
});

/** One routing rule. */
export type RouteRule = z.infer<typeof RouteRuleSchema>;
