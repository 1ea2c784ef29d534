/**
 * The first screen (issue #16): on a 1400×900 desktop and a 1366×768 laptop, a visitor sees without scrolling
 * or clicking A's and B's value histograms (plot area, grid strip and clip markers), their headline numbers
 * and the caption that says what the difference shows, computed from the live numbers.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The bounding box of everything `selector` matches, in viewport coordinates (null when nothing does). */
async function boxOf(page: Page, selector: string): Promise<Box | null> {
  return page.evaluate((sel) => {
    const boxes = [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect());
    if (boxes.length === 0) return null;
    return {
      top: Math.min(...boxes.map((b) => b.top)),
      bottom: Math.max(...boxes.map((b) => b.bottom)),
      left: Math.min(...boxes.map((b) => b.left)),
      right: Math.max(...boxes.map((b) => b.right)),
    };
  }, selector);
}

function expectInside(box: Box | null, width: number, height: number, what: string) {
  expect(box, `${what} is on the page`).not.toBeNull();
  if (!box) return;
  expect(box.top, `${what} top`).toBeGreaterThanOrEqual(0);
  expect(box.left, `${what} left`).toBeGreaterThanOrEqual(0);
  expect(box.bottom, `${what} bottom (viewport ${height})`).toBeLessThanOrEqual(height);
  expect(box.right, `${what} right (viewport ${width})`).toBeLessThanOrEqual(width);
}

