// Parse time of large YAML documents: one mapping of 100,000 keys (≈1.6 MB) and of 40,000, whose
// ratio shows the parse is linear (the parser's own duplicate-key check made it quadratic).
import { parseDocumentText } from '@stepflow/runtime';
import type { BenchRow } from './bench-row.ts';

const ROUNDS = 3;

function mapping(keys: number): string {
  const lines: string[] = [];
  for (let i = 0; i < keys; i++) lines.push(`key${i}: ${i}`);
  return `${lines.join('\n')}\n`;
}

function medianParseMs(text: string): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    parseDocumentText(text, 'yaml');
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

/** Parse time of a 40,000- and a 100,000-key mapping, and their ratio (2.5 when linear). */
export default async function yamlBench(): Promise<BenchRow[]> {
  medianParseMs(mapping(1_000));
  const small = medianParseMs(mapping(40_000));
  const large = medianParseMs(mapping(100_000));
  return [
    {
      name: 'YAML parse, 40,000-key mapping',
      value: Math.round(small),
      unit: 'ms',
      note: `median of ${ROUNDS}`,
    },
    {
      name: 'YAML parse, 100,000-key mapping',
      value: Math.round(large),
      unit: 'ms',
      note: `median of ${ROUNDS}; was minutes (quadratic)`,
    },
    {
      name: 'YAML parse, 100k / 40k keys',
      value: Number((large / small).toFixed(2)),
      unit: 'x',
      note: 'linear ≈ 2.5, quadratic ≈ 6.25',
    },
  ];
}
