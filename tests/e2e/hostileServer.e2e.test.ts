/**
 * The Load panel in Chromium against Hub servers that misbehave (tests/helpers/hubServer.ts `faults`, on
 * 127.0.0.1): a 206 reply carrying the whole file, a connection dropped halfway through every data read, a
 * download that stalls (the notice with Retry and Cancel, Retry by keyboard resuming it), and an index without
 * Content-Length that never ends. Each time the page says what the server did, and the data on screen, the
 * address (the user's state) and the explorer stay as they were.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import { bytesOf, safetensorsBytes } from '../helpers/writers';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const baseUrl = inject('baseUrl');

// 64 × 128 F32 (32 KiB: one data read, over the faults' 4 KiB threshold) with a known maximum 6.5.
const weights = new Float32Array(64 * 128);
for (let i = 0; i < weights.length; i++) weights[i] = Math.fround(Math.cos(i * 0.3) * 0.5);
weights[321] = 6.5;
const modelBytes = safetensorsBytes([
  { name: 'mlp.weight', dtype: 'F32', shape: [64, 128], data: bytesOf(weights) },
]);
const file = { 'model.safetensors': modelBytes };

let browser: Browser;
let hub: HubServer;

beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
  hub = await startHubServer({
    models: {
      'org/whole': { files: { 'whole.safetensors': modelBytes } },
      'org/drop': { files: { 'drop.safetensors': modelBytes } },
      'org/stall': { files: { 'stall.safetensors': modelBytes } },
      'org/index': {
        files: { 'model.safetensors.index.json': new TextEncoder().encode('{"weight_map": {') },
      },
      'org/fine': { files: file },
    },
    faults: {
      'whole.safetensors': { kind: 'whole206' },
      'drop.safetensors': { kind: 'drop', times: 100 },
      'stall.safetensors': { kind: 'stall', times: 1 },
      'model.safetensors.index.json': { kind: 'endless' },
    },
  });
});
afterAll(async () => {
  await hub?.close();
  await browser?.close();
});

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

/** The page's own errors; a network failure the browser logs for a dropped or cut request is the test's doing. */
const pageErrors = (errors: string[]) =>
  errors.filter((e) => !/Failed to load resource|net::ERR_|Failed to fetch/.test(e));

async function openExplorer() {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await waitForReady(page);
  await page.getByText('Endpoint and access token').click();
  await page.getByTestId('hub-endpoint').fill(hub.url);
  return { page, errors };
}

async function openModel(page: Page, model: string) {
  await page.getByTestId('hub-model').fill(model);
  await page.getByTestId('hub-open').click();
}

/** What the user had before the failure: the address (the whole state) and the data summary. */
async function userState(page: Page) {
  return { url: page.url(), shape: await text(page, 'summary-shape'), max: await text(page, 'summary-max') };
}

describe('a misbehaving server', () => {
  it('a 206 with the whole file, a dropped connection and an endless index: each named, the state kept', async () => {
    const { page, errors } = await openExplorer();
    const before = await userState(page);

    await openModel(page, 'org/whole');
    await page.getByTestId('load-error').waitFor({ timeout: 30_000 });
    expect(await text(page, 'load-error-message')).toMatch(/did not honour the Range request/);
    expect(await text(page, 'load-error-message')).toMatch(/Content-Range says bytes 0-/);
    expect(await userState(page)).toEqual(before);
    await waitForReady(page);

    await openModel(page, 'org/drop');
    await page.waitForFunction(
      () => /stopped early/.test(document.querySelector('[data-testid="load-error"]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    expect(await text(page, 'load-error-message')).toMatch(/after 3 retries/);
    expect(await text(page, 'load-error-hint')).toMatch(/try again/i);
    expect(await userState(page)).toEqual(before);

    await openModel(page, 'org/index');
    await page.waitForFunction(
      () => /index ran past/.test(document.querySelector('[data-testid="load-error"]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.getByTestId('load-error').getAttribute('data-code')).toBe('too-large');
    expect(await userState(page)).toEqual(before);

    // The explorer still works: a well-behaved model loads after all that.
    await openModel(page, 'org/fine');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="loaded-name"]')?.textContent === 'mlp.weight',
      undefined,
      { timeout: 30_000 },
    );
    await waitForReady(page);
    expect(await text(page, 'summary-max')).toBe('6.5');
    expect(pageErrors(errors)).toEqual([]);
    await page.close();
  }, 120_000);

  it('a stalled download says so with Retry and Cancel; Retry by keyboard resumes it from where it stopped', async () => {
    const { page, errors } = await openExplorer();
    const before = await userState(page);
    await openModel(page, 'org/stall');
    const notice = page.getByTestId('load-stalled');
    await notice.waitFor({ timeout: 20_000 });
    expect(await text(page, 'load-stalled-text')).toMatch(
      /^no data for \d+ s, after 16\.0 KiB of 32\.0 KiB\.$/,
    );
    expect(await userState(page)).toEqual(before);
    await notice.screenshot({ path: join(ARTIFACTS, 'load-stalled-light.png') });
    // Keyboard: Cancel is reachable, and Shift+Tab from it reaches Retry; Enter retries.
    await page.getByTestId('load-cancel').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('load-retry');
    const requestsBefore = hub.requests.length;
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="loaded-name"]')?.textContent === 'mlp.weight',
      undefined,
      { timeout: 15_000 },
    );
    await waitForReady(page);
    expect(await text(page, 'summary-max')).toBe('6.5');
    expect(await page.getByTestId('load-stalled').count()).toBe(0);
    // The retried request asked only for the second half of the tensor's bytes.
    const retried = hub.requests.slice(requestsBefore).filter((r) => r.url.includes('stall.safetensors'));
    expect(retried).toHaveLength(1);
    const [start, end] = (retried[0].range ?? '').slice(6).split('-').map(Number);
    expect(end - start + 1).toBe(16 * 1024);
    expect(pageErrors(errors)).toEqual([]);
    await page.close();
  }, 60_000);
});
