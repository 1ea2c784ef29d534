/**
 * Loading real weights in Chromium against the built `dist/`: a .safetensors file through the file input (and by
 * drag-and-drop), pasted numbers, a malformed file, and the Hugging Face flow end to end against a local Hub
 * stand-in (tests/helpers/hubServer.ts) on 127.0.0.1 with Range support: list, load with progress, 401 → token →
 * success, cancel, and re-opening a tensor answered from the cache without a new Range request.
 * Files are real safetensors bytes made by the project's writer (tests/helpers/writers.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import { bytesOf, float16Bytes, safetensorsBytes } from '../helpers/writers';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';
import { type GatedProxy, startGatedProxy } from './gatedProxy';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const baseUrl = inject('baseUrl');

// A 3-D tensor 64 × 4 × 32 (viewed as 64 × 128) with known extremes −3.5 and 7.25; a 1-D F16 bias; a dtype the
// app cannot decode (C64).
const mlp = new Float32Array(64 * 128);
for (let i = 0; i < mlp.length; i++) mlp[i] = Math.fround(Math.sin(i * 0.7) * 0.75);
mlp[100] = -3.5;
mlp[5000] = 7.25;
const modelBytes = safetensorsBytes([
  { name: 'blocks.0.mlp.weight', dtype: 'F32', shape: [64, 4, 32], data: bytesOf(mlp) },
  { name: 'blocks.0.ln.bias', dtype: 'F16', shape: [3], data: float16Bytes([0.5, -1.5, 2]) },
  { name: 'freqs', dtype: 'C64', shape: [2], data: new Uint8Array(16) },
]);

// For the Hub: two 1024 × 2048 F32 tensors (8 MiB each: two 4 MiB Range pieces each).
const ROWS = 1024;
const COLS = 2048;
const tensorBytes = ROWS * COLS * 4;
function bigTensor(seed: number, extreme: number): Float32Array {
  const t = new Float32Array(ROWS * COLS);
  for (let i = 0; i < t.length; i++) t[i] = Math.fround(Math.sin(i * 0.001 + seed) * 0.1);
  t[777] = extreme;
  return t;
}
const hubModelBytes = safetensorsBytes([
  { name: 'layers.0.attn.q.weight', dtype: 'F32', shape: [ROWS, COLS], data: bytesOf(bigTensor(1, 5)) },
  { name: 'layers.0.attn.k.weight', dtype: 'F32', shape: [ROWS, COLS], data: bytesOf(bigTensor(2, -6)) },
]);
/** Where the tensor data starts in a safetensors file: 8 + the header length (u64 LE). */
const dataStart =
  8 + Number(new DataView(hubModelBytes.buffer, hubModelBytes.byteOffset).getBigUint64(0, true));
const TOKEN = 'hf_e2eSecretToken';

let browser: Browser;
let dir: string;
let hub: HubServer;
let proxy: GatedProxy;
const paths = { model: '', truncated: '', empty: '', wrongMagic: '' };

beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'qe-load-e2e-'));
  paths.model = join(dir, 'model.safetensors');
  paths.truncated = join(dir, 'broken.safetensors');
  paths.empty = join(dir, 'empty.npy');
  paths.wrongMagic = join(dir, 'notes.gguf');
  await writeFile(paths.model, modelBytes);
  await writeFile(paths.truncated, modelBytes.subarray(0, modelBytes.length - 1000));
  await writeFile(paths.empty, new Uint8Array(0));
  await writeFile(paths.wrongMagic, new TextEncoder().encode('GGML this is not a GGUF file at all'));
  hub = await startHubServer({
    models: {
      'org/tiny-llm': { files: { 'model.safetensors': hubModelBytes }, token: TOKEN },
      'org/public': { files: { 'model.safetensors': modelBytes } },
    },
  });
  proxy = await startGatedProxy(hub.url);
});
afterAll(async () => {
  await proxy?.close();
  await hub?.close();
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function openExplorer() {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await waitForReady(page);
  return { page, errors };
}

async function metric(page: Page, key: string, channel: 'a' | 'b'): Promise<number> {
  return Number(await page.getByTestId(`metric-${key}-${channel}`).getAttribute('data-value'));
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

/** The x-axis tick values of scheme A's value histogram. */
async function histogramTicks(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid="histogram-a"] g.x-axis g.tick text')
    .evaluateAll((texts) => texts.map((t) => Number(t.textContent)));
}

/** Waits until the summary shows a loaded tensor named `name` and both schemes have their results. */
async function waitForLoaded(page: Page, name: string) {
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="loaded-name"]')?.textContent === n,
    name,
    { timeout: 30_000 },
  );
  await waitForReady(page);
}

