/**
 * A bits change in the frame of its key press (issue #16; core/sameFrame.ts): once the page holds its copy of the
 * tensor and the worker has measured the kind of scheme as cheap, the first animation frame after the key press
 * already holds the new result (the page computed it in the key's task, before any worker reply could be handled),
 * and its numbers are the ones the worker gives for the same scheme (the share link opened in a fresh page).
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

const panelA = '[data-testid="scheme-panel-a"]';

/** Presses `key` on scheme A's bits slider and reads panel A in the first animation frame after the key press. */
async function pressAndReadFirstFrame(page: Page, key: string) {
  await page.evaluate((selector) => {
    const w = window as unknown as { __firstFrame?: Promise<Record<string, string | null>> };
    w.__firstFrame = new Promise((resolve) => {
      document.addEventListener(
        'keydown',
        () => {
          const panel = document.querySelector(selector) as HTMLElement;
          const headline = (key: string) =>
            document.querySelector(`[data-testid="headline-${key}-a"]`)?.getAttribute('data-value') ?? null;
          const before = panel.getAttribute('data-result');
          const bpwBefore = headline('bpw');
          requestAnimationFrame(() =>
            resolve({
              before,
              bpwBefore,
              result: panel.getAttribute('data-result'),
              shown: panel.getAttribute('data-shown'),
              onPage: panel.getAttribute('data-on-page'),
              mse: headline('mse'),
              bpw: headline('bpw'),
            }),
          );
        },
        { capture: true, once: true },
      );
    });
  }, panelA);
  await page.keyboard.press(key);
  return page.evaluate(
    () => (window as unknown as { __firstFrame: Promise<Record<string, string | null>> }).__firstFrame,
  );
}

async function mse(page: Page): Promise<number> {
  await waitForReady(page, ['a']);
  return Number(await page.getByTestId('metric-mse-a').getAttribute('data-value'));
}

describe('a change in its own frame', () => {
  it('shows a cheap bits change in the first frame after the key press, with the numbers the worker gives', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    const errors = collectErrors(page);
    await page.goto(baseUrl);
    await waitForReady(page);
    // A kind of scheme whose results are not cached yet: per row. Its first result is the worker's (which books
    // its cost); the mirror is asked for once the first results are painted.
    await page.locator(panelA).getByRole('radio', { name: 'Row' }).check();
    await waitForReady(page, ['a']);
    const slider = page.getByRole('slider', { name: 'Scheme A bits' });
    await slider.focus();

    // Until the page holds the mirror, changes go to the worker; then one key press is computed on the page.
    let frame: Record<string, string | null> | null = null;
    for (let attempt = 0; attempt < 6 && frame?.onPage !== 'true'; attempt++) {
      await page.waitForTimeout(500);
      frame = await pressAndReadFirstFrame(page, 'ArrowLeft');
      await waitForReady(page, ['a']);
    }
    expect(frame?.onPage).toBe('true');
    // The first frame after the key holds the new result: a new data-result, shown, with the headline numbers
    // (MSE, bits per weight) of the new bits — the ones the metrics table settles on.
    expect(frame?.result).not.toBe(frame?.before);
    expect(frame?.shown).toBe('true');
    expect(frame?.bpw).not.toBe(frame?.bpwBefore);
    const bits = await slider.inputValue();
    const onPageMse = await mse(page);
    expect(Number(frame?.mse)).toBe(onPageMse);
    expect(await page.getByTestId('metric-bpw-a').getAttribute('data-value')).toBe(frame?.bpw);
    expect(await page.locator(panelA).getAttribute('data-on-page')).toBe('true');

    // The same scheme computed by the worker: the share link (the address bar follows the state) in a fresh page,
    // whose first result is always the worker's.
    await page.waitForFunction((b) => new URLSearchParams(location.search).get('a.bits') === b, bits);
    const fresh = await browser.context.newPage();
    await fresh.goto(page.url());
    await waitForReady(fresh);
    expect(await fresh.locator(panelA).getAttribute('data-on-page')).toBe('false');
    expect(await fresh.getByRole('slider', { name: 'Scheme A bits' }).inputValue()).toBe(bits);
    expect(await mse(fresh)).toBe(onPageMse);
    expect(errors).toEqual([]);
    await fresh.close();
    await page.close();
  });
});
