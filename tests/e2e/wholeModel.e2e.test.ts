/**
 * The Whole model tab in Chromium against the built `dist/`, with models served by the local Hub stand-in
 * (tests/helpers/hubServer.ts, Range requests) on 127.0.0.1: the table fills and its numbers equal the engine's
 * single-tensor results computed here in Node; a row opens the explorer and the explorer comes back; cancel keeps
 * the rows done (requests held by tests/e2e/gatedProxy.ts); a server that fails midway leaves the rows done and an
 * error naming the tensor. A link fills the tab (never starting a download) and keeps the address bar current; the
 * embed states the model's size from its header, downloads only when asked, and sizes its frame to its content;
 * the table fits 1366 and 390 px (the names stay in view, the rest scrolls sideways). Screenshots in light and dark
 * land in test-artifacts/.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultEmbedHeight } from '../../src/components/share/embedSnippet';
import { createTensor, DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, quantize } from '../../src/core';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import { bytesOf, safetensorsBytes } from '../helpers/writers';
import { type Browser, collectErrors, launchBrowser, waitForReady } from './browser';
import { type GatedProxy, startGatedProxy } from './gatedProxy';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const baseUrl = inject('baseUrl');

const D = 64;
const LAYERS = 4;
function weights(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const c = i % cols;
    const v = Math.sin(i * 0.37 + seed) * 0.05 + Math.cos(c * 1.3 + seed) * 0.01;
    // Outlier input columns that grow with depth, so the deeper layers are harder.
    out[i] = Math.fround(c % 29 === 3 ? v * (5 + 10 * seed) : v);
  }
  return out;
}
const tensors: Array<{ name: string; shape: number[]; values: Float32Array }> = [
  { name: 'wte.weight', shape: [128, D], values: weights(128, D, 0.5) },
];
for (let l = 0; l < LAYERS; l++) {
  tensors.push(
    { name: `h.${l}.ln_1.weight`, shape: [D], values: weights(1, D, l) },
    { name: `h.${l}.attn.c_attn.weight`, shape: [D, 3 * D], values: weights(D, 3 * D, l + 0.1) },
    { name: `h.${l}.mlp.c_fc.weight`, shape: [D, 4 * D], values: weights(D, 4 * D, l + 0.2) },
    { name: `h.${l}.mlp.c_proj.weight`, shape: [4 * D, D], values: weights(4 * D, D, l + 0.3) },
  );
}
const modelBytes = safetensorsBytes(
  tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape, data: bytesOf(t.values) })),
);
const WEIGHTS = tensors.filter((t) => t.shape.length === 2);
const headerEnd = 8 + Number(new DataView(modelBytes.buffer, modelBytes.byteOffset).getBigUint64(0, true));
/** Absolute file offset where tensor `name`'s bytes start. */
function offsetOf(name: string): number {
  let at = headerEnd;
  for (const t of tensors) {
    if (t.name === name) return at;
    at += t.values.byteLength;
  }
  throw new Error(name);
}

let browser: Browser;
let hub: HubServer;
let proxy: GatedProxy;
let failing: { url: string; close(): Promise<void> };

/** A proxy that answers 503 to Range reads starting inside `[from, to)`, forwarding everything else. */
async function startFailingProxy(target: string, from: number, to: number) {
  const t = new URL(target);
  const server = createServer((req, res) => {
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? Number.NaN);
    if (start >= from && start < to) {
      res.writeHead(503, { 'Access-Control-Allow-Origin': '*' }).end('upstream timed out');
      return;
    }
    const up = request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startHubServer({ models: { 'org/tiny-gpt': { files: { 'model.safetensors': modelBytes } } } });
  proxy = await startGatedProxy(hub.url);
  const bad = 'h.2.mlp.c_fc.weight';
  failing = await startFailingProxy(hub.url, offsetOf(bad), offsetOf(bad) + D * 4 * D * 4);
});
afterAll(async () => {
  await failing?.close();
  await proxy?.close();
  await hub?.close();
  await browser?.close();
});

