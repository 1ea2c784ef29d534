/**
 * Launches the system Chromium through playwright-core with a fresh profile (no downloads, no network
 * services), and collects console errors of a page. Shared by the e2e tests and bench/browser.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

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

/** The Chromium binary: $CHROMIUM_PATH or /usr/bin/chromium; a clear message if neither exists. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  return path;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh temporary user-data dir (removed on close). */
export async function launchBrowser(
  options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'qe-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Records console errors and uncaught page errors (worker errors included) into an array. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Waits until the scheme panel(s) show the result of the latest request. */
export async function waitForReady(
  page: Page,
  channels: ReadonlyArray<'a' | 'b'> = ['a', 'b'],
  timeout = 30_000,
) {
  for (const c of channels) {
    await page.waitForSelector(`[data-testid="scheme-panel-${c}"][data-ready="true"]`, { timeout });
  }
}

/**
 * Makes the page's engine worker fail as a real crash would: an uncaught error thrown in the worker's own event
 * loop, which reaches the page as the Worker's `error` event. It is injected through the DevTools protocol, so the
 * app ships no hook for it. Returns the crashed worker, for the caller to see it closed and a new one started.
 */
export async function crashEngineWorker(page: Page): Promise<Worker> {
  const engines = page.workers().filter((w) => /engine\.worker/.test(w.url()));
  if (engines.length !== 1) {
    throw new Error(
      `expected one engine worker, found ${engines.length}: ${page.workers().map((w) => w.url())}`,
    );
  }
  const [engine] = engines;
  await engine.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated crash (injected by the e2e harness)');
    }, 0);
  });
  return engine;
}
