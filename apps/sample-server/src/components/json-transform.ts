import { ComponentError, type ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

/** Input of `/json_transform`. */
export const JsonTransformInputSchema = z.object({
  data: z.unknown().describe('The JSON value to read from'),
  mapping: z
    .record(z.string(), z.string())
    .describe(
      'Output field → path into `data`, e.g. { "name": "user.name", "first": "items[0].id" }',
    ),
  defaults: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Values for output fields whose path is missing'),
});

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Reads `path` (`a.b[0].c`) from `data`; `undefined` when any part is missing. */
export function readPath(data: unknown, path: string): unknown {
  let current = data;
  for (const match of path.matchAll(SEGMENT)) {
    const key = match[2] !== undefined ? Number(match[2]) : match[1]!;
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Registers `/json_transform`: builds a new object from paths into the input data. */
export function addJsonTransform(server: ComponentServer): void {
  server.component(
    'json_transform',
    {
      description: 'Builds a new object by picking values out of JSON data by path (a.b[0].c)',
      input: JsonTransformInputSchema,
      output: z.record(z.string(), z.unknown()),
    },
    ({ data, mapping, defaults }) => {
      const result: Record<string, unknown> = {};
      const missing: string[] = [];
      for (const [field, path] of Object.entries(mapping)) {
        const value = readPath(data, path);
        if (value !== undefined) result[field] = value;
        else if (field in defaults) result[field] = defaults[field];
        else missing.push(`${field} (${path})`);
      }
      if (missing.length > 0) {
        throw new ComponentError(422, `json_transform: no value at ${missing.join(', ')}`, {
          missing,
        });
      }
      return result;
    },
  );
}
