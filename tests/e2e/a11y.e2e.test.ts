/**
 * Accessibility in Chromium (issue #16): axe-core (from npm, injected into the page) finds no violation on the main
 * page, the embed and a lesson, in light and dark; the first Tab reaches a skip link that lands on scheme A's
 * settings, from where the bits slider is a few Tabs away.
 */
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';

const baseUrl = inject('baseUrl');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's violations on the page (WCAG 2.x A and AA rules and best practices), as readable lines. */
async function axeViolations(page: Page | Frame): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as Violation[];
  return violations.map(
    (v) =>
      `${v.id}: ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => `${n.target.join(' ')} (${n.failureSummary?.split('\n')[1]?.trim() ?? ''})`)
        .join('; ')}`,
  );
}

async function open(url: string, colorScheme: 'light' | 'dark') {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
  const errors = collectErrors(page);
  await page.goto(url);
  return { page, errors };
}

describe('axe-core finds no violation', () => {
  it.each(['light', 'dark'] as const)('on the main page (%s)', async (theme) => {
    const { page, errors } = await open(baseUrl, theme);
    await waitForReady(page);
    // The formulas of A open too, so their markup is checked as well.
    await page.getByTestId('formula-panel-a').locator('summary').click();
    await page.getByTestId('formulas-a').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'on the main page at 390 px, where the order differs (%s)',
    async (theme) => {
      const { page, errors } = await open(baseUrl, theme);
      await page.setViewportSize({ width: 390, height: 844 });
      await waitForReady(page);
      await page.getByTestId('formula-panel-a').locator('summary').click();
      await page.getByTestId('formulas-a').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)('on the embed (%s)', async (theme) => {
    const { page, errors } = await open(`${baseUrl}?embed=1&charts=hist,error,metrics,mapping`, theme);
    for (const c of ['a', 'b'])
      await page.locator(`[data-testid="embed-scheme-${c}"][data-ready="true"]`).waitFor({ timeout: 30_000 });
    await page.getByTestId('mapping-a').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  // The other views: their own controls, and a skip link that leads into them (not to scheme A's settings, which only
  // the explorer has: axe's skip-link rule fails on a link whose target is missing).
  it.each([
    ['the model lab, trained, with its gallery', 'lab', 'lab-digit', 'dark'],
    ['the language model, nothing loaded', 'lm', 'lm-text', 'light'],
    ['the whole model, nothing loaded', 'wholeModel', 'whole-model', 'dark'],
  ] as const)('on %s (%s tab, %s)', async (_what, tab, ready, theme) => {
    const { page, errors } = await open(`${baseUrl}?tab=${tab}`, theme);
    await page.getByTestId(ready).first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('link', { name: "Skip to scheme A's settings" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a lesson', async () => {
    const { page, errors } = await open(`${baseUrl}?lesson=rounding&step=1`, 'light');
    await waitForReady(page);
    await page.getByTestId('lesson-panel').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('keyboard', () => {
  it.each([1400, 390])(
    'at %i px the first Tab shows a skip link to scheme A’s settings; the bits slider is then a few Tabs away',
    async (width) => {
      const { page, errors } = await open(baseUrl, 'light');
      await page.setViewportSize({ width, height: 844 });
      await waitForReady(page);
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: "Skip to scheme A's settings" });
      expect(await skip.evaluate((e) => e === document.activeElement)).toBe(true);
      // Visible once focused (not the 1 px sr-only box).
      expect((await skip.boundingBox())?.width ?? 0).toBeGreaterThan(50);
      await page.keyboard.press('Enter');
      const bits = page.getByRole('slider', { name: 'Scheme A bits' });
      let presses = 0;
      while (presses < 10) {
        await page.keyboard.press('Tab');
        presses++;
        if (await bits.evaluate((e) => e === document.activeElement)) break;
      }
      expect(await bits.evaluate((e) => e === document.activeElement)).toBe(true);
      expect(presses).toBeLessThanOrEqual(3);
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});
