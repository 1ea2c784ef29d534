/**
 * Issue #19 in Chromium against the built app: a raw float cast shows what a plain cast does with +Inf, −Inf and
 * NaN (in the worked example, as three extra columns, and in the formula panel), on by default and switchable
 * off; and the integer storage options change the storage line.
 */
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

async function open(query: string) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = collectErrors(page);
  await page.goto(`${baseUrl}${query}`);
  await waitForReady(page);
  return { page, errors };
}

const E4M3_RAW = '?a.kind=float&a.fmt=e4m3&a.scaling=none&a.gs=32&a.sat=1';

describe('plain casts of non-finite values', () => {
  it('the worked example adds +Inf, −Inf and NaN for a raw E4M3 cast: NaN codes, with the reasons', async () => {
    const { page, errors } = await open(E4M3_RAW);
    await page.waitForSelector('[data-testid="worked-a"][data-ready="true"]', { timeout: 30_000 });
    const count = await page.locator('[data-testid^="worked-a-x-"]').count();
    const cell = (step: string, i: number) => page.getByTestId(`worked-a-${step}-${i}`);
    // the last three columns: x = +Inf, −Inf, NaN; codes 0x7F, 0xFF, 0x7F (E4M3FN's NaN), values NaN
    expect(await cell('x', count - 3).getAttribute('data-value')).toBe('Infinity');
    expect(await cell('clamped', count - 3).getAttribute('data-value')).toBe(String(0x7f));
    expect(await cell('clamped', count - 2).getAttribute('data-value')).toBe(String(0xff));
    expect(await cell('dequantized', count - 1).getAttribute('data-value')).toBe('NaN');
    expect(await page.getByTestId('worked-a').textContent()).toContain(
      '+Inf becomes NaN in FP8 E4M3: the format has no Inf',
    );
    // switched off: the typed vector alone
    await page.getByTestId('worked-a-casts').uncheck();
    await expect.poll(() => page.locator('[data-testid^="worked-a-x-"]').count()).toBe(count - 3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('FP4 has no code for them: "none" in the worked example and in the formula panel', async () => {
    const { page, errors } = await open('?a.kind=float&a.fmt=e2m1&a.scaling=none&a.gs=32&a.sat=1');
    await page.waitForSelector('[data-testid="worked-a"][data-ready="true"]', { timeout: 30_000 });
    const count = await page.locator('[data-testid^="worked-a-x-"]').count();
    expect(await page.getByTestId(`worked-a-clamped-${count - 1}`).textContent()).toBe('none');
    // The formulas are collapsed by default (the first screen shows the charts): open A's.
    await page.getByTestId('formula-panel-a').locator('summary').click();
    await page.waitForSelector('[data-testid="formulas-a-casts"]', { timeout: 30_000 });
    expect(await page.getByTestId('formulas-a-cast-code-NaN').textContent()).toBe('none');
    expect(await page.getByTestId('formulas-a-casts').textContent()).toContain('has no code in FP4 E2M1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the formula panel of FP16 keeps ±Inf', async () => {
    const { page, errors } = await open('?a.kind=float&a.fmt=fp16&a.scaling=none&a.gs=32&a.sat=1');
    // The formulas are collapsed by default (the first screen shows the charts): open A's.
    await page.getByTestId('formula-panel-a').locator('summary').click();
    await page.waitForSelector('[data-testid="formulas-a-casts"]', { timeout: 30_000 });
    expect(await page.getByTestId('formulas-a-cast-code-+Inf').textContent()).toBe('0x7C00');
    expect(await page.getByTestId('formulas-a-cast-code-−Inf').textContent()).toBe('0xFC00');
    await page.getByTestId('formulas-a-casts-toggle').uncheck();
    expect(await page.getByTestId('formulas-a-cast-code-NaN').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('integer storage options', () => {
  it('an FP16 zero point makes int4 group-128 zero-point 4.25 bits per weight, and the link keeps it', async () => {
    const { page, errors } = await open('?b.kind=integer&b.method=zeroPoint&b.bits=4&b.gran=group&b.gs=128');
    await page.getByTestId('scheme-b-zero-point-storage').selectOption('fp16');
    await expect
      .poll(async () => (await page.getByTestId('scheme-panel-b').textContent()) ?? '', { timeout: 30_000 })
      .toContain('int4 + FP16 scale + FP16 zero point per group of 128');
    await expect.poll(() => page.url()).toContain('b.zstore=fp16');
    expect(errors).toEqual([]);
    await page.close();
  });
});