describe('loading a file', () => {
  it('lists a .safetensors file, loads the picked tensor, and the summary, histogram and MSE follow it', async () => {
    const { page, errors } = await openExplorer();
    const mseBefore = await metric(page, 'mse', 'a');
    expect(await text(page, 'summary-shape')).toBe('256 × 256');

    await page.getByTestId('load-file-input').setInputFiles(paths.model);
    await page.getByTestId('tensor-list').waitFor();
    const options = page.getByTestId('tensor-option');
    expect(await options.count()).toBe(3);
    expect(await options.nth(0).textContent()).toContain('F32 · [64, 4, 32] · 32.0 KiB');
    expect(await options.nth(2).textContent()).toMatch(/cannot load: .*C64/);
    expect(await text(page, 'opened-stats')).toMatch(/safetensors · 3 tensors \(2 loadable\) · listed in/);

    // No 2-D tensor here: the largest loadable one is on screen at once, and a line says which.
    await waitForLoaded(page, 'blocks.0.mlp.weight');
    expect(await text(page, 'load-auto-opened')).toBe(
      'Showing blocks.0.mlp.weight, the largest tensor of 3: pick another below.',
    );
    expect(await text(page, 'loaded-dtype')).toBe('F32');
    expect(await text(page, 'loaded-shape')).toBe('[64, 4, 32]');
    expect(await text(page, 'loaded-view')).toBe(
      '[64, 4, 32] viewed as 64 × 128 (first dim as rows, rest flattened).',
    );
    expect(await text(page, 'summary-shape')).toBe('64 × 128');
    expect(await text(page, 'summary-min')).toBe('-3.5');
    expect(await text(page, 'summary-max')).toBe('7.25');
    expect(await page.getByTestId('loaded-sampled').count()).toBe(0);
    expect(await metric(page, 'mse', 'a')).not.toBe(mseBefore);
    // The generator's fields are hidden while a loaded tensor is shown.
    expect(await page.getByTestId('generator-rows').isVisible()).toBe(false);
    // On the full range the histogram's axis spans the tensor's extremes, −3.5 … 7.25 (ticks every 2: −2 … 6;
    // the central zoom of this tensor, mean ± 4σ, stays within about ±2.3).
    await page.getByTestId('zoom-reset').click();
    await page.getByTestId('zoom-range').waitFor({ state: 'detached' });
    await waitForReady(page);
    const ticks = await histogramTicks(page);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(-2);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(6);
    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({ path: join(ARTIFACTS, 'load-file-light-1280.png'), fullPage: true });

    // Back to the generator: its matrix and settings are as they were.
    await page.getByTestId('use-generator').click();
    await page.getByTestId('loaded-tensor').waitFor({ state: 'detached' });
    await waitForReady(page);
    expect(await text(page, 'summary-shape')).toBe('256 × 256');
    expect(await metric(page, 'mse', 'a')).toBeCloseTo(mseBefore, 12);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('picks a tensor by keyboard alone: filter, arrow into the list, Enter', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('load-file-input').setInputFiles(paths.model);
    const filter = page.getByTestId('tensor-filter');
    await filter.waitFor();
    await filter.focus();
    await page.keyboard.type('bias');
    expect(await page.getByTestId('tensor-option').count()).toBe(1);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('blocks');
    await page.keyboard.press('ArrowDown'); // into the list, first option active
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await page.keyboard.press('ArrowDown');
    const active = await page.evaluate(() => {
      const list = document.activeElement;
      const id = list?.getAttribute('aria-activedescendant');
      return id ? document.getElementById(id)?.getAttribute('data-name') : null;
    });
    expect(active).toBe('blocks.0.ln.bias');
    await page.keyboard.press('Enter');
    await waitForLoaded(page, 'blocks.0.ln.bias');
    expect(await text(page, 'loaded-dtype')).toBe('F16');
    expect(await text(page, 'loaded-view')).toBe('[3] viewed as 1 × 3 (one row).');
    expect(await text(page, 'summary-min')).toBe('-1.5');
    expect(await text(page, 'summary-max')).toBe('2');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens files dropped anywhere on the page, showing an overlay while dragging', async () => {
    const { page, errors } = await openExplorer();
    const transfer = await page.evaluateHandle((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'dropped.safetensors'));
      return data;
    }, Array.from(modelBytes));
    await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
    await page.getByTestId('drop-overlay').waitFor();
    await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
    await page.getByTestId('tensor-list').waitFor();
    expect(await text(page, 'opened-label')).toBe('dropped.safetensors');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads pasted numbers at once (one table, nothing to pick)', async () => {
    const { page, errors } = await openExplorer();
    await page.getByTestId('paste-toggle').click();
    await page.getByTestId('paste-text').fill('0.5, -1, 2\n4, 0.25, -8\n');
    await page.getByTestId('paste-load').click();
    await waitForLoaded(page, 'pasted numbers');
    expect(await text(page, 'summary-shape')).toBe('2 × 3');
    expect(await text(page, 'summary-min')).toBe('-8');
    expect(await text(page, 'summary-max')).toBe('4');
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['a truncated file', 'truncated', /broken\.safetensors/, 'truncated'],
    ['a 0-byte file', 'empty', /empty\.npy/, 'empty'],
    ['a file with the wrong magic', 'wrongMagic', /notes\.gguf/, 'bad-magic'],
  ] as const)(
    'shows %s as an error naming the file and keeps the previous data',
    async (_, key, name, code) => {
      const { page, errors } = await openExplorer();
      const shape = await text(page, 'summary-shape');
      const mse = await metric(page, 'mse', 'a');
      await page.getByTestId('load-file-input').setInputFiles(paths[key]);
      const error = page.getByTestId('load-error');
      await error.waitFor();
      expect(await error.getAttribute('data-code')).toBe(code);
      expect(await text(page, 'load-error-message')).toMatch(name);
      expect((await text(page, 'load-error-hint'))?.length).toBeGreaterThan(10);
      expect(await error.textContent()).toContain('The data on screen is unchanged.');
      // Nothing hangs and nothing changed: the matrix and its results are still there.
      expect(await page.getByTestId('load-opening').count()).toBe(0);
      expect(await text(page, 'summary-shape')).toBe(shape);
      expect(await metric(page, 'mse', 'a')).toBe(mse);
      if (key === 'truncated') {
        await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
        await page.screenshot({ path: join(ARTIFACTS, 'load-error-light-1280.png'), fullPage: true });
      }
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});

describe('loading from a Hugging Face Hub (local stand-in on 127.0.0.1)', () => {
  const tensorRequests = () =>
    hub.requests.filter((r) => {
      const start = Number(/bytes=(\d+)-/.exec(r.range ?? '')?.[1] ?? -1);
      return start >= dataStart;
    });

  it('asks for a token on 401, lists, loads with progress, cancels, and re-opens from the cache', async () => {
    const { page, errors } = await openExplorer();
    await page.getByText('Endpoint and access token').click();
    await page.getByTestId('hub-endpoint').fill(proxy.url);
    await page.getByTestId('hub-model').fill('org/tiny-llm');
    await page.getByTestId('hub-open').click();

    // 401 → the error says so and the token field opens with the focus.
    const error = page.getByTestId('load-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('auth');
    expect(await text(page, 'load-error-message')).toMatch(/HTTP 401/);
    await page.getByTestId('hub-token-needed').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'hub-token');
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await page.getByTestId('tensor-list').waitFor();
    expect(await text(page, 'opened-label')).toBe('org/tiny-llm · model.safetensors');
    expect(await page.getByTestId('load-error').count()).toBe(0);

    // Load with progress: the second 4 MiB piece of the q tensor is held, so the bar stops at 50 %.
    const qStart = dataStart;
    proxy.hold((r) => r.start === qStart + 4 * 1024 * 1024);
    await page.locator('[data-name="layers.0.attn.q.weight"]').click();
    const bar = page.getByTestId('load-progress-bar');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="load-progress-bar"]')?.getAttribute('aria-valuenow') ===
        String(4 * 1024 * 1024),
    );
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(tensorBytes));
    expect(await text(page, 'load-progress-text')).toBe('50% · 4.00 MiB of 8.00 MiB');
    await page.evaluate(() => document.documentElement.setAttribute('data-capture', ''));
    await page.screenshot({ path: join(ARTIFACTS, 'load-hub-progress-light-1280.png'), fullPage: true });
    proxy.release();
    await waitForLoaded(page, 'layers.0.attn.q.weight');
    expect(await text(page, 'summary-shape')).toBe('1,024 × 2,048');
    expect(await text(page, 'summary-max')).toBe('5');
    expect(await text(page, 'loaded-source')).toBe('org/tiny-llm · model.safetensors');
    const mseQ = await metric(page, 'mse', 'a');

    // Cancel: every piece of the k tensor is held; Cancel stops the download and keeps q on screen.
    const kStart = dataStart + tensorBytes;
    proxy.hold((r) => r.start >= kStart);
    await page.locator('[data-name="layers.0.attn.k.weight"]').click();
    await page.getByTestId('load-progress').waitFor();
    await expect.poll(() => proxy.held.length).toBeGreaterThan(0);
    await page.getByTestId('load-cancel').click();
    await page.getByTestId('load-cancelled').waitFor();
    await expect.poll(() => proxy.abandoned.filter((r) => r.start >= kStart).length).toBeGreaterThan(0);
    proxy.release();
    expect(await text(page, 'loaded-name')).toBe('layers.0.attn.q.weight');
    expect(await metric(page, 'mse', 'a')).toBe(mseQ);

    // Back to the generator, then the q tensor again: answered from the cache, no new tensor Range request.
    await page.getByTestId('use-generator').click();
    await page.getByTestId('loaded-tensor').waitFor({ state: 'detached' });
    await waitForReady(page);
    const before = tensorRequests().length;
    await page.locator('[data-name="layers.0.attn.q.weight"]').click();
    await waitForLoaded(page, 'layers.0.attn.q.weight');
    expect(tensorRequests().length).toBe(before);
    expect(await metric(page, 'mse', 'a')).toBe(mseQ);

    // The token went only in Authorization headers: never in a URL, never in storage.
    expect(hub.requests.some((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(hub.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
    expect(page.url()).not.toContain(TOKEN);
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(TOKEN);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports a missing model (404) and a server without Range clearly, keeping the data', async () => {
    const { page, errors } = await openExplorer();
    await page.getByText('Endpoint and access token').click();
    await page.getByTestId('hub-endpoint').fill(hub.url);
    await page.getByTestId('hub-model').fill('org/missing');
    await page.getByTestId('hub-open').click();
    await page.getByTestId('load-error').waitFor();
    expect(await page.getByTestId('load-error').getAttribute('data-code')).toBe('not-found');
    expect(await text(page, 'load-error-hint')).toMatch(/org\/missing/);

    const noRange = await startHubServer({
      models: { 'org/public': { files: { 'model.safetensors': modelBytes } } },
      ignoreRange: true,
    });
    try {
      await page.getByTestId('hub-endpoint').fill(noRange.url);
      await page.getByTestId('hub-model').fill('org/public');
      await page.getByTestId('hub-open').click();
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid="load-error"]')?.getAttribute('data-code') ===
          'range-unsupported',
      );
      expect(await text(page, 'load-error-message')).toMatch(/ignored the Range request/);
    } finally {
      await noRange.close();
    }
    expect(await text(page, 'summary-shape')).toBe('256 × 256');
    expect(errors).toEqual([]);
    await page.close();
  });
});