async function openTab(endpoint: string) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 1000 });
  const errors = collectErrors(page);
  await page.goto(baseUrl);
  await waitForReady(page);
  await page.getByTestId('tab-wholeModel').click();
  await page.getByTestId('wm-model-input').fill('org/tiny-gpt');
  await page.getByTestId('wm-endpoint-input').fill(endpoint);
  return { page, errors };
}

const status = (page: Page) => page.getByTestId('wm-status').getAttribute('data-status');
const rowNames = (page: Page) =>
  page.locator('[data-testid="wm-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));

describe('the Whole model tab', () => {
  it('fills the table from a Hub model with the engine’s single-tensor numbers, opens a row in the explorer and comes back', async () => {
    const { page, errors } = await openTab(hub.url);
    await page.getByTestId('wm-analyse').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="wm-status"]')?.getAttribute('data-status') === 'done',
      null,
      {
        timeout: 60_000,
      },
    );
    expect(await rowNames(page)).toEqual(WEIGHTS.map((t) => t.name));
    // Every row's A and B SQNR, as printed, equals the engine's on that tensor alone (quantize, in Node).
    for (const t of WEIGHTS) {
      const tensor = createTensor(t.shape[0], t.shape[1], t.values);
      const row = page.locator(`[data-testid="wm-row"][data-name="${t.name}"]`);
      expect(await row.getByTestId('wm-cell-sqnr.0').textContent()).toBe(
        quantize(tensor, DEFAULT_SCHEME_A).metrics.sqnrDb.toFixed(2),
      );
      expect(await row.getByTestId('wm-cell-sqnr.1').textContent()).toBe(
        quantize(tensor, DEFAULT_SCHEME_B).metrics.sqnrDb.toFixed(2),
      );
    }
    // The filter narrows the rows and the totals follow them.
    await page.getByTestId('wm-filter').fill('mlp');
    expect(await rowNames(page)).toEqual(WEIGHTS.filter((t) => t.name.includes('mlp')).map((t) => t.name));
    expect(await page.getByTestId('wm-totals').textContent()).toContain(`Model (${2 * LAYERS} tensors)`);
    await page.getByTestId('wm-filter').fill('h\\.[23]\\.');
    expect(await page.getByTestId('wm-row').count()).toBe(6);
    await page.getByTestId('wm-filter').fill('');
    // Sorting by A's SQNR puts the hardest tensor first.
    await page.getByTestId('wm-sort-sqnr.0').click(); // descending first
    await page.getByTestId('wm-sort-sqnr.0').click(); // ascending: lowest SQNR first
    const sqnrs = await page
      .locator('[data-testid="wm-row"] [data-testid="wm-cell-sqnr.0"]')
      .evaluateAll((cells) => cells.map((c) => Number(c.textContent)));
    expect(sqnrs).toEqual([...sqnrs].sort((a, b) => a - b));
    // The budget allocates and stays within it.
    await page.getByTestId('wm-budget-input').fill('6');
    const bpw = Number(await page.getByTestId('wm-budget-bpw').textContent());
    expect(bpw).toBeLessThanOrEqual(6);
    expect(bpw).toBeGreaterThan(4);
    expect(await page.getByTestId('wm-depth-attention').count()).toBe(1);
    expect(await page.getByTestId('wm-depth-mlp').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/whole-model-light.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${ARTIFACTS}/whole-model-dark.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    // A row opens its tensor in the explorer, which offers the way back.
    await page
      .locator('[data-testid="wm-row"][data-name="h.1.mlp.c_proj.weight"]')
      .getByTestId('wm-open')
      .click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="loaded-name"]')?.textContent === 'h.1.mlp.c_proj.weight',
      null,
      {
        timeout: 30_000,
      },
    );
    expect(await page.getByTestId('tab-explore').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('wm-back').getByRole('button').click();
    expect(await page.getByTestId('tab-wholeModel').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('wm-row').count()).toBe(WEIGHTS.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('cancels midway, keeping the rows done', async () => {
    const held = offsetOf('h.1.mlp.c_fc.weight');
    proxy.hold((r) => r.start >= held);
    const { page } = await openTab(proxy.url);
    await page.getByTestId('wm-analyse').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="wm-row"]').length === 5, null, {
      timeout: 30_000,
    });
    expect(await page.getByTestId('wm-progress-text').textContent()).toMatch(/^5 of 13 tensors/);
    await page.getByTestId('wm-cancel').click();
    await page.getByTestId('wm-cancelled').waitFor();
    expect(await status(page)).toBe('cancelled');
    expect(await rowNames(page)).toEqual(WEIGHTS.slice(0, 5).map((t) => t.name));
    proxy.release();
    await page.close();
  });

  it('keeps the rows done when the server fails midway, and the error names the tensor', async () => {
    const { page } = await openTab(failing.url);
    await page.getByTestId('wm-analyse').click();
    await page.getByTestId('wm-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('wm-error').textContent()).toContain(
      'tensor "h.2.mlp.c_fc.weight" (9 of 13)',
    );
    expect(await status(page)).toBe('failed');
    expect(await rowNames(page)).toEqual(WEIGHTS.slice(0, 8).map((t) => t.name));
    await page.screenshot({ path: `${ARTIFACTS}/whole-model-failed.png`, fullPage: true });
    await page.close();
  });
});

