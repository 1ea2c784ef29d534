/**
 * The static file server (node:http) of the browser tests, on 127.0.0.1 and a free port. Serves files only
 * from inside its roots.
 * - serveStatic(root): the built app in `dist/` at `/` (the e2e globalSetup; bench/browser/harness.mjs does
 *   the same job without a TS loader).
 * - serveMounts(mounts): several roots for the teach/share/library tests: the built app under a sub-path
 *   (`/some/sub/path/` → dist/, as a course site or GitHub Pages would host it), the library under `/lib/`
 *   (→ dist-lib/), and test pages held in memory (`/pages/<name>.html`).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../src/worker/crossOriginIsolation';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

export interface MountServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string;
  /** Serves `html` at `/pages/<name>.html` and returns its URL. */
  page(name: string, html: string): string;
  /** Paths requested so far (to check that the worker and assets came from the sub-path). */
  requests: string[];
  close(): Promise<void>;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234/ (with the trailing slash). */
  url: string;
  close(): Promise<void>;
}

function notFound(response: ServerResponse, path: string) {
  response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
}

/** Serves each directory of `mounts` under its path prefix (first matching prefix wins). */
export async function serveMounts(mounts: Record<string, string>): Promise<MountServer> {
  const pages = new Map<string, string>();
  const requests: string[] = [];
  const roots = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)] as const);
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      requests.push(path);
      const page = pages.get(path);
      if (page !== undefined) {
        response
          .writeHead(200, {
            'content-type': TYPES['.html'],
            'cache-control': 'no-store',
            ...CROSS_ORIGIN_ISOLATION_HEADERS,
          })
          .end(page);
        return;
      }
      const mount = roots.find(([prefix]) => path.startsWith(prefix));
      if (!mount) {
        notFound(response, path);
        return;
      }
      const [prefix, base] = mount;
      let file = normalize(join(base, path.slice(prefix.length)));
      if (file !== base && !file.startsWith(base + sep)) {
        response.writeHead(403).end('forbidden');
        return;
      }
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) file = join(file, 'index.html');
      else if (!info) {
        notFound(response, path);
        return;
      }
      // as the dev and preview servers: cross-origin isolated, so the app may use helper threads
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...CROSS_ORIGIN_ISOLATION_HEADERS,
      });
      createReadStream(file).pipe(response);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    page(name, html) {
      pages.set(`/pages/${name}.html`, html);
      return `${origin}/pages/${name}.html`;
    },
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Serves `root` (must contain index.html) at `/` and resolves with its base URL, e.g. http://127.0.0.1:41234/. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const index = join(resolve(root), 'index.html');
  await stat(index).catch(() => {
    throw new Error(`${index} is missing: run \`npm run build\` before the e2e tests`);
  });
  const server = await serveMounts({ '/': root });
  return { url: `${server.origin}/`, close: server.close };
}
