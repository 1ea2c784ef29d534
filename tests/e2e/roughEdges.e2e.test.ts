/**
 * Rough edges of issue #16 that only a browser shows: the worked example's input (a NumPy list applied on leaving
 * the field, a hint while typing, the numbers shown to the digits given) and a 1024 px screen (the rounding menu
 * reads in full; the worked example's table, wider than its card, says so in words, light and dark).
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

async function open(width: number, height: number, colorScheme: 'light' | 'dark' = 'light') {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await waitForReady(page);
  await page.waitForSelector('[data-testid="worked-a"][data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

/** Whether a select shows its chosen option's text whole (text width + padding + arrow within the box). */
async function selectFits(page: Page, testId: string): Promise<{ text: string; fits: boolean }> {
  return page.getByTestId(testId).evaluate((el) => {
    const select = el instanceof HTMLSelectElement ? el : el.querySelector('select');
    if (!select) return { text: '', fits: false };
    const style = getComputedStyle(select);
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return { text: '', fits: false };
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex]?.text ?? '';
    const need =
      ctx.measureText(text).width +
      Number.parseFloat(style.paddingLeft) +
      Number.parseFloat(style.paddingRight);
    return { text, fits: need <= select.clientWidth };
  });
}

describe('the worked example input', () => {
  it('reads a NumPy list, hints while typing, applies on leaving the field and shows the digits given', async () => {
    const { page, errors } = await open(1400, 900);
    const input = page.getByTestId('worked-values');
    await input.fill('[0.0, -7.2955, -174.8314, 3e-2]');
    expect(await page.getByTestId('worked-pending').textContent()).toContain('use these 4 values');
    // Leaving the field (a click elsewhere, no Enter) applies it.
    await page.getByTestId('worked-example').locator('h2').click();
    await expect
      .poll(() => page.getByTestId('worked-a-x-2').textContent(), { timeout: 30_000 })
      .toBe('-174.8314');
    expect(await page.getByTestId('worked-a-x-3').textContent()).toBe('0.03');
    expect(await page.getByTestId('worked-pending').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a 1024 px screen', () => {
  it.each(['light', 'dark'] as const)(
    'reads the rounding menu in full and says the worked example scrolls sideways (%s)',
    async (theme) => {
      const { page, errors } = await open(1024, 768, theme);
      for (const c of ['a', 'b']) {
        const rounding = await selectFits(page, `scheme-${c}-rounding`);
        expect(rounding.text).toContain('Half to even');
        expect(rounding.fits, `scheme ${c}'s rounding menu shows "${rounding.text}" whole`).toBe(true);
      }
      // The ten default values do not fit the card at 1024 px: the table scrolls, and a line says so.
      for (const c of ['a', 'b']) {
        const box = page.getByTestId(`worked-${c}`).locator('.scroll-x');
        const overflow = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(overflow).toBeGreaterThan(0);
        const hint = page.getByTestId(`worked-${c}-scroll-hint`);
        await hint.waitFor();
        expect(await hint.textContent()).toMatch(/scroll sideways.*v1 … v10/i);
        // Scrolled to the end, the hint stays (it names all columns), the last column is in view.
        await box.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
        const last = await page.getByTestId(`worked-${c}-x-9`).boundingBox();
        const frame = await box.boundingBox();
        expect((last?.x ?? 0) + (last?.width ?? 0)).toBeLessThanOrEqual(
          (frame?.x ?? 0) + (frame?.width ?? 0) + 1,
        );
      }
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('at 1400 px the worked example fits and says nothing about scrolling', async () => {
    const { page, errors } = await open(1400, 900);
    expect(await page.getByTestId('worked-a-scroll-hint').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
