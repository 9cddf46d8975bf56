import { stringify } from 'yaml';
import type { DataFormat } from './data-file.ts';

/** Serialises a value as compact JSON or block YAML, always ending with a newline. */
export function formatData(value: unknown, format: DataFormat): string {
  if (format === 'json') return `${JSON.stringify(value)}\n`;
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
