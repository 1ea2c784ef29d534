/**
 * The explorer in real Chromium (system binary through playwright-core) against the built `dist/`.
 * Each test opens a fresh page; the engine runs in its Web Worker exactly as for a user.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, collectErrors, crashEngineWorker, launchBrowser, waitForReady } from './browser';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

/** A fresh page on the explorer, both schemes computed; console errors collected from the start. */
async function openExplorer(
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 900 });
  await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await waitForReady(page);
  return { page, errors };
}

/** The full-precision value of a metrics-table cell. */
async function metric(page: Page, key: string, channel: 'a' | 'b'): Promise<number> {
  const raw = await page.getByTestId(`metric-${key}-${channel}`).getAttribute('data-value');
  return Number(raw);
}

/** Waits until `channel`'s panel shows the result for a scheme described as `description` (its heading). */
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

describe('the explorer in Chromium', () => {
  it('loads with no console errors and draws both histograms with bars', async () => {
    const { page, errors } = await openExplorer();
    expect(await page.title()).toBe('Quantization Explorer');
    for (const c of ['a', 'b'] as const) {
      for (const series of ['original', 'dequantized']) {
        const bars = page.locator(`[data-testid="histogram-${c}"] path.${series}`);
        expect(await bars.getAttribute('data-bars')).toBe('128');
        // One closed rectangle per non-empty bin, each with a visible height.
        const drawn = await bars.evaluate((p) => {
          const box = (p as SVGPathElement).getBBox();
          return { rects: (p.getAttribute('d') ?? '').split('Z').length - 1, height: box.height };
        });
        expect(drawn.rects).toBeGreaterThan(5);
        // Zoomed on the central part (the default), the dequantized spikes set the y axis, so the original
        // bell is about a quarter of the plot height: visible, well above a flat line.
        expect(drawn.height).toBeGreaterThan(20);
      }
    }
    expect(await page.getByTestId('summary-shape').textContent()).toBe('256 × 256');
    expect(await metric(page, 'mse', 'a')).toBeGreaterThan(0);
    expect(await metric(page, 'mse', 'b')).toBeGreaterThan(0);
    // Chromium's worker runs the WebAssembly SIMD kernel (65,536 values: above the size that stays on JS).
    for (const c of ['a', 'b'] as const)
      expect(
        await page.getByTestId(`scheme-panel-${c}`).locator('[data-pass]').getAttribute('data-pass'),
      ).toBe('wasm-simd');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lowering scheme A from 8 to 4 bits raises A’s MSE in the table, by keyboard alone', async () => {
    const { page, errors } = await openExplorer();
    const before = await metric(page, 'mse', 'a');
    // The e2e example in ARCHITECTURE.md §9.8 reads the cell as text: it is a plain number.
    expect(Number(await page.getByTestId('metric-mse-a').textContent())).toBeCloseTo(before, 8);
    await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int4, per tensor');
    const after = await metric(page, 'mse', 'a');
    expect(after).toBeGreaterThan(before);
    // 4 fewer bits: the step grows 2^4 / (127/7) ≈ 16x-ish; MSE by far more than 10x.
    expect(after / before).toBeGreaterThan(10);
    expect(await metric(page, 'levels', 'a')).toBeLessThanOrEqual(15);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switching scheme A to per-row lowers its MSE on the default matrix with outlier columns (seed 42)', async () => {
    const { page, errors } = await openExplorer();
    const perTensor = await metric(page, 'mse', 'a');
    await page.getByTestId('scheme-panel-a').getByRole('radio', { name: 'Row' }).check();
    await settle(page, 'a', 'absmax int8, per row');
    const perRow = await metric(page, 'mse', 'a');
    expect(perRow).toBeLessThan(perTensor);
    // Per-row now has one grid per row: the group picker appears.
    expect(await page.getByTestId('group-a-index').inputValue()).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dragging a clipping marker in manual mode changes the clipped fraction', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('scheme-b-clipping').selectOption('manual');
    await page.waitForSelector('[data-testid="histogram-b"] g.clip-hi[role="slider"]');
    await waitForReady(page, ['b']);
    expect(await metric(page, 'clipped', 'b')).toBe(0); // manual starts at the full range
    const marker = page.locator('[data-testid="histogram-b"] g.clip-hi');
    await marker.scrollIntoViewIfNeeded();
    const box = await marker.boundingBox();
    if (!box) throw new Error('the clip marker has no box');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x - 80, y, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid="metric-clipped-b"]')?.getAttribute('data-value')) > 0,
      undefined,
      { timeout: 30_000 },
    );
    await waitForReady(page, ['b']);
    expect(await metric(page, 'clipped', 'b')).toBeGreaterThan(0);
    const hi = Number(await marker.getAttribute('aria-valuenow'));
    expect(Number(await page.getByTestId('scheme-b-clip-hi').inputValue())).toBeCloseTo(hi, 6);
    // The keyboard moves it too.
    await marker.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(
      (h) =>
        Number(
          document.querySelector('[data-testid="histogram-b"] g.clip-hi')?.getAttribute('aria-valuenow'),
        ) < h,
      hi,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the error heatmap on its canvas (non-background pixels)', async () => {
    const { page, errors } = await openExplorer();
    const stats = await page.locator('[data-testid="heatmap-a"] canvas').evaluate((node) => {
      const canvas = node as HTMLCanvasElement;
      const context = canvas.getContext('2d');
      if (!context) return null;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let opaque = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0) opaque++;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { width: canvas.width, height: canvas.height, opaque, colours: colours.size };
    });
    expect(stats).not.toBeNull();
    expect(stats?.width).toBe(128);
    expect(stats?.opaque).toBe((stats?.width ?? 0) * (stats?.height ?? 0));
    expect(stats?.colours).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens zoomed on the central part, zooms further by brushing, and resets to the full range', async () => {
    const { page, errors } = await openExplorer();
    const tickSpan = async () => {
      const ticks = await page
        .locator('[data-testid="histogram-a"] g.x-axis g.tick text')
        .evaluateAll((texts) => texts.map((t) => Number(t.textContent?.replace('−', '-'))));
      return Math.max(...ticks) - Math.min(...ticks);
    };
    // The default view (useDefaultZoom): mean ± 4σ of the default matrix (std ≈ 0.068, so about ±0.27),
    // not its full range of about -2.3..2.1 where the histogram is one spike.
    const central = await page.getByTestId('zoom-range').textContent();
    const centralSpan = await tickSpan();
    expect(centralSpan).toBeLessThan(1);
    const overlay = page.locator('[data-testid="histogram-a"] g.brush rect.overlay');
    await overlay.scrollIntoViewIfNeeded();
    const box = await overlay.boundingBox();
    if (!box) throw new Error('no brush overlay');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="zoom-range"]')?.textContent !== before,
      central,
    );
    await waitForReady(page);
    expect(await tickSpan()).toBeLessThan(centralSpan);
    await page.getByTestId('zoom-reset').click();
    await page.getByTestId('zoom-range').waitFor({ state: 'detached' });
    await waitForReady(page);
    expect(await tickSpan()).toBeGreaterThan(3); // the full range, about -2.3..2.1
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a notice when the worker crashes and recovers with the settings kept', async () => {
    const { page } = await openExplorer();
    await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
    await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int7, per tensor');
    const crashed = await crashEngineWorker(page);
    const closed = new Promise<void>((resolve) => crashed.on('close', () => resolve()));
    const notice = page.getByTestId('notice');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toMatch(/crashed.*restarted/i);
    // The crashed worker was terminated and another engine worker took its place.
    await closed;
    // Playwright learns of the new worker by an event of its own, which may come after the old one's close.
    const engineWorkers = () => page.workers().filter((w) => /engine\.worker/.test(w.url()));
    await expect.poll(() => engineWorkers().length, { timeout: 10_000 }).toBe(1);
    const engines = engineWorkers();
    expect(engines[0]).not.toBe(crashed);
    // The restarted worker replays the dataset and answers new requests.
    await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int6, per tensor');
    expect(await metric(page, 'mse', 'a')).toBeGreaterThan(0);
    expect(await page.getByRole('slider', { name: 'Scheme A bits' }).inputValue()).toBe('6');
    await notice.getByRole('button', { name: 'Dismiss notice' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.close();
  });

  it('switches to a single-scheme view and back', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('view-layout').getByRole('radio', { name: 'Only B' }).check();
    await page.getByTestId('scheme-panel-a').waitFor({ state: 'detached' });
    await waitForReady(page, ['b']);
    expect(await page.getByTestId('metric-mse-a').count()).toBe(0);
    await page.getByTestId('view-layout').getByRole('radio', { name: 'Compare A | B' }).check();
    await waitForReady(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['light', 1280],
    ['dark', 1280],
    ['light', 768],
    ['dark', 768],
  ] as const)(
    'renders the default view in %s mode at %i px (screenshot saved)',
    async (colorScheme, width) => {
      const { page, errors } = await openExplorer({ width, colorScheme });
      // Panels stack below 1024 px: scheme B sits below scheme A.
      const a = await page.getByTestId('scheme-panel-a').boundingBox();
      const b = await page.getByTestId('scheme-panel-b').boundingBox();
      if (!a || !b) throw new Error('scheme panels missing');
      if (width < 1024) expect(b.y).toBeGreaterThan(a.y + a.height - 1);
      else expect(Math.abs(b.y - a.y)).toBeLessThan(2);
      // No horizontal overflow at either width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
      await page.screenshot({
        path: join(ARTIFACTS, `explorer-${colorScheme}-${width}.png`),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});