/** Range starts of the requests recorded since `from` (-1: no Range, e.g. the model listing). */
const rangeStarts = (from: number) =>
  hub.requests.slice(from).map((r) => Number(/bytes=(\d+)-/.exec(r.range ?? '')?.[1] ?? -1));

const waitDone = (page: Page) =>
  page.waitForFunction(
    () => document.querySelector('[data-testid="wm-status"]')?.getAttribute('data-status') === 'done',
    null,
    { timeout: 60_000 },
  );

describe('Whole model links and embed', () => {
  it('opens the tab from a link without downloading, applies its filter, sort and budget, and keeps the address bar current', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    const errors = collectErrors(page);
    const link = new URLSearchParams({
      tab: 'wholeModel',
      'wm.model': 'org/tiny-gpt',
      'wm.hub': hub.url,
      'wm.filter': 'mlp',
      'wm.sort': 'sqnr.0',
      'wm.budget': '6',
      'wm.cand': 'int8,int4g128,q4_k,q6_k',
      'wm.desc': 'maybe',
    });
    const before = hub.requests.length;
    await page.goto(`${baseUrl}?${link}`);
    await page.getByTestId('whole-model').waitFor();
    expect(await page.getByTestId('tab-wholeModel').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('wm-model-input').inputValue()).toBe('org/tiny-gpt');
    expect(await page.getByTestId('wm-endpoint-input').inputValue()).toBe(hub.url);
    expect(await page.getByTestId('wm-budget-input').inputValue()).toBe('6');
    expect(await page.getByTestId('wm-candidate-int8').isChecked()).toBe(true);
    expect(await page.getByTestId('wm-candidate-nf4').isChecked()).toBe(false);
    // The bad field is named, the others apply.
    expect(await page.getByTestId('notices').textContent()).toContain('wm.desc=maybe ignored');
    // A link never starts a download: the reader presses Analyse.
    await page.getByTestId('wm-press-analyse').waitFor();
    await page.waitForTimeout(500);
    expect(hub.requests.length).toBe(before);

    await page.getByTestId('wm-analyse').click();
    await waitDone(page);
    const mlp = WEIGHTS.filter((t) => t.name.includes('mlp')).map((t) => t.name);
    expect(await page.getByTestId('wm-filter').inputValue()).toBe('mlp');
    const names = await rowNames(page);
    expect([...names].sort()).toEqual([...mlp].sort());
    // Sorted by A's SQNR, ascending (the link's bad direction fell back to the default).
    const sqnrs = await page
      .locator('[data-testid="wm-row"] [data-testid="wm-cell-sqnr.0"]')
      .evaluateAll((cells) => cells.map((c) => Number(c.textContent)));
    expect(sqnrs).toEqual([...sqnrs].sort((a, b) => a - b));
    expect(await page.getByTestId('wm-sort-sqnr.0').locator('..').getAttribute('aria-sort')).toBe(
      'ascending',
    );
    const bpw = Number(await page.getByTestId('wm-budget-bpw').textContent());
    expect(bpw).toBeLessThanOrEqual(6);
    expect(bpw).toBeGreaterThan(4);

    // The reader's changes reach the address bar; the token never does.
    await page.getByTestId('wm-filter').fill('attn');
    await page.getByTestId('wm-sort-kurtosis').click();
    await page.getByLabel('Token (optional)').fill('hf_secret_token');
    await expect
      .poll(() => page.evaluate(() => new URLSearchParams(location.search).get('wm.filter')))
      .toBe('attn');
    const params = new URLSearchParams(await page.evaluate(() => location.search));
    expect(params.get('wm.sort')).toBe('kurtosis');
    expect(params.get('wm.desc')).toBe('1');
    expect(params.get('wm.model')).toBe('org/tiny-gpt');
    expect(params.get('wm.budget')).toBe('6');
    expect(await page.evaluate(() => location.href)).not.toContain('hf_secret');

    // The Share dialog, opened from the tab, proposes the tab's figure and says what the reader will see.
    await page.getByTestId('share-button').click();
    for (const c of ['wmdepth', 'wmtable', 'wmbudget'])
      expect(await page.getByTestId(`share-chart-${c}`).isChecked()).toBe(true);
    expect(await page.getByTestId('share-chart-hist').isChecked()).toBe(false);
    expect(await page.getByTestId('share-wm-note').textContent()).toContain('org/tiny-gpt');
    const embedParams = new URL(await page.getByTestId('share-embed-link').inputValue()).searchParams;
    expect(embedParams.get('charts')).toBe('wmdepth,wmtable,wmbudget');
    expect(embedParams.get('wm.model')).toBe('org/tiny-gpt');
    expect(embedParams.get('wm.filter')).toBe('attn');
    await page.keyboard.press('Escape');

    // The address is a link to the same choices: a fresh page reads them back.
    const again = await browser.context.newPage();
    await again.goto(await page.evaluate(() => location.href));
    await again.getByTestId('whole-model').waitFor();
    expect(await again.getByTestId('wm-model-input').inputValue()).toBe('org/tiny-gpt');
    expect(await again.getByLabel('Token (optional)').inputValue()).toBe('');
    await again.getByTestId('wm-analyse').click();
    await waitDone(again);
    expect(await again.getByTestId('wm-filter').inputValue()).toBe('attn');
    expect(await again.getByTestId('wm-sort-kurtosis').locator('..').getAttribute('aria-sort')).toBe(
      'descending',
    );
    expect(errors).toEqual([]);
    await again.close();
    await page.close();
  });

  it.each([1366, 390])(
    'fits the table in %i px: the names stay in view, the other columns scroll sideways',
    async (width) => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 800 });
      await page.goto(
        `${baseUrl}?${new URLSearchParams({ tab: 'wholeModel', 'wm.model': 'org/tiny-gpt', 'wm.hub': hub.url })}`,
      );
      await page.getByTestId('whole-model').waitFor();
      await page.getByTestId('wm-analyse').click();
      await waitDone(page);
      // Nothing on the page runs past the window.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const scroller = page.getByTestId('wm-table-scroll');
      const box = await scroller.boundingBox();
      if (!box) throw new Error('no table');
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      const overflows = await scroller.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      // Where the columns do not fit, the table says so and scrolls; every column is reachable.
      expect(await scroller.getAttribute('data-overflow')).toBe(overflows ? 'right' : 'none');
      expect(((await page.getByTestId('wm-scroll-hint').textContent()) ?? '').length > 0).toBe(overflows);
      if (width === 390) expect(overflows).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/whole-model-table-${width}.png`, fullPage: false });
      await scroller.evaluate((el) => {
        el.scrollLeft = el.scrollWidth;
      });
      await expect.poll(() => scroller.getAttribute('data-overflow')).toBe(overflows ? 'left' : 'none');
      const last = await page.getByTestId('wm-sort-bits.1').boundingBox();
      const firstName = await page.getByTestId('wm-open').first().boundingBox();
      const after = await scroller.boundingBox();
      if (!last || !firstName || !after) throw new Error('missing cells');
      // The last column is fully visible at the right, and the name column is still at the left edge.
      expect(last.x + last.width).toBeLessThanOrEqual(after.x + after.width);
      expect(firstName.x).toBeGreaterThanOrEqual(after.x);
      expect(firstName.x).toBeLessThan(after.x + 16);
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: `${ARTIFACTS}/whole-model-table-${width}-dark-scrolled.png` });
      await page.close();
    },
  );

  it('embeds the chart, the table and the budget: the size stated first from the header, the download on request', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 800, height: 900 });
    const errors = collectErrors(page);
    const link = new URLSearchParams({
      embed: '1',
      charts: 'wmdepth,wmtable,wmbudget',
      'wm.model': 'org/tiny-gpt',
      'wm.hub': hub.url,
      'wm.budget': '6',
      'wm.filter': 'attn',
    });
    const before = hub.requests.length;
    await page.goto(`${baseUrl}?${link}`);
    const plan = page.getByTestId('wm-embed-plan');
    const weightBytes = WEIGHTS.reduce((s, t) => s + t.values.byteLength, 0);
    await expect
      .poll(() => plan.textContent())
      .toContain(`${WEIGHTS.length} weight tensors, ${(weightBytes / 2 ** 20).toFixed(1)} MiB to download`);
    // Only the header was read.
    await page.waitForTimeout(300);
    const starts = rangeStarts(before).filter((s) => s >= 0);
    expect(starts.length).toBeGreaterThan(0);
    expect(Math.max(...starts)).toBeLessThan(headerEnd);
    expect(await page.getByTestId('wm-row').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/whole-model-embed-before.png`, fullPage: true });

    await page.getByTestId('wm-embed-analyse').click();
    await page.locator('[data-testid="embed-whole-model"][data-status="done"]').waitFor({ timeout: 60_000 });
    // The link's filter applies; the embed has no way into an explorer and no controls of the tab.
    const attn = WEIGHTS.filter((t) => t.name.includes('attn')).map((t) => t.name);
    expect(await rowNames(page)).toEqual(attn);
    expect(await page.getByTestId('wm-open').count()).toBe(0);
    expect(await page.getByTestId('wm-model-input').count()).toBe(0);
    // Its numbers are the engine's on each tensor alone.
    for (const t of WEIGHTS.filter((w) => attn.includes(w.name))) {
      const tensor = createTensor(t.shape[0], t.shape[1], t.values);
      const row = page.locator(`[data-testid="wm-row"][data-name="${t.name}"]`);
      expect(await row.getByTestId('wm-cell-sqnr.0').textContent()).toBe(
        quantize(tensor, DEFAULT_SCHEME_A).metrics.sqnrDb.toFixed(2),
      );
    }
    expect(await page.getByTestId('wm-depth-attention').count()).toBe(1);
    expect(await page.getByTestId('wm-strip').count()).toBe(1);
    const bpw = Number(await page.getByTestId('wm-embed-bpw').textContent());
    expect(bpw).toBeLessThanOrEqual(6);
    expect(bpw).toBeGreaterThan(4);
    // Nothing scrolls inside the figure: the frame's script sizes it to the content.
    const inner = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(inner.scrollWidth).toBeLessThanOrEqual(inner.clientWidth);
    // A page without the resize script gives the frame the Share dialog's estimate: it holds the figure.
    const content = await page.evaluate(
      () => document.getElementById('root')?.getBoundingClientRect().height,
    );
    expect(content).toBeGreaterThan(300);
    expect(content).toBeLessThanOrEqual(defaultEmbedHeight(['wmdepth', 'wmtable', 'wmbudget'], true, 800));
    await page.screenshot({ path: `${ARTIFACTS}/whole-model-embed-light.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: `${ARTIFACTS}/whole-model-embed-dark-390.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embeds a link that names no model with a message, not an error', async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${baseUrl}?embed=1&charts=wmtable`);
    expect(await page.getByTestId('embed-whole-model').textContent()).toContain(
      'names no Hugging Face model',
    );
    expect(await page.getByTestId('wm-embed-analyse').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says which model could not be read when the embed names one that is not there', async () => {
    const page = await browser.context.newPage();
    await page.goto(
      `${baseUrl}?${new URLSearchParams({ embed: '1', charts: 'wmtable', 'wm.model': 'org/missing', 'wm.hub': hub.url })}`,
    );
    const alert = page.getByTestId('embed-whole-model').getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/org\/missing|not found|404/i);
    expect(await page.getByTestId('wm-embed-analyse').count()).toBe(0);
    await page.close();
  });
});