describe('the first screen', () => {
  it.each([
    [1400, 900],
    [1366, 768],
  ] as const)(
    'at %i×%i holds both value histograms, the headline numbers and the caption',
    async (width, height) => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height });
      const errors = collectErrors(page);
      await page.goto(baseUrl);
      await waitForReady(page);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      for (const c of ['a', 'b'] as const) {
        const chart = `[data-testid="histogram-${c}"]`;
        // The plot area is framed by its two axes; the grid strip and the clip markers are drawn in it.
        expectInside(
          await boxOf(page, `${chart} .y-axis, ${chart} .x-axis`),
          width,
          height,
          `${c} plot area`,
        );
        expectInside(await boxOf(page, `${chart} .levels`), width, height, `${c} grid strip`);
        expect(await page.locator(`${chart} .clip-marker`).count()).toBe(2);
        expectInside(await boxOf(page, `${chart} .clip-marker`), width, height, `${c} clip markers`);
        for (const key of ['mse', 'sqnr', 'bpw']) {
          const cell = `[data-testid="headline-${key}-${c}"]`;
          expectInside(await boxOf(page, cell), width, height, `${c} ${key}`);
          // The headline shows the metrics table's own number.
          expect(await page.locator(cell).getAttribute('data-value')).toBe(
            await page.getByTestId(`metric-${key}-${c}`).getAttribute('data-value'),
          );
        }
      }
      // A and B side by side: their plots start at the same height.
      const a = await boxOf(page, '[data-testid="histogram-a"] svg');
      const b = await boxOf(page, '[data-testid="histogram-b"] svg');
      expect(Math.abs((a?.top ?? 0) - (b?.top ?? 1))).toBeLessThan(2);
      expect((a?.right ?? 0) <= (b?.left ?? 0)).toBe(true);
      const caption = page.getByTestId('compare-caption');
      expectInside(await boxOf(page, '[data-testid="compare-caption"]'), width, height, 'caption');
      // The caption quotes the live MSE ratio of the table (B over A, 3 significant digits).
      const ratio =
        Number(await page.getByTestId('metric-mse-b').getAttribute('data-value')) /
        Number(await page.getByTestId('metric-mse-a').getAttribute('data-value'));
      const text = (await caption.textContent()) ?? '';
      expect(text).toContain(`×${Number(ratio.toPrecision(3))} that of A's`);
      expect(text).toMatch(
        /^Absmax \(A\) spreads 255 levels symmetrically over ±[\d.]+; zero-point \(B\) spreads 256/,
      );
      // Formulas are collapsed, and one click opens them.
      expect(await page.getByTestId('formulas-a').count()).toBe(0);
      await page.getByTestId('formula-panel-a').locator('summary').click();
      await page.getByTestId('formulas-a').waitFor();
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it("at 390×844 (a phone) the story comes first: A's histogram, then B's, the caption, then the data panel", async () => {
    const width = 390;
    const height = 844;
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    const errors = collectErrors(page);
    await page.goto(baseUrl);
    await waitForReady(page);
    /** Top of what `selector` matches, in page coordinates. */
    const top = async (selector: string) => {
      const box = await boxOf(page, selector);
      expect(box, `${selector} is on the page`).not.toBeNull();
      return (box?.top ?? Number.NaN) + (await page.evaluate(() => window.scrollY));
    };
    const plot = (c: string) =>
      `[data-testid="histogram-${c}"] .y-axis, [data-testid="histogram-${c}"] .x-axis`;
    const a = await top(plot('a'));
    const b = await top(plot('b'));
    const caption = await top('[data-testid="compare-caption"]');
    const data = await top('[data-testid="data-panel"]');
    const controlsA = await top('#scheme-a-settings');
    // The data panel used to lead: A's plot started at ~1,820 px and B's at ~4,360 px (below all of A's controls).
    expect(a, "A's plot area starts within 1.3 viewports").toBeLessThan(1.3 * height);
    expect(b, "B's plot area starts within 2 viewports").toBeLessThan(2 * height);
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(caption);
    expect(caption).toBeLessThan(data);
    expect(data).toBeLessThan(controlsA);
    // Stacked, nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    // Tab order follows: the bits slider of A comes after the data panel's fields (DOM order is the order seen).
    const order = await page.evaluate(() => {
      const dataPanel = document.querySelector('[data-testid="data-panel"]');
      const settings = document.querySelector('#scheme-a-settings');
      return dataPanel && settings ? dataPanel.compareDocumentPosition(settings) : 0;
    });
    expect(order & 4, 'Node.DOCUMENT_POSITION_FOLLOWING').toBe(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the caption follows a change: A at 4 bits is far worse than B at 8', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    const errors = collectErrors(page);
    await page.goto(`${baseUrl}?v=1&a.bits=4`);
    await waitForReady(page);
    const text = (await page.getByTestId('compare-caption').textContent()) ?? '';
    // Not the absmax-vs-zero-point story (the bits differ): which one is closer, and at what cost.
    expect(text).toMatch(
      /^B \(zero-point int8, per tensor\) stays closer to the original values: B's MSE is ×0\.0/,
    );
    expect(text).toContain('more bits per weight');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('crossing the breakpoint or visiting the lab keeps what the data panel holds (a model id being typed)', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    const errors = collectErrors(page);
    await page.goto(baseUrl);
    await waitForReady(page);
    await page.getByTestId('hub-model').fill('org/some-model');
    const inAside = () =>
      page.evaluate(() => document.querySelector('[data-testid="data-panel"]')?.closest('aside') !== null);
    expect(await inAside()).toBe(true);
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="data-panel"]')?.closest('aside') === null,
    );
    expect(await page.getByTestId('hub-model').inputValue()).toBe('org/some-model');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="data-panel"]')?.closest('aside') !== null,
    );
    expect(await page.getByTestId('hub-model').inputValue()).toBe('org/some-model');
    // The model lab brings its own data: no tensor panel there, the view takes the width; back, it is as left.
    await page.getByTestId('tab-lab').click();
    await page.getByTestId('model-lab').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('data-panel').count()).toBe(0);
    const lab = await page.getByTestId('model-lab').boundingBox();
    expect(lab?.width ?? 0).toBeGreaterThan(1200);
    await page.getByTestId('tab-explore').click();
    expect(await page.getByTestId('hub-model').inputValue()).toBe('org/some-model');
    expect(errors).toEqual([]);
    await page.close();
  });
});
