// Start-up of the `stepflow` command as whole processes: `stepflow --help` and a builtin-only
// `stepflow run` of examples/hello, against bare `node -e 0`, spawned in alternation so a busy
// machine slows all three alike. The ratios are what matter; the goals: --help ≤ 2×, run ≤ 3×.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.ts';

const CLI = fileURLToPath(new URL('../../apps/stepflow/dist/cli.js', import.meta.url));
const HELLO = fileURLToPath(new URL('../../examples/hello/flow.yaml', import.meta.url));
const ROUNDS = 21;

const COMMANDS = {
  node: ['-e', '0'],
  help: [CLI, '--help'],
  run: [CLI, 'run', '--flow', HELLO, '--input-json', '{"name":"Ada"}'],
} as const;
type CommandName = keyof typeof COMMANDS;

/** Wall time of one process from spawn to exit, in milliseconds. */
function wallTime(name: CommandName): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, COMMANDS[name], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const elapsed = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`${name} exited with ${child.status ?? child.signal}: ${child.stderr}`);
  }
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function startupBench(): Promise<BenchRow[]> {
  const names = Object.keys(COMMANDS) as CommandName[];
  // One unmeasured round fills the file cache (and, on Node 22+, the compile cache).
  for (const name of names) wallTime(name);
  const times: Record<CommandName, number[]> = { node: [], help: [], run: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) times[name].push(wallTime(name));
  }
  const node = median(times.node);
  const help = median(times.help);
  const run = median(times.run);
  const note = `median of ${ROUNDS}, alternating, ${process.version}`;
  return [
    { name: 'node -e 0', value: node, unit: 'ms', note },
    { name: 'stepflow --help', value: help, unit: 'ms', note },
    { name: 'stepflow run (hello, builtins only)', value: run, unit: 'ms', note },
    { name: 'stepflow --help / node -e 0', value: help / node, unit: 'x', note: 'goal ≤ 2' },
    { name: 'stepflow run / node -e 0', value: run / node, unit: 'x', note: 'goal ≤ 3' },
  ];
}
