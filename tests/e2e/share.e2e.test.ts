/**
 * Sharing in Chromium: a link reproduces the same metrics, a tampered link falls back with a notice, charts
 * export as SVG/PNG and numbers as CSV/JSON (download events), and the built app works from a sub-path, also
 * embedded in an iframe showing only the charts chosen (through the Share dialog's own snippet).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';
import { type MountServer, serveMounts } from './staticServer';

const baseUrl = inject('baseUrl');
const SUB_PATH = '/some/sub/path/';
let browser: Browser;
let server: MountServer;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await serveMounts({ [SUB_PATH]: resolve(import.meta.dirname, '../../dist') });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(url: string) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  const errors = collectErrors(page);
  await page.goto(url);
  await waitForReady(page);
  return { page, errors };
}

async function metric(page: Page | Frame, key: string, channel: 'a' | 'b'): Promise<string | null> {
  return page.locator(`[data-testid="metric-${key}-${channel}"]`).getAttribute('data-value');
}

async function settle(page: Page, channel: 'a' | 'b', description: string) {
  await page.waitForFunction(
    ([c, d]) => {
      const panel = document.querySelector(`[data-testid="scheme-panel-${c}"]`);
      return (
        panel?.getAttribute('data-ready') === 'true' && panel.querySelector('h2')?.textContent?.includes(d)
      );
    },
    [channel, description] as const,
    { timeout: 30_000 },
  );
}

/** Clicks an export menu item and returns the downloaded file's name and bytes. */
async function download(page: Page, menu: string, format: string): Promise<{ name: string; bytes: Buffer }> {
  await page.getByTestId(menu).click();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`${menu}-${format}`).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: await readFile(path) };
}

