/**
 * The model lab in Chromium against the built app: train (float accuracy above 95 %), both schemes at 2 bits per
 * tensor (two different accuracies, both below float), QAT raising the accuracy, a training cancelled midway and
 * another started, and a shared link restoring the lab. Screenshots (light and dark) land in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, collectErrors, launchBrowser } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync('test-artifacts', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function openLab(query = '?tab=lab', colorScheme: 'light' | 'dark' = 'light') {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme });
  const errors = collectErrors(page);
  await page.goto(`${baseUrl}${query}`);
  await page.getByTestId('model-lab').waitFor({ timeout: 30_000 });
  return { page, errors };
}

const number = async (page: Page, testId: string, attr = 'data-value') =>
  Number(await page.getByTestId(testId).getAttribute(attr));

async function waitTrained(page: Page) {
  await page.waitForSelector('[data-testid="lab-train-status"][data-status="done"]', { timeout: 60_000 });
  await page.getByTestId('lab-float-accuracy').waitFor({ timeout: 60_000 });
}

/** Waits for the PTQ table to show accuracies for the current schemes (a new request replaces the old table). */
async function ptqAccuracies(page: Page) {
  await page.getByTestId('lab-acc-a').waitFor({ timeout: 60_000 });
  return {
    float: await number(page, 'lab-acc-float'),
    a: await number(page, 'lab-acc-a'),
    b: await number(page, 'lab-acc-b'),
  };
}

async function setBits(page: Page, channel: 'a' | 'b', bits: number) {
  const slider = page.getByTestId('model-lab').getByTestId(`scheme-${channel}-bits`);
  await slider.fill(String(bits));
}

describe('the model lab', () => {
  it('trains above 95 %, compares 2-bit absmax and zero-point, and QAT raises the accuracy', async () => {
    const { page, errors } = await openLab();
    await waitTrained(page);
    expect(await number(page, 'lab-float-accuracy')).toBeGreaterThan(0.95);
    const eight = await ptqAccuracies(page);
    expect(eight.a).toBeGreaterThan(0.93);

    await setBits(page, 'a', 2);
    await setBits(page, 'b', 2);
    await page.waitForFunction(
      () => {
        const a = document.querySelector('[data-testid="lab-acc-a"]')?.getAttribute('data-value');
        const b = document.querySelector('[data-testid="lab-acc-b"]')?.getAttribute('data-value');
        return a && b && Number(a) < 0.9 && Number(b) < 0.97;
      },
      null,
      { timeout: 60_000 },
    );
    const two = await ptqAccuracies(page);
    expect(two.a).not.toBe(two.b);
    expect(two.a).toBeLessThan(two.float);
    expect(two.b).toBeLessThan(two.float);
    await page.getByTestId('lab-bits-chart').waitFor();

    await page.getByTestId('lab-qat-scheme').locator('label', { hasText: 'Scheme A' }).click();
    await page.getByTestId('lab-qat-run').click();
    await page.waitForSelector('[data-testid="lab-qat-status"][data-status="done"]', { timeout: 90_000 });
    const final = await number(page, 'lab-qat-final');
    const start = await number(page, 'lab-qat-final', 'data-start');
    expect(start).toBeCloseTo(two.a, 6);
    expect(final).toBeGreaterThan(start);
    await page.getByTestId('lab-qat-histogram').waitFor();
    await page.getByTestId('lab-act-table').waitFor({ timeout: 60_000 });

    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({ path: 'test-artifacts/lab-light.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('cancels a training run midway and starts another', async () => {
    const { page, errors } = await openLab('?tab=lab&lab.ep=150');
    await page.waitForFunction(
      () =>
        /epoch ([3-9]|\d\d+) of 150/.test(
          document.querySelector('[data-testid="lab-train-status"]')?.textContent ?? '',
        ),
      null,
      { timeout: 60_000 },
    );
    await page.getByTestId('lab-cancel').click();
    await page.waitForSelector('[data-testid="lab-train-status"][data-status="cancelled"]');
    await expect(page.getByTestId('lab-float-accuracy').count()).resolves.toBe(0);
    // another run, with fewer epochs: it trains to the end
    const epochs = page.getByTestId('lab-epochs');
    await epochs.fill('12');
    await epochs.press('Enter');
    await waitTrained(page);
    expect(await page.getByTestId('lab-train-status').textContent()).toContain('Trained 12 epochs');
    expect(await number(page, 'lab-float-accuracy')).toBeGreaterThan(0.9);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a shared link restores the lab (dark theme)', async () => {
    const { page, errors } = await openLab(
      '?tab=lab&lab.h=48&lab.ep=10&lab.qs=a&lab.ste=clipped&lab.sw=schemes&lab.cal=percentile&lab.pct=99&lab.h2=abc',
      'dark',
    );
    await waitTrained(page);
    expect(await page.getByTestId('lab-hidden').inputValue()).toBe('48');
    expect(await page.getByTestId('lab-train-status').textContent()).toContain('Trained 10 epochs');
    await expect(page.getByTestId('lab-qat-ste').getByLabel('clipped STE').isChecked()).resolves.toBe(true);
    expect(await page.getByTestId('lab-act-calibration').inputValue()).toBe('percentile');
    // the bad field fell back, with a notice naming it
    await expect(page.getByText(/lab\.h2=abc ignored/).count()).resolves.toBeGreaterThan(0);
    await page.getByTestId('lab-act-table').waitFor({ timeout: 60_000 });
    await page.getByTestId('lab-bits-chart').waitFor({ timeout: 60_000 });
    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({ path: 'test-artifacts/lab-dark.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embeds "accuracy against bits" and the gallery without controls', async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.setViewportSize({ width: 900, height: 800 });
    await page.goto(
      `${baseUrl}?embed=1&tab=lab&charts=labbits,labgallery&a.bits=2&b.bits=2&b.method=zeroPoint`,
    );
    await page.getByTestId('embed-lab').getByTestId('lab-bits-chart').waitFor({ timeout: 60_000 });
    await page.getByTestId('embed-lab').getByTestId('lab-gallery').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('lab-train').count()).toBe(0);
    // the gallery lists digits that 2-bit A or B gets wrong and float gets right
    expect(await page.getByTestId('lab-digit').count()).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-artifacts/lab-embed.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
