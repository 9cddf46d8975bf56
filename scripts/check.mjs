#!/usr/bin/env node
// `pnpm check`: build, lint, typecheck and test every package (turbo, carrying on past
// failures), then prettier — always, even when turbo failed — and end with what failed:
// `FAILED: <package>#<task>` lines with the failing tests' names, or `check: passed`.
import { prettierFailures, runCheck, turboFailures } from './check-lib.mjs';

const color = process.stdout.isTTY === true;
const env = color ? { ...process.env, FORCE_COLOR: '1' } : process.env;

process.exitCode = await runCheck(
  [
    {
      name: 'turbo run build lint typecheck test',
      command: 'turbo',
      args: [
        'run',
        'build',
        'lint',
        'typecheck',
        'test',
        '--continue',
        ...(color ? ['--color'] : []),
      ],
      failures: turboFailures,
    },
    {
      name: 'prettier --check .',
      command: 'prettier',
      args: ['--check', '.'],
      failures: (output, exitCode) => {
        const files = prettierFailures(output, exitCode);
        return files.length === 0 ? [] : [{ task: 'prettier --check .', details: files }];
      },
    },
  ],
  { env },
);
