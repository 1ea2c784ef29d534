/**
 * A blog post that embeds the explorer (issue #16): the Share dialog's iframe snippet (with its resize script,
 * `theme=inherit`) and the `<quant-explorer theme="inherit">` element, on a page served here, at 800 and 390 px,
 * on a light page and a dark one (the reader's system stays light, so a dark figure can only come from the page).
 * The frame is exactly as tall as its content (no inner scrollbar), the charts are in view, A and B stack at
 * 390 px, and both figures follow the page's theme, also when it changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EMBED_CHOICE, embedLink, iframeSnippet } from '../../src/components/share/embedSnippet';
import { DEFAULT_SHAREABLE_STATE } from '../../src/state/shareableState';
import { type Browser, collectErrors, launchBrowser } from './browser';
import { type MountServer, serveMounts } from './staticServer';

const ROOT = resolve(import.meta.dirname, '../..');
const APP = '/blog/explorer/';
const ARTIFACTS = resolve(ROOT, 'test-artifacts');
let browser: Browser;
let server: MountServer;

beforeAll(async () => {
  // The library of this commit (the element); dist/ is built before the e2e run.
  const build = spawnSync('npm', ['run', 'build:lib', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error(`npm run build:lib failed:\n${build.stdout}\n${build.stderr}`);
  browser = await launchBrowser();
  server = await serveMounts({ [APP]: resolve(ROOT, 'dist'), '/lib/': resolve(ROOT, 'dist-lib') });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function postHtml(dark: boolean): string {
  const choice = {
    ...DEFAULT_EMBED_CHOICE,
    charts: ['hist' as const, 'metrics' as const],
    theme: 'inherit' as const,
  };
  const src = embedLink(`${server.origin}${APP}`, DEFAULT_SHAREABLE_STATE, choice);
  const snippet = iframeSnippet(src, choice, 'absmax against zero-point');
  return `<!doctype html>
<html lang="en" class="${dark ? 'dark' : ''}"><head><meta charset="utf-8"><title>A post</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>
  html { color-scheme: light; }
  html.dark { color-scheme: dark; }
  body { margin: 0; font-family: Georgia, serif; background: #fff; color: #111; }
  html.dark body { background: #111827; color: #eee; }
  article { max-width: 800px; margin: 0 auto; }
</style></head>
<body><article>
  <h1>Why zero-point wins on skewed weights</h1>
  <p>The figure below is live: it quantizes a weight matrix in your browser.</p>
  ${snippet}
  <p>And the same pair as an element, value histograms only:</p>
  <quant-explorer id="element" charts="hist" theme="inherit" data="gen=normal&amp;rows=64&amp;cols=64&amp;seed=3"></quant-explorer>
  <p>The end.</p>
</article>
<script type="module" src="/lib/quant-explorer.js"></script>
</body></html>`;
}

async function frameOf(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe[data-quant-explorer]');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the iframe has no frame');
  return frame;
}

describe('the explorer in a blog post', () => {
  it.each([
    [800, false],
    [800, true],
    [390, false],
    [390, true],
  ] as const)('at %i px, dark page: %s', async (width, dark) => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    const errors = collectErrors(page);
    await page.goto(server.page(`post-${width}-${dark}`, postHtml(dark)));
    const frame = await frameOf(page);
    for (const c of ['a', 'b'])
      await frame
        .locator(`[data-testid="embed-scheme-${c}"][data-ready="true"]`)
        .waitFor({ timeout: 30_000 });
    await frame.locator('[data-testid="metrics-table"] [data-testid="metric-mse-a"][data-value]').waitFor();

    // The frame's height is its content's: the script applied the posted height, and nothing scrolls inside.
    const iframe = page.locator('iframe[data-quant-explorer]');
    const content = () =>
      frame.evaluate(() => Math.ceil(document.getElementById('root')?.getBoundingClientRect().height ?? 0));
    await expect
      .poll(async () => Math.round((await iframe.boundingBox())?.height ?? 0))
      .toBe(await content());
    const inner = await frame.evaluate(() => ({
      scroll: document.documentElement.scrollHeight,
      client: document.documentElement.clientHeight,
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(inner.scroll).toBeLessThanOrEqual(inner.client);
    expect(inner.scrollWidth).toBeLessThanOrEqual(inner.clientWidth);
    // The frame fills the column: the page's width, at most 800 px.
    expect(Math.round((await iframe.boundingBox())?.width ?? 0)).toBe(Math.min(800, width));

    // Both value histograms are drawn with bars; A and B side by side at 800 px, stacked at 390 px.
    const a = await frame.locator('[data-testid="histogram-a"] svg').boundingBox();
    const b = await frame.locator('[data-testid="histogram-b"] svg').boundingBox();
    if (!a || !b) throw new Error('histograms missing');
    expect(a.width).toBeGreaterThan(width >= 640 ? 300 : 280);
    for (const c of ['a', 'b'])
      expect(
        Number(await frame.locator(`[data-testid="histogram-${c}"] path.original`).getAttribute('data-bars')),
      ).toBe(128);
    if (width >= 640) expect(Math.abs(a.y - b.y)).toBeLessThan(2);
    else expect(b.y).toBeGreaterThan(a.y + a.height);
    // Charts first, then the caption, then the table.
    const tableY = (await frame.locator('[data-testid="metrics-table"]').boundingBox())?.y ?? 0;
    expect(tableY).toBeGreaterThan(Math.max(a.y + a.height, b.y + b.height));

    // The theme follows the page (the system is light throughout).
    const want = dark ? 'dark' : 'light';
    const element = page.locator('#element');
    const elementTheme = () =>
      element.evaluate((e) =>
        e.shadowRoot?.querySelector('.quant-explorer-root')?.getAttribute('data-theme'),
      );
    await expect.poll(() => frame.evaluate(() => document.documentElement.dataset.theme)).toBe(want);
    await expect.poll(elementTheme).toBe(want);
    // The element's figure is drawn too, and is as tall as its content (no scroll box of its own).
    await element.locator('[data-testid="embed-scheme-b"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(
      Number(await element.locator('[data-testid="histogram-a"] path.original').getAttribute('data-bars')),
    ).toBe(128);
    const box = await element.evaluate((e) => ({ own: e.scrollHeight, client: e.clientHeight }));
    expect(box.own).toBeLessThanOrEqual(box.client);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `embed-post-${width}-${want}.png`), fullPage: true });

    // The page switches theme: both figures follow.
    const other = dark ? 'light' : 'dark';
    await page.evaluate((d) => document.documentElement.classList.toggle('dark', d), !dark);
    await expect.poll(() => frame.evaluate(() => document.documentElement.dataset.theme)).toBe(other);
    await expect.poll(elementTheme).toBe(other);
    await page
      .screenshot({ path: `/tmp/embed-post-${width}-${dark ? 'dark' : 'light'}.png`, fullPage: true })
      .catch(() => {});
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without the script the frame takes the estimated height, and a transparent frame shows the page', async () => {
    const choice = { ...DEFAULT_EMBED_CHOICE, charts: ['hist' as const], transparent: true };
    const src = embedLink(`${server.origin}${APP}`, DEFAULT_SHAREABLE_STATE, choice);
    const iframe = iframeSnippet(src, choice, 'histograms').split('\n')[0];
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 800, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    const errors = collectErrors(page);
    await page.goto(
      server.page(
        'post-noscript',
        `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><style>body{margin:0;background:rgb(250,240,200)}</style></head><body>${iframe}</body></html>`,
      ),
    );
    const frame = await frameOf(page);
    for (const c of ['a', 'b'])
      await frame
        .locator(`[data-testid="embed-scheme-${c}"][data-ready="true"]`)
        .waitFor({ timeout: 30_000 });
    const frameHeight = Math.round((await page.locator('iframe').boundingBox())?.height ?? 0);
    const content = await frame.evaluate(
      () => document.getElementById('root')?.getBoundingClientRect().height ?? 0,
    );
    // The estimate holds the figure with no inner scrollbar, and leaves less than 15% blank below it.
    expect(frameHeight).toBeGreaterThanOrEqual(content);
    expect(frameHeight).toBeLessThan(content * 1.15);
    // Transparent: neither the page nor the figure paints a background.
    const backgrounds = await frame.evaluate(() => [
      getComputedStyle(document.documentElement).backgroundColor,
      getComputedStyle(document.body).backgroundColor,
      getComputedStyle(document.querySelector('[data-testid="embed-view"]') as Element).backgroundColor,
    ]);
    expect(backgrounds).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
