// Runs every `src/*.bench.ts` (each default-exports a `Bench`) and prints one table.
// `pnpm bench [filter…]` runs only the files whose name contains one of the filters.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchRow } from './bench-row.ts';

interface TableRow extends BenchRow {
  readonly bench: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((arg) => arg !== '--');
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

const rows: TableRow[] = [];
let failed = false;
for (const file of files) {
  const bench = basename(file, '.bench.ts');
  process.stderr.write(`running ${file}…\n`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as { default?: Bench };
    if (typeof module.default !== 'function') {
      throw new Error(`${file} must default-export an async function returning BenchRow[]`);
    }
    for (const row of await module.default()) rows.push({ bench, ...row });
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? error.message : String(error);
    rows.push({ bench, name: 'FAILED', value: Number.NaN, unit: '', note: message });
  }
  process.stderr.write(`  ${file} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

printTable(rows);
if (failed) process.exitCode = 1;

function formatValue(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function printTable(table: TableRow[]): void {
  const header = ['bench', 'measure', 'value', 'unit', 'note'];
  const cells = table.map((r) => [r.bench, r.name, formatValue(r.value), r.unit, r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  const out = [
    line(header),
    `|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
  ];
  for (const c of cells) out.push(line(c));
  process.stdout.write(`${out.join('\n')}\n`);
}
