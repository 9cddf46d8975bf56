import { parse } from 'yaml';

/** Largest flow document the page reads (the service's own limit is far larger). */
export const MAX_FLOW_CHARS = 4 * 1024 * 1024;

/**
 * Reads a flow document pasted or uploaded as JSON or YAML. Throws an error naming the line and
 * column at fault, or what else is wrong (size, not a mapping).
 */
export function parseFlowText(text: string): Record<string, unknown> {
  if (text.length > MAX_FLOW_CHARS)
    throw new Error(`The flow is ${text.length} characters; the limit is ${MAX_FLOW_CHARS}`);
  if (text.trim() === '') throw new Error('The flow is empty: paste or upload a flow document');
  let value: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both. Aliases are capped (billion laughs).
    value = parse(text, { maxAliasCount: 100, prettyErrors: true });
  } catch (error) {
    throw new Error(
      `The flow is not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('The flow must be a mapping (an object with `steps`)');
  return value as Record<string, unknown>;
}

/** Reads one JSON value per non-empty line (a batch's inputs); errors name the line. */
export function parseJsonLines(text: string): unknown[] {
  const values: unknown[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new Error(
        `Line ${index + 1}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
  return values;
}
