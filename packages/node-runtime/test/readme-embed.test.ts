// Runs the "Embed the runtime" example of the repository README exactly as written.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The first ```js block after the `## Embed the runtime` heading of the README. */
function embedSnippet(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Embed the runtime\n')[1];
  const code = section?.split('\n## ')[0]?.match(/```js\n([\s\S]*?)```/)?.[1];
  if (code === undefined) throw new Error('README.md: no ```js block under "Embed the runtime"');
  return code;
}

it('the README embed example runs a flow through a component server and prints its result', async () => {
  // Inside this package, so `@stepflow/node-runtime` resolves to its build as for a user.
  const script = fileURLToPath(new URL(`./readme-embed-${randomUUID()}.mjs`, import.meta.url));
  await writeFile(script, embedSnippet());
  try {
    const { code, stdout, stderr } = await runNode(script, ROOT);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({ outcome: 'success', result: { greeting: 'Hello, Ada!' } });
  } finally {
    await rm(script, { force: true });
  }
  // Two node processes start (the script and its component server): slow on a loaded machine.
}, 60_000);

function runNode(
  script: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
