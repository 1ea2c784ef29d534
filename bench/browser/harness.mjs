/**
 * What the two browser benchmarks share: the system Chromium (path and flags, as tests/e2e/browser.ts), a static
 * server for dist/ on 127.0.0.1, a median, and the explorer opened at a size (the UI benches).
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The flags the e2e tests launch Chromium with (tests/e2e/browser.ts). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * Serves dist/ on a free port of 127.0.0.1 (the same job as tests/e2e/staticServer.ts, without a TS loader).
 * `isolated: false` leaves out the cross-origin isolation headers (a static host that cannot send them); `dir`
 * serves another build (the UI bench's baseline).
 */
export async function serveDist({ isolated = true, dir = join(root, 'dist') } = {}) {
  const base = resolve(dir);
  if (!existsSync(join(base, 'index.html')))
    throw new Error(`${join(base, 'index.html')} is missing: run \`npm run build\` first`);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return res.writeHead(403).end();
    const info = await stat(file).catch(() => null);
    if (info?.isDirectory()) file = join(file, 'index.html');
    else if (!info) return res.writeHead(404).end();
    // src/worker/crossOriginIsolation.ts: isolated, as the dev and preview servers serve it (helper threads)
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...(isolated
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
        : {}),
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((d) => server.close(d)),
  };
}

/** The Chromium binary: $CHROMIUM_PATH or /usr/bin/chromium. */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path))
    throw new Error(`Chromium not found at ${path}: \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  return path;
}

/** Median of the finite values (NaN when there are none). */
export function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The explorer's page open in a fresh Chromium profile, for the UI benches: the built app served from `dir`, a
 * persistent context at 1280×900 and its user-data dir. `close()` ends all three.
 */
export async function openExplorerContext({ dir, prefix }) {
  const server = await serveDist({ dir });
  const userDataDir = await mkdtemp(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const close = async () => {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
    await server.close();
  };
  return { server, context, close };
}

/** Waits until both scheme panels show their whole result (`data-ready`). */
export function bothPanelsReady(page) {
  return page.waitForFunction(
    () =>
      ['a', 'b'].every(
        (c) =>
          document.querySelector(`[data-testid="scheme-panel-${c}"]`)?.getAttribute('data-ready') === 'true',
      ),
    undefined,
    { timeout: 300_000 },
  );
}

/** Switches the generated matrix to side × side (256 is the default) and waits for both panels. */
export async function generateSide(page, side) {
  if (side === 256) return;
  await page.getByTestId(`generator-size-${side}`).click();
  await page.waitForFunction(
    (n) =>
      document.querySelector('[data-testid="summary-shape"]')?.textContent ===
      `${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')}`,
    side,
    { timeout: 300_000 },
  );
  await bothPanelsReady(page);
}
