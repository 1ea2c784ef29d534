/**
 * A static server with several roots for the teach/share/library browser tests: the built app under a sub-path
 * (`/some/sub/path/` → dist/, as a course site or GitHub Pages would host it), the library under `/lib/`
 * (→ dist-lib/), and test pages held in memory (`/pages/<name>.html`). 127.0.0.1, a free port.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
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
        response.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' }).end(page);
        return;
      }
      const mount = roots.find(([prefix]) => path.startsWith(prefix));
      if (!mount) {
        response.writeHead(404).end(`not found: ${path}`);
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
        response.writeHead(404).end(`not found: ${path}`);
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
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
