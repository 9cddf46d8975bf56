// The pieces of `pnpm check` (scripts/check.mjs): run each step with its output passed through,
// then end with a summary of what failed, so a failure never hides hundreds of lines up.
import { spawn } from 'node:child_process';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes terminal colour codes. */
export function stripAnsi(text) {
  return text.replace(ANSI, '');
}

/** At most this many detail lines per failed task (the full output is above the summary). */
const MAX_DETAILS = 10;

/**
 * What failed in the output of `turbo run … --continue`: every failed `<package>#<task>` with
 * the lines that say why (the `FAIL` lines of vitest for tests, error lines for other tasks).
 *
 * @param {string} output turbo's output (colours allowed)
 * @param {number} exitCode turbo's exit code
 * @returns {{ task: string, details: string[] }[]}
 */
export function turboFailures(output, exitCode) {
  const lines = stripAnsi(output).split(/\r?\n/);
  const failed = new Set();
  for (const line of lines) {
    // turbo's closing "Failed:    @scope/a#test, @scope/b#lint"
    const summary = /^\s*Failed:\s+(\S+#\S+(?:,\s*\S+#\S+)*)\s*$/.exec(line);
    if (summary) for (const task of summary[1].split(/,\s*/)) failed.add(task);
    // and each task's "ERROR  command (…) … exited (1)" (or "command finished with error")
    const task = /^(\S+#\S+):\s+(?:ERROR|WARNING)\s+command\b/.exec(line);
    if (task) failed.add(task[1]);
  }
  const result = [...failed].sort().map((task) => ({ task, details: detailsOf(task, lines) }));
  if (result.length === 0 && exitCode !== 0) {
    const last = lines.filter((line) => line.trim() !== '').slice(-MAX_DETAILS);
    result.push({ task: `turbo (exit code ${exitCode})`, details: last });
  }
  return result;
}

function detailsOf(task, lines) {
  const hash = task.lastIndexOf('#');
  const prefix = `${task.slice(0, hash)}:${task.slice(hash + 1)}: `;
  const own = lines
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
  const isError = task.endsWith('#test')
    ? (line) => /^\s*FAIL\s/.test(line)
    : (line) => /\berror\b|\bERR!/i.test(line) && !/ELIFECYCLE|^\s*✖/.test(line);
  const details = [];
  const seen = new Set();
  let file;
  for (const line of own) {
    // eslint names the file on a line of its own, then "  12:3  error  message  rule"
    if (/^\/\S+\.[cm]?[jt]sx?$/.test(line.trim())) file = line.trim();
    if (!isError(line)) continue;
    let detail = line.trim();
    if (file !== undefined && /^\d+:\d+\s+error\b/.test(detail)) detail = `${file}:${detail}`;
    if (seen.has(detail)) continue;
    seen.add(detail);
    details.push(detail);
  }
  if (details.length > MAX_DETAILS) {
    const more = details.length - MAX_DETAILS;
    details.length = MAX_DETAILS;
    details.push(`… and ${more} more above`);
  }
  return details;
}

/**
 * What `prettier --check` found: the files it would reformat (or its errors).
 *
 * @param {string} output prettier's output
 * @param {number} exitCode prettier's exit code
 * @returns {string[]} one line per file or error; empty when it passed
 */
export function prettierFailures(output, exitCode) {
  if (exitCode === 0) return [];
  const lines = stripAnsi(output)
    .split(/\r?\n/)
    .map((line) => /^\[(?:warn|error)\]\s+(.*)$/.exec(line)?.[1])
    .filter((line) => line !== undefined && !/^Code style issues/.test(line));
  return lines.length > 0 ? lines : [`prettier exited with code ${exitCode}`];
}

/**
 * The closing lines of `pnpm check`.
 *
 * @param {{ name: string, failures: { task: string, details: string[] }[] }[]} steps
 * @returns {string[]}
 */
export function summaryLines(steps) {
  const failures = steps.flatMap((step) => step.failures);
  const out = ['', '── check summary ──'];
  if (failures.length === 0) {
    out.push(`check: passed (${steps.map((step) => step.name).join(', ')})`);
    return out;
  }
  for (const failure of failures) {
    out.push(`FAILED: ${failure.task}`);
    for (const detail of failure.details) out.push(`    ${detail}`);
  }
  out.push(`check: ${failures.length} failed (see FAILED lines above; full output further up)`);
  return out;
}

/**
 * Runs a command with its output passed through to ours, and resolves with the output and exit code.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream }} [options]
 * @returns {Promise<{ output: string, exitCode: number }>}
 */
export function runPassingThrough(command, args, options = {}) {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      stderr.write(chunk);
    });
    child.once('error', (error) => {
      const line = `could not start ${command}: ${error.message}\n`;
      output += line;
      stderr.write(line);
    });
    child.once('close', (code, signal) => resolve({ output, exitCode: code ?? (signal ? 1 : 0) }));
  });
}

/**
 * Runs every step (each one even when an earlier one failed), then writes the summary.
 *
 * @param {{ name: string, command: string, args: string[], failures: (output: string, exitCode: number) => { task: string, details: string[] }[] }[]} steps
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream }} [options]
 * @returns {Promise<number>} the exit code: 0 when nothing failed, else 1
 */
export async function runCheck(steps, options = {}) {
  const stdout = options.stdout ?? process.stdout;
  const results = [];
  for (const step of steps) {
    const { output, exitCode } = await runPassingThrough(step.command, step.args, options);
    results.push({ name: step.name, failures: step.failures(output, exitCode) });
  }
  const lines = summaryLines(results);
  stdout.write(`${lines.join('\n')}\n`);
  return results.some((result) => result.failures.length > 0) ? 1 : 0;
}