describe('links', () => {
  it('a link reproduces the same view: set state, reload the URL, same metrics', async () => {
    const { page, errors } = await open(baseUrl);
    await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int4, per tensor');
    await page.getByTestId('scheme-panel-b').getByRole('radio', { name: 'Row' }).check();
    await settle(page, 'b', 'zero-point int8, per row');
    const mean42 = await page.getByTestId('summary-mean').textContent();
    await page.getByTestId('generator-seed').fill('7');
    await page.getByTestId('generator-seed').press('Enter');
    // `&seed=7&`, not `seed=7`: the LLM.int8 view's `llm.seed=7` would match the bare form.
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('&seed=7&');
    // The seed-7 matrix is on screen (its summary) and both schemes have answered for it.
    await expect
      .poll(() => page.getByTestId('summary-mean').textContent(), { timeout: 30_000 })
      .not.toBe(mean42);
    await page.waitForSelector('[data-testid="data-panel"]:not(:has-text("generating…"))');
    await waitForReady(page);
    // The address bar is written after a short debounce: wait until it holds every change, then copy it.
    await expect.poll(() => page.url()).toMatch(/[?&]a\.bits=4&.*[?&]b\.gran=row&/);
    expect(page.url()).toContain('&seed=7&');
    expect(page.url()).toContain('v=1');
    const before = {
      mean: await page.getByTestId('summary-mean').textContent(),
      a: await metric(page, 'mse', 'a'),
      b: await metric(page, 'mse', 'b'),
      sqnr: await metric(page, 'sqnr', 'a'),
      bpw: await metric(page, 'bpw', 'b'),
    };
    const link = page.url();

    const again = await open(link);
    await settle(again.page, 'a', 'absmax int4, per tensor');
    await settle(again.page, 'b', 'zero-point int8, per row');
    await again.page.waitForSelector('[data-testid="data-panel"]:not(:has-text("generating…"))');
    await waitForReady(again.page);
    expect({
      mean: await again.page.getByTestId('summary-mean').textContent(),
      a: await metric(again.page, 'mse', 'a'),
      b: await metric(again.page, 'mse', 'b'),
      sqnr: await metric(again.page, 'sqnr', 'a'),
      bpw: await metric(again.page, 'bpw', 'b'),
    }).toEqual(before);
    expect(await again.page.getByTestId('generator-seed').inputValue()).toBe('7');
    // The Share dialog gives the same link.
    await again.page.getByTestId('share-button').click();
    expect(await again.page.getByTestId('share-link').inputValue()).toBe(link.replace(/&theme=[a-z]+/, ''));
    expect(errors).toEqual([]);
    expect(again.errors).toEqual([]);
    await page.close();
    await again.page.close();
  });

  it('a tampered link shows a notice naming the bad fields and falls back to their defaults, field by field', async () => {
    const { page, errors } = await open(
      `${baseUrl}?v=1&seed=7&a.bits=99&a.gran=diagonal&b.method=nope&bins=5&b.bits=4`,
    );
    const notice = page.getByTestId('notice').first();
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    for (const field of ['a.bits=99', 'a.gran=diagonal', 'b.method=nope', 'bins=5'])
      expect(text).toContain(field);
    expect(await notice.getAttribute('role')).toBe('status');
    // Defaults for the bad fields, the link's value for the good ones.
    await settle(page, 'a', 'absmax int8, per tensor');
    await settle(page, 'b', 'zero-point int4, per tensor');
    expect(await page.getByTestId('generator-seed').inputValue()).toBe('7');
    expect(Number(await metric(page, 'mse', 'a'))).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a garbled link still opens the explorer with the defaults', async () => {
    const { page, errors } = await open(`${baseUrl}?%E0%A4%A=&&==&a.kind=&v=%00&wx=1,,2`);
    await settle(page, 'a', 'absmax int8, per tensor');
    expect(await page.getByTestId('notice').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('export', () => {
  it('exports the value histogram as a valid SVG file containing its bars, and as PNG', async () => {
    const { page, errors } = await open(baseUrl);
    const svg = await download(page, 'export-chart-values-a', 'svg');
    expect(svg.name).toBe('histogram-a.svg');
    const text = svg.bytes.toString('utf8');
    // Parsed as an SVG document by Chromium's own XML parser (a malformed file gives a <parsererror>).
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      const root = doc.documentElement;
      const bars = ['original', 'dequantized'].map((series) => {
        const path = doc.querySelector(`path.${series}`);
        return {
          count: Number(path?.getAttribute('data-bars')),
          rects: (path?.getAttribute('d') ?? '').split('Z').length - 1,
          style: path?.getAttribute('style') ?? '',
        };
      });
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: root.tagName,
        namespace: root.namespaceURI,
        width: Number(root.getAttribute('width')),
        title: doc.querySelector('title')?.textContent ?? '',
        bars,
      };
    }, text);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.namespace).toBe('http://www.w3.org/2000/svg');
    expect(parsed.width).toBeGreaterThan(100);
    // The bars: one closed rectangle per non-empty bin, in both series, with their colours resolved.
    for (const bars of parsed.bars) {
      expect(bars.count).toBe(128);
      expect(bars.rects).toBeGreaterThan(5);
      expect(bars.style).toMatch(/fill:\s*rgb\(/);
    }
    // Standalone: no CSS variables left, the title written in.
    expect(text).not.toContain('var(--');
    // The title leads with the full scheme name; the legend is drawn in, its colours resolved.
    expect(parsed.title).toBe('absmax int8, per tensor (Scheme A): values, original vs dequantized');
    for (const entry of ['>original<', '>dequantized<', '>grid levels<', '>clip range<'])
      expect(text).toContain(entry);

    const png = await download(page, 'export-chart-values-a', 'png');
    expect(png.name).toBe('histogram-a.png');
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(200); // IHDR width, 2× the CSS size

    // The heatmap is a canvas: its picture is embedded in the SVG as a PNG image.
    const heatmap = await download(page, 'export-chart-heatmap-b', 'svg');
    expect(heatmap.bytes.toString('utf8')).toMatch(/<image [^>]*href="data:image\/png;base64,/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the numbers: histogram CSV, metrics JSON, worked example CSV', async () => {
    const { page, errors } = await open(baseUrl);
    const csv = (await download(page, 'export-chart-values-b', 'csv')).bytes.toString('utf8');
    // Plain CSV: the header is the first line; the facts about it are in the JSON.
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('bin_start,bin_end,original,dequantized');
    expect(lines).toHaveLength(1 + 128);
    const counted = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[2]), 0);
    const side = JSON.parse((await download(page, 'export-chart-values-b', 'json')).bytes.toString('utf8'));
    const outside = Number(side.meta['outside range (original)']);
    expect(counted + outside).toBe(256 * 256);

    const json = JSON.parse((await download(page, 'export-metrics', 'json')).bytes.toString('utf8'));
    const mse = json.rows.find((r: { metric: string }) => r.metric === 'mse');
    expect(String(mse.A)).toBe(await metric(page, 'mse', 'a'));
    expect(String(mse.B)).toBe(await metric(page, 'mse', 'b'));

    const worked = (await download(page, 'export-worked-a', 'csv')).bytes.toString('utf8');
    expect(worked).toContain('step,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10');
    expect(worked).toMatch(/clamped to \[-127, 127\] = code q",28,-12,-101,28,-73,19,56,127,-21,78/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('sub-path hosting and embeds', () => {
  it('the static build works from a sub-path, worker included', async () => {
    const { page, errors } = await open(`${server.origin}${SUB_PATH}`);
    expect(Number(await metric(page, 'mse', 'a'))).toBeGreaterThan(0);
    expect(server.requests.some((p) => p.startsWith(`${SUB_PATH}assets/engine.worker`))).toBe(true);
    expect(server.requests.filter((p) => p.startsWith('/assets/'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embed mode in an iframe shows only the chosen charts (from the Share dialog snippet)', async () => {
    // Make the snippet as an author would: Share / Embed on the hosted app, choose charts, copy the HTML.
    const { page: app } = await open(`${server.origin}${SUB_PATH}?a.bits=4`);
    await app.getByTestId('share-button').click();
    await app.getByTestId('share-chart-metrics').uncheck();
    await app.getByTestId('share-chart-error').check();
    await app.getByTestId('share-chart-formula').check();
    const snippet = await app.getByTestId('share-embed-code').inputValue();
    expect(snippet).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/some\/sub\/path\/\?v=1&amp;/);
    expect(snippet).toContain('embed=1&amp;charts=hist,error,formula');
    await app.close();

    const url = server.page(
      'post',
      `<!doctype html><html><head><meta charset="utf-8"><title>A post</title><link rel="icon" href="data:,"></head>
       <body><h1>A post with an embed</h1>${snippet}</body></html>`,
    );
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(url);
    const frame = page.frameLocator('iframe');
    await frame.locator('[data-testid="embed-scheme-a"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await frame.locator('[data-testid="embed-scheme-b"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const count = (id: string) => frame.locator(`[data-testid="${id}"]`).count();
    // The formulas are a chunk loaded when a figure shows them.
    for (const c of ['a', 'b']) await frame.locator(`[data-testid="formulas-${c}"]`).waitFor();
    for (const c of ['a', 'b']) {
      expect(await count(`chart-values-${c}`)).toBe(1);
      expect(await count(`chart-error-${c}`)).toBe(1);
      expect(await count(`formulas-${c}`)).toBe(1);
      expect(await count(`chart-heatmap-${c}`)).toBe(0);
      expect(await count(`chart-rows-${c}`)).toBe(0);
      expect(await count(`mapping-${c}`)).toBe(0);
    }
    expect(await count('metrics-table')).toBe(0);
    expect(await count('data-panel')).toBe(0);
    expect(await count('header-tools')).toBe(0);
    expect(await frame.locator('[data-testid="embed-scheme-a"] h2').textContent()).toContain('absmax int4');
    // Bars are drawn inside the iframe.
    const bars = frame.locator('[data-testid="histogram-a"] path.original');
    expect(Number(await bars.getAttribute('data-bars'))).toBe(128);
    // The iframe fits its box: the embed is laid out in the iframe's 800 px (the snippet's default widest).
    const width = await frame
      .locator('[data-testid="embed-view"]')
      .evaluate((e) => e.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(800);
    expect(await frame.locator('[data-testid="embed-open-full"]').getAttribute('href')).not.toContain(
      'embed=1',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an embed with other charts: heatmap, worked example and metrics only', async () => {
    const url = server.page(
      'post2',
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>
       <iframe src="${SUB_PATH}?view=b&embed=1&charts=heatmap,worked,metrics" width="600" height="700"></iframe></body></html>`,
    );
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(url);
    const frame = page.frameLocator('iframe');
    await frame.locator('[data-testid="embed-scheme-b"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const count = (id: string) => frame.locator(`[data-testid="${id}"]`).count();
    expect(await count('embed-scheme-a')).toBe(0);
    expect(await count('chart-heatmap-b')).toBe(1);
    expect(await count('chart-values-b')).toBe(0);
    expect(await count('worked-example')).toBe(1);
    expect(await count('worked-values')).toBe(0); // no editor in the compact view
    expect(await count('metrics-table')).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
