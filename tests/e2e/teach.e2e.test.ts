/**
 * Teaching features in Chromium against the built app: the worked example's numbers (checked against NumPy,
 * tests/fixtures/teach/make_worked_fixture.py), formulas that follow the sliders, the mapping chart, a lesson run
 * to its end (including the step that opens the LLM.int8() view), and the theme toggle.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fixture from '../fixtures/teach/worked_fixture.json';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openExplorer(query = '') {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  const errors = collectErrors(page);
  await page.goto(`${baseUrl}${query}`);
  await waitForReady(page);
  return { page, errors };
}

/** The full-precision numbers of one step row of the worked example. */
async function workedRow(page: Page, channel: 'a' | 'b', step: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number(await page.getByTestId(`worked-${channel}-${step}-${i}`).getAttribute('data-value')));
  }
  return out;
}

async function waitWorked(page: Page) {
  await page.waitForSelector('[data-testid="worked-a"][data-ready="true"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="worked-b"][data-ready="true"]', { timeout: 30_000 });
}

/** Waits until a panel's heading names the scheme (its result is on screen). */
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

describe('the worked example', () => {
  it('reproduces the int8 codes of absmax and zero-point on the default 10-value vector, as NumPy computes them', async () => {
    const { page, errors } = await openExplorer();
    await waitWorked(page);
    const n = fixture.values.length;
    expect(await workedRow(page, 'a', 'x', n)).toEqual(fixture.values);
    // Absmax int8: the Hugging Face blog's codes for the first eight values, and NumPy's for all ten.
    const codesA = await workedRow(page, 'a', 'clamped', n);
    expect(codesA.slice(0, 8)).toEqual([28, -12, -101, 28, -73, 19, 56, 127]);
    expect(codesA).toEqual(fixture.absmax.codes);
    expect(await workedRow(page, 'a', 'dequantized', n)).toEqual(fixture.absmax.dequantized);
    // Zero-point int8: signed codes, the unsigned view, and dequantized values, bit for bit.
    expect(await workedRow(page, 'b', 'clamped', n)).toEqual(fixture.zeroPoint.codes);
    expect(await workedRow(page, 'b', 'unsigned', n)).toEqual(fixture.zeroPoint.unsignedCodes);
    expect(await workedRow(page, 'b', 'dequantized', n)).toEqual(fixture.zeroPoint.dequantized);
    // The parameters printed above the tables.
    const paramsA = await page
      .getByTestId('worked-params-a')
      .locator('dd')
      .evaluateAll((dd) => dd.map((d) => Number(d.getAttribute('data-value'))));
    expect(paramsA).toContain(fixture.absmax.alpha);
    expect(paramsA).toContain(fixture.absmax.scale);
    const paramsB = await page
      .getByTestId('worked-params-b')
      .locator('dd')
      .evaluateAll((dd) => dd.map((d) => Number(d.getAttribute('data-value'))));
    expect(paramsB).toContain(fixture.zeroPoint.scale);
    expect(paramsB).toContain(fixture.zeroPoint.zeroPoint);
    // The highlighted cell is the largest |x̂ − x| (first one on a tie), computed here from NumPy's numbers.
    const errorsA = fixture.absmax.dequantized.map((v, i) => Math.abs(Math.fround(v - fixture.values[i])));
    const worst = errorsA.indexOf(Math.max(...errorsA));
    await expect
      .poll(() => page.getByTestId(`worked-a-error-${worst}`).getAttribute('class'))
      .toContain('worked-worst-cell');
    expect(await page.locator('[data-testid="worked-a"] .worked-worst-cell').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes a typed vector (a tie rounds to even) and 10 values from the matrix', async () => {
    const { page, errors } = await openExplorer();
    await waitWorked(page);
    const input = page.getByTestId('worked-values');
    await input.fill('0.5, -1, 0.25, 1');
    await input.press('Enter');
    // By hand: α = 1, x/Δ = 127·x → 63.5 (a tie: even code 64), −127, 31.75 → 32, 127.
    await expect
      .poll(() => workedRow(page, 'a', 'clamped', 4), { timeout: 30_000 })
      .toEqual([64, -127, 32, 127]);
    // A bad vector is refused with a reason, and the table keeps the previous one.
    await input.fill('1, two, 3');
    await input.press('Enter');
    await expect
      .poll(() => page.getByTestId('worked-example').getByRole('alert').textContent())
      .toContain('"two"');
    expect(await workedRow(page, 'a', 'clamped', 4)).toEqual([64, -127, 32, 127]);

    await page.getByTestId('worked-sample').click();
    await expect
      .poll(() => page.getByTestId('worked-values').inputValue(), { timeout: 30_000 })
      .not.toContain('0.5, -1');
    const sampled = (await input.inputValue()).split(',').map(Number);
    expect(sampled).toHaveLength(10);
    expect(sampled.every(Number.isFinite)).toBe(true);
    await expect
      .poll(() => page.getByTestId('worked-a-x-9').getAttribute('data-value'))
      .toBe(String(Math.fround(sampled[9])));
    expect(await page.getByTestId('worked-example').textContent()).toMatch(
      /Taken from row \d+, columns \d+–\d+ of the matrix/,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('formulas with live numbers', () => {
  it('typesets both spellings with the current numbers and follows the bits slider', async () => {
    const { page, errors } = await openExplorer();
    // The formulas are collapsed at first (the charts come first): open both panels'.
    for (const c of ['a', 'b']) await page.getByTestId(`formula-panel-${c}`).locator('summary').click();
    const texA = () =>
      page
        .getByTestId('formulas-a')
        .locator('[data-tex]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-tex')).join(' '));
    expect(await texA()).toContain('q_{\\max} = 2^{8-1}-1 = 127');
    expect(await texA()).toContain('s = \\frac{q_{\\max}}{\\alpha}');
    // KaTeX loads on first use, then typesets every line.
    await expect.poll(() => page.getByTestId('formulas-a').locator('.katex').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('formulas-b').textContent()).toContain('zero point');
    const steps8 = Number(
      await page.locator('[data-testid="mapping-chart-a"] path.staircase').getAttribute('data-steps'),
    );
    expect(steps8).toBeGreaterThan(20);

    await page.getByRole('slider', { name: 'Scheme A bits' }).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await settle(page, 'a', 'absmax int4, per tensor');
    await expect.poll(texA).toContain('q_{\\max} = 2^{4-1}-1 = 7');
    // 4 bits: 15 levels, at most 14 steps of the staircase inside the range shown.
    const steps4 = Number(
      await page.locator('[data-testid="mapping-chart-a"] path.staircase').getAttribute('data-steps'),
    );
    expect(steps4).toBeGreaterThan(0);
    expect(steps4).toBeLessThanOrEqual(14);
    // Δ printed in the formula is the engine's step of the group (shown under the histogram too).
    const deltaLine = (await texA()).match(
      /\\Delta = \\frac\{\\alpha\}\{q_\{\\max\}\} = \\frac\{[^}]*\}\{7\} = ([0-9.]+)/,
    );
    const shown = (await page.getByTestId('chart-values-a').textContent())?.match(/step Δ\s*([0-9.e-]+)/);
    expect(deltaLine?.[1]).toBeDefined();
    expect(shown?.[1]).toBeDefined();
    expect(Number(deltaLine?.[1])).toBeCloseTo(Number(shown?.[1]), 4);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('guided lessons', () => {
  it('runs the granularity lesson to its end: each step sets the state, and the link follows', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('lessons-button').click();
    await page.getByTestId('lesson-start-granularity').click();
    const expected = [
      ['absmax int4, per tensor', 'absmax int4, per row'],
      ['absmax int4, per tensor', 'absmax int4, per column'],
      ['absmax int4, per row', 'absmax int4, group 32'],
      ['absmax int4, per row', 'absmax int4, group 32'],
    ];
    for (let step = 0; step < expected.length; step++) {
      await expect
        .poll(() => page.getByTestId('lesson-step-title').textContent())
        .toContain(`Step ${step + 1} of 4`);
      await settle(page, 'a', expected[step][0]);
      await settle(page, 'b', expected[step][1]);
      // What the step says to look at is outlined: 300 ms after the step is drawn (useLessonRunner), which may be
      // after both schemes have answered (a step that only changes the view reuses their last results).
      await expect.poll(() => page.locator('[data-lesson-look]').count()).toBeGreaterThan(0);
      if (step < expected.length - 1) await page.getByTestId('lesson-next').click();
    }
    expect(await page.getByTestId('lesson-done').isVisible()).toBe(true);
    // The matrix of the lesson: 8 outlier columns, no spikes (step 1 set it).
    expect(await page.getByTestId('generator-outlier-cols').inputValue()).toBe('8');
    await expect.poll(() => page.url()).toContain('lesson=granularity&step=4');
    // Per column lowered B's MSE below per tensor in step 2; now group 32 beats per row.
    const mse = async (c: 'a' | 'b') =>
      Number(await page.getByTestId(`metric-mse-${c}`).getAttribute('data-value'));
    expect(await mse('b')).toBeLessThan(await mse('a'));
    await page.getByTestId('lesson-back').click();
    await expect.poll(() => page.getByTestId('lesson-step-title').textContent()).toContain('Step 3 of 4');
    await page.getByTestId('lesson-end').click();
    expect(await page.getByTestId('lesson-panel').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the LLM.int8() lesson opens its view with the parameters of the step', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('lessons-button').click();
    await page.getByTestId('lesson-start-llm-int8').click();
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('lesson-next').click();
    await expect.poll(() => page.getByTestId('tab-llmInt8').getAttribute('aria-selected')).toBe('true');
    await page.waitForSelector('[data-testid="llm-int8-view"][data-ready="true"]', { timeout: 60_000 });
    // The step's matrix (plain normal weights) replaces the previous one once generated: the ratio follows.
    const ratio = () => page.getByTestId('llm-mse-ratio').getAttribute('data-value').then(Number);
    await expect.poll(ratio, { timeout: 60_000 }).toBeGreaterThan(20);
    expect(await ratio()).toBeLessThan(30);
    expect(await page.getByTestId('llm-outlier-count').textContent()).toContain('4');
    // Next step: threshold 30, nothing kept, both products equal.
    await page.getByTestId('lesson-next').click();
    await expect
      .poll(() => page.getByTestId('llm-outlier-count').textContent(), { timeout: 60_000 })
      .toMatch(/^0/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a link to a lesson step opens that step', async () => {
    const { page, errors } = await openExplorer('?lesson=rounding&step=2');
    await expect
      .poll(() => page.getByTestId('lesson-step-title').textContent())
      .toContain('Step 2 of 4: Stochastic rounding');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('themes', () => {
  it('follows the system by default, and the toggle switches and is remembered', async () => {
    const page = await browser.context.newPage();
    await page.emulateMedia({ colorScheme: 'dark' });
    const errors = collectErrors(page);
    await page.goto(baseUrl);
    await waitForReady(page);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    expect(await theme()).toBe('dark');
    const toggle = page.getByTestId('theme-toggle');
    await toggle.getByRole('radio', { name: 'Light' }).check();
    expect(await theme()).toBe('light');
    // Charts read their colours from the theme's variables: the axis text differs from the page background.
    const colours = await page.evaluate(() => {
      const text = document.querySelector('[data-testid="histogram-a"] g.tick text');
      return {
        axis: text ? getComputedStyle(text).fill : '',
        background: getComputedStyle(document.querySelector('.panel') as Element).backgroundColor,
      };
    });
    expect(colours.axis).not.toBe('');
    expect(colours.axis).not.toBe(colours.background);
    await page.reload();
    await waitForReady(page);
    expect(await theme()).toBe('light');
    await page.getByTestId('theme-toggle').getByRole('radio', { name: 'System' }).check();
    expect(await theme()).toBe('dark');
    expect(errors).toEqual([]);
    await page.close();
  });
});
