#!/usr/bin/env node
// Entry point of the `stepflow` command: wires the real process streams into runCli.
import module from 'node:module';
import { runCli } from './program.ts';

// Node 22.1+ can keep the compiled code of the bundled chunks on disk (in the OS temp directory),
// so later runs skip parsing and compiling them; `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A reader that goes away (`stepflow run … | head`) is not an error of ours: stop quietly, as
// other Unix tools do, instead of crashing with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

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
