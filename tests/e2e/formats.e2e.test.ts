/**
 * The format zoo (issue #5) in real Chromium against the built `dist/`: any format as scheme A or B with its
 * bits per weight, the grid strip, the three clipping thresholds, the sweep (points, Pareto front, set as A,
 * cancel) and the LLM.int8() view. The engine runs in its Web Worker exactly as for a user.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { computeQuantView, DEFAULT_GENERATOR, DEFAULT_VIEW, generateTensor } from '../../src/core';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';

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

async function openExplorer(options: { width?: number; colorScheme?: 'light' | 'dark' } = {}) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: options.width ?? 1280, height: 900 });
  await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await waitForReady(page);
  return { page, errors };
}

async function metric(page: Page, key: string, channel: 'a' | 'b'): Promise<number> {
  return Number(await page.getByTestId(`metric-${key}-${channel}`).getAttribute('data-value'));
}

/** Waits until `channel`'s panel is ready and its heading names `description`. */
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

async function pickBlock(page: Page, channel: 'a' | 'b', format: string) {
  await page.getByTestId(`scheme-${channel}-method`).selectOption('block');
  await page.getByTestId(`scheme-${channel}-block-format`).selectOption(format);
}

describe('any format as scheme A or B', () => {
  it('NF4 as A and MXFP4 as B: 4.5 and 4.25 bits per weight, histograms drawn', async () => {
    const { page, errors } = await openExplorer();
    await pickBlock(page, 'a', 'nf4');
    await pickBlock(page, 'b', 'mxfp4');
    await settle(page, 'a', 'NF4');
    await settle(page, 'b', 'MXFP4');
    expect(await metric(page, 'bpw', 'a')).toBe(4.5);
    expect(await metric(page, 'bpw', 'b')).toBe(4.25);
    // The storage assumed is said beside the picker and under the table.
    expect(await page.getByTestId('scheme-a-storage').textContent()).toContain(
      'NF4 elements + FP32 absmax per 64',
    );
    expect(await page.getByTestId('scheme-b-storage').textContent()).toContain('E8M0 scale per 32');
    for (const c of ['a', 'b'] as const) {
      const drawn = await page.locator(`[data-testid="histogram-${c}"] path.dequantized`).evaluate((p) => ({
        rects: (p.getAttribute('d') ?? '').split('Z').length - 1,
        height: (p as SVGPathElement).getBBox().height,
      }));
      expect(drawn.rects).toBeGreaterThan(3);
      expect(drawn.height).toBeGreaterThan(20);
    }
    // NF4's grid: 16 levels of one block, unevenly spaced.
    expect(await page.getByTestId('grid-a').getAttribute('data-levels')).toBe('16');
    expect(await page.getByTestId('grid-note-a').textContent()).toMatch(/16 levels; gap .* next to zero/);
    // NF4 with double quantization: ≈4.127 bits per weight.
    await page.getByTestId('scheme-a-double-quant').check();
    await settle(page, 'a', 'NF4 + double quant');
    expect(await metric(page, 'bpw', 'a')).toBeCloseTo(4 + 8 / 64 + (32 * 4 + 32) / 65536, 10);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a float format shows its uneven grid, and switching family back restores the integer settings', async () => {
    const { page, errors } = await openExplorer();
    await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int4');
    await page.getByTestId('scheme-a-method').selectOption('float');
    await page.getByTestId('scheme-a-float-format').selectOption('e2m1');
    await settle(page, 'a', 'FP4 E2M1, scaled per row');
    // 15 FP4 values: gaps from 0.5·s next to zero to 2·s at the edge, a 4x ratio.
    expect(await page.getByTestId('grid-a').getAttribute('data-levels')).toBe('15');
    expect(await page.getByTestId('grid-note-a').textContent()).toContain('4.00×');
    expect(await page.locator('[data-testid="grid-a"] path.links').getAttribute('d')).toMatch(/^M/);
    await page.getByTestId('scheme-a-method').selectOption('absmax');
    await settle(page, 'a', 'absmax int4, per tensor');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('OCTAV clipping draws the MSE-optimal, KL and OCTAV thresholds with a legend', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('scheme-a-clipping').selectOption('octav');
    await page.waitForSelector('[data-testid="threshold-a-octav"]', { timeout: 30_000 });
    await waitForReady(page, ['a']);
    const keys = await page
      .locator('[data-testid="histogram-a"] g.value-marker')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-key')));
    expect([...keys].sort()).toEqual([
      'kl:hi',
      'kl:lo',
      'mseOptimal:hi',
      'mseOptimal:lo',
      'octav:hi',
      'octav:lo',
    ]);
    expect(await page.getByTestId('threshold-a-octav').textContent()).toContain('(in use)');
    // The clip range in use is OCTAV's threshold.
    const octav = Number(await page.getByTestId('threshold-a-octav').getAttribute('data-hi'));
    const hi = Number(await page.locator('[data-testid="histogram-a"] g.clip-hi').getAttribute('data-value'));
    expect(hi).toBeCloseTo(octav, 6);
    expect(await metric(page, 'clipped', 'a')).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('GGUF k-quants on helper threads', () => {
  it('the page is cross-origin isolated; Q4_K at 1024² splits its search over the helpers and gets the one-thread result', async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    // A zoom of one's own (here from the link): a new matrix is then one request per scheme, where the default
    // zoom (useDefaultZoom) would ask again with the new matrix's range, and that second view reuses the search.
    await page.goto(`${baseUrl}?v=1&rows=1024&cols=1024&range=-0.05,0.05`);
    await waitForReady(page);
    const scope = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }));
    expect(scope.isolated).toBe(true);
    // src/worker/helperWorkers.ts: one helper per core beyond the engine's, at most three
    const threads = 1 + Math.max(0, Math.min(3, scope.cores - 1));
    await pickBlock(page, 'a', 'q4_k');
    await settle(page, 'a', 'GGUF Q4_K');
    // The first search starts the helpers, which are still loading when the engine has done its own part (it
    // then runs theirs too): ask for new matrices (seeds 2, 3, …; each a new search, where a view change would
    // reuse the kept quantization) until one is split.
    const panel = page.getByTestId('scheme-panel-a');
    let seed = 1;
    await expect
      .poll(
        async () => {
          seed++;
          const mean = await page.getByTestId('summary-mean').textContent();
          await page.getByTestId('generator-seed').fill(String(seed));
          await page.getByTestId('generator-seed').press('Enter');
          await expect
            .poll(() => page.getByTestId('summary-mean').textContent(), { timeout: 30_000 })
            .not.toBe(mean);
          await page.waitForSelector('[data-testid="data-panel"]:not(:has-text("generating…"))');
          await waitForReady(page, ['a']);
          const timing = panel.locator('[data-threads]');
          expect(await timing.getAttribute('data-reused')).toBe('none');
          // the search and the measuring pass both split (the helper may miss either while it warms up)
          return [
            Number(await timing.getAttribute('data-threads')),
            Number(await timing.getAttribute('data-measuring-threads')),
          ];
        },
        { timeout: 90_000 },
      )
      .toEqual([threads, threads]);
    // the panel's timing says so, in its text and its tooltip
    const timing = panel.locator('[data-threads]');
    expect(await timing.textContent()).toMatch(threads > 1 ? new RegExp(`ms · ${threads} threads$`) : /ms$/);
    expect(await timing.getAttribute('title')).toContain(
      threads > 1 ? `split over ${threads} threads; measured on ${threads} threads` : 'WebAssembly',
    );
    // The split search gives what one thread gives in Node on the same matrix.
    const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 1024, cols: 1024, seed });
    const alone = computeQuantView(t, { kind: 'block', format: 'q4_k' }, DEFAULT_VIEW);
    expect(alone.threads).toBe(1);
    expect(await metric(page, 'mse', 'a')).toBe(alone.metrics.mse);
    // Another group is only a view change: everything measured is reused, nothing split, the same metrics.
    await page.getByTestId('group-a-index').fill('7');
    await page.waitForFunction(
      () => {
        const p = document.querySelector('[data-testid="scheme-panel-a"]');
        return p?.getAttribute('data-ready') === 'true' && p.textContent?.includes('group 7');
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(await timing.getAttribute('data-reused')).toBe('measuring');
    expect(await timing.textContent()).toMatch(/ms · reused$/);
    expect(await timing.getAttribute('data-threads')).toBe('1');
    expect(await timing.getAttribute('data-measuring-threads')).toBe('1');
    expect(await timing.getAttribute('title')).toContain('only the group shown changed');
    expect(await metric(page, 'mse', 'a')).toBe(alone.metrics.mse);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the sweep', () => {
  it('runs with progress, draws points and a Pareto front, and a clicked point becomes scheme A', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('tab-sweep').click();
    await page.getByTestId('sweep-run').click();
    await page.waitForSelector('[data-testid="sweep-status"]', { timeout: 60_000 });
    expect(await page.getByTestId('sweep-status').textContent()).toMatch(/^84 schemes in/);
    const points = page.locator('[data-testid="sweep-chart"] path.point');
    expect(await points.count()).toBe(84);
    const frontCount = await page
      .locator('[data-testid="sweep-chart"] path.point[data-front="true"]')
      .count();
    expect(frontCount).toBeGreaterThan(3);
    expect(
      Number(await page.locator('[data-testid="sweep-chart"] path.front').getAttribute('data-points')),
    ).toBe(frontCount);
    expect(new Set(await points.evaluateAll((ps) => ps.map((p) => p.getAttribute('data-family')))).size).toBe(
      7,
    );

    // Hover names the point; a click selects it; "Set as A" applies it.
    const target = page.locator('[data-testid="sweep-chart"] path.point[data-family="nv"]').first();
    const box = await target.boundingBox();
    if (!box) throw new Error('no NVFP4 / NF4 point');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByRole('tooltip').waitFor();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const label = (await page.getByTestId('sweep-selected-label').textContent()) ?? '';
    expect(label).toMatch(/NVFP4|NF4/);
    await page.getByTestId('sweep-set-a').click();
    expect(await page.getByTestId('sweep-applied').textContent()).toContain(`Scheme A is now ${label}`);
    await page.getByTestId('tab-explore').click();
    await settle(page, 'a', label);
    expect(await metric(page, 'bpw', 'a')).toBeGreaterThanOrEqual(4.12);
    // The sweep result is still there when coming back.
    await page.getByTestId('tab-sweep').click();
    expect(await points.count()).toBe(84);

    // Keyboard: the chart steps through the points with the arrow keys.
    await page.getByTestId('sweep-chart-keys').focus();
    await page.keyboard.press('Home');
    const first = await page.getByTestId('sweep-selected-label').textContent();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('sweep-selected-label').textContent()).not.toBe(first);
    await page.getByTestId('sweep-metric').getByRole('radio', { name: 'SQNR (dB)' }).check();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="sweep-chart"] text.y-title')?.textContent?.startsWith('SQNR'),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Cancel stops a running sweep, and the engine answers the explorer right after', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('tab-sweep').click();
    await page.getByTestId('sweep-run').click();
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="sweep-progress"]') as HTMLProgressElement | null)?.value ??
          0) >= 3,
      undefined,
      { timeout: 30_000 },
    );
    await page.getByTestId('sweep-cancel').click();
    await page.waitForSelector('[data-testid="sweep-status"]');
    expect(await page.getByTestId('sweep-status').textContent()).toMatch(/^Cancelled/);
    expect(await page.getByTestId('sweep-progress').count()).toBe(0);
    expect(await page.getByTestId('sweep-run').isEnabled()).toBe(true);
    // No result was completed, so no chart; the worker stopped between schemes and serves the explorer.
    expect(await page.locator('[data-testid="sweep-chart"]').count()).toBe(0);
    await page.getByTestId('tab-explore').click();
    await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
    await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int7');
    // A new run starts from scratch and completes.
    await page.getByTestId('tab-sweep').click();
    await page.getByTestId('sweep-run').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="sweep-status"]')?.textContent?.startsWith('84 schemes'),
      undefined,
      { timeout: 60_000 },
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('LLM.int8()', () => {
  it('finds the outlier columns and beats plain int8 on the product error', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('tab-llmInt8').click();
    await page.waitForSelector('[data-testid="llm-int8-view"][data-ready="true"]', { timeout: 30_000 });
    // Default: 4 outlier features of magnitude ~20 in 64 tokens x 256 features, threshold 6.
    expect(Number(await page.getByTestId('llm-outlier-count').getAttribute('data-value'))).toBe(4);
    expect(
      Number(await page.locator('[data-testid="llm-features"] path.flags').getAttribute('data-flags')),
    ).toBe(4);
    const mixed = Number(await page.getByTestId('llm-mse-mixed').getAttribute('data-value'));
    const int8 = Number(await page.getByTestId('llm-mse-int8').getAttribute('data-value'));
    expect(mixed).toBeGreaterThan(0);
    // Outliers of ~20 in a few columns make plain int8 spend its levels on them (LLM.int8() §3.2).
    expect(mixed).toBeLessThan(int8 / 2);
    expect(await page.getByTestId('llm-outlier-list').textContent()).toMatch(
      /Outlier features: \d+, \d+, \d+, \d+\./,
    );
    // Both Y-error heatmaps are painted.
    for (const id of ['llm-heatmap-int8', 'llm-heatmap-mixed']) {
      const opaque = await page.locator(`[data-testid="${id}"] canvas`).evaluate((node) => {
        const canvas = node as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        if (data) for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      });
      expect(opaque).toBeGreaterThan(100);
    }
    // Lowering the threshold keeps more columns in FP16.
    await page.getByTestId('llm-threshold').focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft'); // 6 -> 4
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid="llm-outlier-count"]')?.getAttribute('data-value')) > 4,
      undefined,
      { timeout: 30_000 },
    );
    await page.keyboard.press('End'); // 20
    // Without outliers (magnitude 3: every |x| stays below 6) LLM.int8() is plain int8: the same product.
    await page.getByTestId('llm-threshold').focus();
    for (let i = 0; i < 28; i++) await page.keyboard.press('ArrowLeft'); // 20 -> 6
    const magnitude = page.getByTestId('llm-outlier-magnitude');
    await magnitude.fill('3');
    await magnitude.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="llm-outlier-count"]')?.getAttribute('data-value') === '0',
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForSelector('[data-testid="llm-int8-view"][data-ready="true"]');
    const same = Number(await page.getByTestId('llm-mse-ratio').getAttribute('data-value'));
    expect(same).toBeCloseTo(1, 12);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** The right edge of the element with `testId` stays inside the viewport (the page's other panels are not checked). */
async function expectInside(page: Page, testId: string, width: number) {
  const box = await page.getByTestId(testId).first().boundingBox();
  if (!box) throw new Error(`${testId} has no box`);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
}

describe('screenshots', () => {
  it.each([
    ['light', 1280],
    ['dark', 1280],
    ['light', 768],
    ['dark', 768],
  ] as const)('the format views in %s mode at %i px stay inside the viewport', async (colorScheme, width) => {
    const { page, errors } = await openExplorer({ width, colorScheme });
    await pickBlock(page, 'a', 'nf4');
    await page.getByTestId('scheme-b-method').selectOption('float');
    await settle(page, 'a', 'NF4');
    await settle(page, 'b', 'FP8 E4M3');
    for (const id of [
      'scheme-a-storage',
      'scheme-b-storage',
      'chart-grid-a',
      'chart-grid-b',
      'workspace-tabs',
    ])
      await expectInside(page, id, width);
    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({
      path: join(ARTIFACTS, `formats-explorer-${colorScheme}-${width}.png`),
      fullPage: true,
    });
    await page.getByTestId('tab-sweep').click();
    await page.getByTestId('sweep-run').click();
    await page.waitForSelector('[data-testid="sweep-status"]', { timeout: 60_000 });
    const point = await page
      .locator('[data-testid="sweep-chart"] path.point[data-front="true"]')
      .nth(3)
      .boundingBox();
    if (!point) throw new Error('no front point');
    await page.mouse.click(point.x + point.width / 2, point.y + point.height / 2);
    await page.getByTestId('sweep-selected-label').waitFor();
    for (const id of ['sweep-view', 'sweep-chart', 'sweep-selection']) await expectInside(page, id, width);
    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({
      path: join(ARTIFACTS, `formats-sweep-${colorScheme}-${width}.png`),
      fullPage: true,
    });
    await page.getByTestId('tab-llmInt8').click();
    await page.waitForSelector('[data-testid="llm-int8-view"][data-ready="true"]', { timeout: 30_000 });
    for (const id of ['llm-int8-view', 'llm-features', 'llm-heatmap-int8', 'llm-heatmap-mixed'])
      await expectInside(page, id, width);
    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({
      path: join(ARTIFACTS, `formats-llmint8-${colorScheme}-${width}.png`),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});
