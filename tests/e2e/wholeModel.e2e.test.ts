/**
 * The Whole model tab in Chromium against the built `dist/`, with models served by the local Hub stand-in
 * (tests/helpers/hubServer.ts, Range requests) on 127.0.0.1: the table fills and its numbers equal the engine's
 * single-tensor results computed here in Node; a row opens the explorer and the explorer comes back; cancel keeps
 * the rows done (requests held by tests/e2e/gatedProxy.ts); a server that fails midway leaves the rows done and an
 * error naming the tensor. Screenshots in light and dark land in test-artifacts/.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
