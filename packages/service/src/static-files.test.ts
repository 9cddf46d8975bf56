import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, defaultConfig } from '@stepflow/runtime';
import { createMemoryStateStore } from '@stepflow/state-store';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createService } from './create-service.ts';
import { STATIC_SECURITY_HEADERS } from './static-files.ts';

let root: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stepflow-static-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  const secret = join(await mkdtemp(join(tmpdir(), 'stepflow-secret-')), 'secret.txt');
  await writeFile(secret, 'do not serve');
  await symlink(secret, join(root, 'linked.txt'));
  return () => rm(root, { recursive: true, force: true });
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function setUp(staticRoot = root) {
  const store = createMemoryStateStore();
  const runtime = createRuntime({
    config: defaultConfig(),
    workingDirectory: '.',
    stateStore: store,
  });
  const service = createService({ runtime, store, token: 'tok', staticRoot });
  closers.push(async () => {
    service.close();
    await runtime.close();
    await store.close();
  });
  return (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    service.fetch(
      new Request(`http://127.0.0.1:7837${path}`, {
        ...init,
        headers: { host: '127.0.0.1:7837', ...init.headers },
      }),
    );
}

describe('static files', () => {
  it('serves index.html at / without a token, with the security headers', async () => {
    const get = setUp();
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS))
      expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<title>app</title>');
  });

  it('serves hashed assets as immutable, and HEAD without a body', async () => {
    const get = setUp();
    const response = await get('/assets/index-abc.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(await response.text()).toBe('console.log(1)');
    const head = await get('/assets/index-abc.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
    expect(await head.text()).toBe('');
  });

  it('answers index.html for an app page, 404 for a missing file or an escape', async () => {
    const get = setUp();
    expect(await (await get('/runs')).text()).toContain('<title>app</title>');
    const missing = await get('/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      code: 404,
      message: 'No route for GET /assets/nope.js',
    });
    expect((await get('/../package.json')).status).toBe(404);
    // Only listed files are served: a path out of the directory is at most an app page.
    expect(await (await get('/%2e%2e/%2e%2e/etc/passwd')).text()).toContain('<title>app</title>');
    // A symbolic link in the directory is never followed.
    expect((await get('/linked.txt')).status).toBe(404);
  });

  it('still wants the token on the API, and JSON 404s under /api/', async () => {
    const get = setUp();
    expect((await get('/api/v1/runs')).status).toBe(401);
    const unknown = await get('/api/v1/nope', { headers: { authorization: 'Bearer tok' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/json');
  });

  it('refuses a foreign Host for the pages too (DNS rebinding)', async () => {
    const get = setUp();
    const response = await get('/', { headers: { host: 'evil.example' } });
    expect(response.status).toBe(403);
  });

  it('accepts the API from its own origin and refuses other origins', async () => {
    const get = setUp();
    const headers = { authorization: 'Bearer tok' };
    const own = await get('/api/v1/runs', {
      headers: { ...headers, origin: 'http://127.0.0.1:7837' },
    });
    expect(own.status).toBe(200);
    const other = await get('/api/v1/runs', {
      headers: { ...headers, origin: 'http://127.0.0.1:9999' },
    });
    expect(other.status).toBe(403);
    const opaque = await get('/api/v1/runs', { headers: { ...headers, origin: 'null' } });
    expect(opaque.status).toBe(403);
  });

  it('serves no pages without a static root: / is a 404 behind the token', async () => {
    const store = createMemoryStateStore();
    const runtime = createRuntime({
      config: defaultConfig(),
      workingDirectory: '.',
      stateStore: store,
    });
    const service = createService({ runtime, store, token: 'tok' });
    closers.push(async () => {
      service.close();
      await runtime.close();
      await store.close();
    });
    const response = await service.fetch(
      new Request('http://127.0.0.1:7837/', { headers: { host: '127.0.0.1:7837' } }),
    );
    expect(response.status).toBe(401);
  });

  it('answers 500 without a path when the static directory cannot be read', async () => {
    const get = setUp(join(root, 'does-not-exist'));
    const response = await get('/');
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('does-not-exist');
  });
});
