import { z } from 'zod';

/**
 * A string map for environment variables and headers. YAML turns `PORT: 8080` into a number, so
 * scalar values are accepted and converted to strings.
 */
export const EnvMapSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value)),
);
