// The network transports are optional peer dependencies of @stepflow/server-sdk: its root entry
// must not load them (nor undici or ws under them), only the `./http` and `./websocket` entries.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const TESTS_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Imports `specifier` in a fresh Node process and returns the network packages it loaded. undici
 * and ws are CommonJS, so an ES import of them lands in the CommonJS module cache.
 */
async function networkPackagesLoadedBy(specifier: string): Promise<string[]> {
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(specifier)});
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const names = ['undici', 'ws'].filter((name) =>
      loaded.some((path) => path.includes(\`/node_modules/\${name}/\`)),
    );
    process.stdout.write(JSON.stringify(names));
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { cwd: TESTS_DIR },
  );
  return JSON.parse(stdout) as string[];
}

describe('@stepflow/server-sdk entries', () => {
  it('the root entry loads neither undici nor ws', async () => {
    expect(await networkPackagesLoadedBy('@stepflow/server-sdk')).toEqual([]);
  });

  it('the http and websocket entries load their transport', async () => {
    expect(await networkPackagesLoadedBy('@stepflow/server-sdk/http')).toContain('undici');
    expect(await networkPackagesLoadedBy('@stepflow/server-sdk/websocket')).toContain('ws');
  });
});
