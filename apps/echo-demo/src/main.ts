#!/usr/bin/env node
// Runtime side of the echo demo: `node dist/main.js`.
import { fileURLToPath } from 'node:url';
import { runEchoDemo } from './run-echo-demo.ts';

await runEchoDemo({
  childScript: fileURLToPath(new URL('./child.js', import.meta.url)),
  print: (line) => process.stdout.write(`${line}\n`),
});
