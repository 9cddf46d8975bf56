#!/usr/bin/env node
// Entry point of the `stepflow` command: wires the real process streams into runCli.
import { runCli } from './program.ts';

const exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  stdinIsTty: process.stdin.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = exitCode;
