import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

/** Most files and bytes read from a static directory: it is loaded into memory once. */
export const STATIC_LIMITS = { files: 2000, bytes: 64 * 1024 * 1024 } as const;

/**
 * Headers of every static page: the app loads only its own scripts, styles and API (no inline
 * script, no CDN, no framing), never sends a referrer, and its files are never sniffed.
 */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  readonly body: Uint8Array;
  readonly type: string;
}

/** Answers GET and HEAD of the files of one directory; paths without a file get index.html. */
export interface StaticSite {
  /** The response for `path`, or `undefined` when nothing there is served. */
  respond(method: string, path: string): Promise<Response | undefined>;
}

/**
 * Serves the files under `root` (the web UI's build). They are read once, on the first request,
 * into memory: a request can only name a file that was listed, so no path escapes `root`.
 * A path with no extension that names no file is a page of the single-page app: index.html.
 */
export function createStaticSite(root: string): StaticSite {
  let loading: Promise<Map<string, StaticFile>> | undefined;
  return {
    async respond(method, path) {
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      const files = await (loading ??= loadFiles(root));
      let name = path === '/' ? '/index.html' : path;
      let file = files.get(name);
      if (file === undefined && extname(name) === '') {
        name = '/index.html';
        file = files.get(name);
      }
      if (file === undefined) return undefined;
      const immutable = name.startsWith('/assets/');
      return new Response(method === 'HEAD' ? null : (file.body as Uint8Array<ArrayBuffer>), {
        headers: {
          ...STATIC_SECURITY_HEADERS,
          'content-type': file.type,
          'content-length': String(file.body.byteLength),
          // Vite names assets by content hash: they never change; index.html always may.
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        },
      });
    },
  };
}

async function loadFiles(root: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      // Symbolic links and special files are never served: only what the build wrote.
      if (!entry.isFile()) continue;
      if (files.size >= STATIC_LIMITS.files)
        throw new Error(`${root}: more than ${STATIC_LIMITS.files} static files`);
      bytes += (await stat(path)).size;
      if (bytes > STATIC_LIMITS.bytes)
        throw new Error(`${root}: static files larger than ${STATIC_LIMITS.bytes} bytes`);
      const url = `/${relative(root, path).split(sep).join('/')}`;
      const type = CONTENT_TYPES[extname(entry.name).toLowerCase()] ?? 'application/octet-stream';
      files.set(url, { body: new Uint8Array(await readFile(path)), type });
    }
  };
  await walk(root);
  return files;
}
