import { Option } from 'commander';
import { formatData } from '../../internal/json-text.ts';

/** How a `runs` command prints: a table for people, or data for programs. */
export type RunsOutputFormat = 'pretty' | 'json' | 'yaml';

/** The `--format` option of the `runs` commands. */
export function formatOption(defaultFormat: RunsOutputFormat = 'pretty'): Option {
  return new Option('--format <format>', 'output format')
    .choices(['pretty', 'json', 'yaml'])
    .default(defaultFormat);
}

/** `value` as JSON or YAML; `pretty` is the caller's own rendering. */
export function formatRunsData(value: unknown, format: 'json' | 'yaml'): string {
  return formatData(value, format);
}

/** A store time (ms since the epoch) as ISO text, or `-`. */
export function timeText(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

/** Rows as aligned columns (the last column is not padded). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows
    .map(
      (row) =>
        row
          .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('');
}
