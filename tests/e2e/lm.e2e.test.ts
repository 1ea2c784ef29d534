/**
 * The Language model tab in Chromium against the built app: the tiny random GPT-2 fixture served by a local Hub
 * stand-in on 127.0.0.1 (resolve URLs, Range requests), loaded through the real loader, run as float32 and under
 * the tutorial's absmax / zero-point int8 (every parameter); perplexity, top-1 agreement and continuations are
 * checked against transformers' figures in tests/fixtures/gpt2/reference.json. A download is cancelled midway
 * (a Range request held by a proxy) and started again.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixtureBytes, reference } from '../core/gpt2/fixture';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import { type Browser, collectErrors, launchBrowser } from './browser';
import { type GatedProxy, startGatedProxy } from './gatedProxy';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const baseUrl = inject('baseUrl');
const modelBytes = fixtureBytes('model.safetensors');
const dataStart = 8 + Number(new DataView(modelBytes.buffer, modelBytes.byteOffset).getBigUint64(0, true));

let browser: Browser;
let hub: HubServer;
let proxy: GatedProxy;

beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
  hub = await startHubServer({
    models: {
      'org/tiny-gpt2': {
        files: { 'config.json': fixtureBytes('config.json'), 'model.safetensors': modelBytes },
      },
    },
  });
  proxy = await startGatedProxy(hub.url);
});
afterAll(async () => {
  await proxy?.close();
  await hub?.close();
  await browser?.close();
});

async function openTab(colorScheme: 'light' | 'dark' = 'light') {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await page.getByTestId('tab-lm').click();
  await page.getByTestId('lm-view').waitFor();
  await page.getByTestId('lm-hub-settings').click();
  await page.getByTestId('lm-endpoint').fill(proxy.url);
  await page.locator('#lm-preset').selectOption('');
  await page.getByTestId('lm-model').fill('org/tiny-gpt2');
  return { page, errors };
}

async function check(page: Page) {
  await page.getByTestId('lm-check').click();
  await page.getByTestId('lm-download').waitFor();
}

const value = async (page: Page, testId: string) =>
  Number(await page.getByTestId(testId).getAttribute('data-value'));

describe('Language model tab', () => {
  it('states the size before downloading, cancels a download midway, and loads on the second try', async () => {
    const { page, errors } = await openTab();
    const before = hub.requests.length;
    await check(page);
    const info = await page.getByTestId('lm-model-info').textContent();
    expect(info).toContain('2 layers, width 16, 2 heads');
    expect(info).toMatch(/0\.3\d MB to download/);
    // Only headers and config.json were read: no Range request reached the parameters.
    const starts = hub.requests
      .slice(before)
      .map((r) => Number(/bytes=(\d+)-/.exec(r.range ?? '')?.[1] ?? -1));
    expect(starts.every((s) => s < dataStart)).toBe(true);

    proxy.hold((r) => r.start >= dataStart + 20_000);
    await page.getByTestId('lm-download').click();
    await expect.poll(() => proxy.held.length).toBeGreaterThan(0);
    await page.getByTestId('lm-download-progress').waitFor();
    await page.getByTestId('lm-cancel-download').click();
    await expect.poll(() => proxy.abandoned.length).toBeGreaterThan(0);
    await page.getByTestId('lm-download').waitFor();
    expect(await page.getByTestId('lm-loaded').count()).toBe(0);
    proxy.release();

    await page.getByTestId('lm-download').click();
    await page.getByTestId('lm-loaded').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('matches transformers: perplexity, top-1 agreement and greedy continuations under the tutorial’s int8', async () => {
    const { page, errors } = await openTab();
    await check(page);
    await page.getByTestId('lm-download').click();
    await page.getByTestId('lm-loaded').waitFor();
    await page.getByTestId('lm-text').fill(reference.text);
    await page.getByTestId('lm-prompt').fill(reference.prompt);
    await page.getByTestId('lm-tutorial-schemes').click();
    await page.getByTestId('lm-run').click();
    await page.locator('[data-testid="lm-results"][data-ready="true"]').waitFor({ timeout: 60_000 });

    const variants = { float: 'float32', a: 'absmax', b: 'zeroPoint' } as const;
    const floatArgmax = reference.variants.float32.text.argmax;
    for (const [model, variant] of Object.entries(variants) as Array<
      [keyof typeof variants, (typeof variants)[keyof typeof variants]]
    >) {
      const expected = reference.variants[variant];
      expect(Math.abs((await value(page, `lm-ppl-${model}`)) / expected.text.perplexity - 1)).toBeLessThan(
        1e-5,
      );
      if (model !== 'float') {
        const argmax = expected.text.argmax;
        const agree = argmax.filter((id, i) => id === floatArgmax[i]).length / argmax.length;
        expect(await value(page, `lm-top1-${model}`)).toBeCloseTo(agree, 12);
        expect(await value(page, `lm-kl-${model}`)).toBeGreaterThan(0);
        let diverge = 0;
        const ref = reference.variants.float32.continuation;
        while (diverge < ref.length && expected.continuation[diverge] === ref[diverge]) diverge++;
        expect(await value(page, `lm-diverge-${model}`)).toBe(diverge);
      }
    }
    await page.screenshot({ path: join(ARTIFACTS, 'lm-results-light-1280.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says clearly when the model is not on the server', async () => {
    const { page } = await openTab('dark');
    await page.getByTestId('lm-model').fill('org/missing-gpt2');
    await page.getByTestId('lm-check').click();
    const notice = page.getByTestId('lm-model-error');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/not found/);
    await page.screenshot({ path: join(ARTIFACTS, 'lm-error-dark-1280.png'), fullPage: true });
    await page.close();
  });
});
