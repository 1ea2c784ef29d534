/**
 * The Language model tab in Chromium against the built app: the tiny random GPT-2 fixture served by a local Hub
 * stand-in on 127.0.0.1 (resolve URLs, Range requests), loaded through the real loader, run as float32 and under
 * the tutorial's absmax / zero-point int8 (every parameter); perplexity, top-1 agreement and continuations are
 * checked against transformers' figures in tests/fixtures/gpt2/reference.json. A download is cancelled midway
 * (a Range request held by a proxy) and started again. A link with `lm.*` fields opens the tab with them, and the
 * embed (`?embed=1&charts=lmppl,lmloss`) states the model's size, fetches nothing until asked, then downloads,
 * runs and matches the same figures.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixtureBytes, reference } from '../core/gpt2/fixture';
import { type HubServer, startHubServer } from '../helpers/hubServer';
import { type Browser, collectErrors, launchBrowser } from './browser';
import { type GatedProxy, startGatedProxy } from './gatedProxy';
import { type MountServer, serveMounts } from './staticServer';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const baseUrl = inject('baseUrl');
const modelBytes = fixtureBytes('model.safetensors');
const dataStart = 8 + Number(new DataView(modelBytes.buffer, modelBytes.byteOffset).getBigUint64(0, true));

let browser: Browser;
let hub: HubServer;
let proxy: GatedProxy;
/** The app under /app/ beside a blog post that embeds it (one origin: the app is cross-origin isolated). */
let posts: MountServer;

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
  posts = await serveMounts({ '/app/': resolve(import.meta.dirname, '../../dist') });
});
afterAll(async () => {
  await posts?.close();
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

const value = async (page: Page | Frame, testId: string) =>
  Number(await page.getByTestId(testId).getAttribute('data-value'));

const VARIANTS = { float: 'float32', a: 'absmax', b: 'zeroPoint' } as const;
type ModelId = keyof typeof VARIANTS;

/** Perplexity (1e-5 relative), top-1 agreement and KL of the table against transformers' figures. */
async function expectTableMatchesReference(page: Page | Frame) {
  const floatArgmax = reference.variants.float32.text.argmax;
  for (const [model, variant] of Object.entries(VARIANTS) as Array<[ModelId, (typeof VARIANTS)[ModelId]]>) {
    const expected = reference.variants[variant];
    expect(Math.abs((await value(page, `lm-ppl-${model}`)) / expected.text.perplexity - 1)).toBeLessThan(
      1e-5,
    );
    if (model === 'float') continue;
    const agree = expected.text.argmax.filter((id, i) => id === floatArgmax[i]).length / floatArgmax.length;
    expect(await value(page, `lm-top1-${model}`)).toBeCloseTo(agree, 12);
    expect(await value(page, `lm-kl-${model}`)).toBeGreaterThan(0);
  }
}

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

    await expectTableMatchesReference(page);
    for (const model of ['a', 'b'] as const) {
      const expected = reference.variants[VARIANTS[model]];
      let diverge = 0;
      const ref = reference.variants.float32.continuation;
      while (diverge < ref.length && expected.continuation[diverge] === ref[diverge]) diverge++;
      expect(await value(page, `lm-diverge-${model}`)).toBe(diverge);
    }
    // The tables export their numbers; they are HTML, so no picture is offered that could not be made.
    await page.getByTestId('export-lm-perplexity').click();
    expect(await page.getByTestId('export-lm-perplexity-csv').count()).toBe(1);
    expect(await page.getByTestId('export-lm-perplexity-svg').count()).toBe(0);
    await page.keyboard.press('Escape');
    // The loss chart's picture carries its legend: the three models and the marked band.
    await page.getByTestId('export-lm-token-loss').click();
    const [file] = await Promise.all([
      page.waitForEvent('download', { timeout: 5000 }).catch(async (e) => {
        throw new Error(`${e}; menu says: ${await page.locator('[role="alert"]').allTextContents()}`);
      }),
      page.getByTestId('export-lm-token-loss-svg').click(),
    ]);
    const svg = await readFile(await file.path(), 'utf8');
    for (const text of ['float32', 'A: absmax int8 per tensor', 'B: zero-point int8 per tensor'])
      expect(svg).toContain(`>${text}</text>`);
    expect(svg).toContain('>largest rise of B over float32</text>');
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

describe('Language model links and embed', () => {
  it('opens the tab with a link’s lm.* fields, keeps the address bar current, and names a bad field', async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    const link = new URLSearchParams({
      'a.bits': '4',
      tab: 'lm',
      'lm.model': 'org/tiny-gpt2',
      'lm.text': 'To be, or not to be & 100% sure?',
      'lm.prompt': 'Once upon',
      'lm.scope': 'linear',
    });
    await page.goto(`${baseUrl}?${link}`);
    await page.getByTestId('lm-view').waitFor();
    expect(await page.getByTestId('lm-model').inputValue()).toBe('org/tiny-gpt2');
    expect(await page.locator('#lm-preset').inputValue()).toBe('');
    expect(await page.getByTestId('lm-text').inputValue()).toBe('To be, or not to be & 100% sure?');
    expect(await page.getByTestId('lm-prompt').inputValue()).toBe('Once upon');
    expect(await page.getByTestId('lm-scope').locator('input[value="linear"]').isChecked()).toBe(true);
    expect(await page.getByTestId('notices').count()).toBe(0);

    // One URL path: an edit in the tab reaches the address bar with the explorer's fields, never the token.
    await page.getByTestId('lm-hub-settings').click();
    await page.getByTestId('lm-token').fill('hf_notInTheLink');
    await page.getByTestId('lm-prompt').fill('It was a dark');
    await expect
      .poll(() => page.evaluate(() => new URLSearchParams(location.search).get('lm.prompt')))
      .toBe('It was a dark');
    const params = await page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));
    expect(params).toMatchObject({
      'a.bits': '4',
      tab: 'lm',
      'lm.model': 'org/tiny-gpt2',
      'lm.text': 'To be, or not to be & 100% sure?',
      'lm.scope': 'linear',
    });
    expect(await page.evaluate(() => location.href)).not.toContain('hf_notInTheLink');

    // A reload of that address restores the same tab.
    await page.reload();
    await page.getByTestId('lm-view').waitFor();
    expect(await page.getByTestId('lm-prompt').inputValue()).toBe('It was a dark');
    expect(await page.getByTestId('lm-token').inputValue()).toBe('');

    await page.goto(`${baseUrl}?tab=lm&lm.scope=half&lm.prompt=Hi`);
    await page.getByTestId('lm-view').waitFor();
    expect(await page.getByTestId('lm-prompt').inputValue()).toBe('Hi');
    expect(await page.getByTestId('lm-scope').locator('input[value="all"]').isChecked()).toBe(true);
    expect(await page.getByTestId('notices').textContent()).toContain('lm.scope=half ignored');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embeds the perplexity table and the loss chart: size first, nothing fetched unasked, then transformers’ figures', async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    const modelUrl = `${hub.url}/org/tiny-gpt2/resolve/main/model.safetensors`;
    const link = new URLSearchParams({
      embed: '1',
      charts: 'lmppl,lmloss',
      'lm.model': modelUrl,
      'lm.text': reference.text,
      'lm.prompt': reference.prompt,
    });
    const before = hub.requests.length;
    await page.goto(`${baseUrl}?${link}`);
    const embed = page.getByTestId('embed-lm');
    await embed.waitFor();
    expect(await page.getByTestId('embed-lm-model').textContent()).toContain(modelUrl);
    // Not a preset: its size is unknown until its header is read, and nothing is read before the reader asks.
    await page.waitForTimeout(500);
    expect(hub.requests.length).toBe(before);
    expect(await page.getByTestId('embed-lm-load').count()).toBe(0);

    await page.getByTestId('embed-lm-check').click();
    const load = page.getByTestId('embed-lm-load');
    await expect.poll(() => load.textContent()).toMatch(/^Download 0\.3\d MB and run$/);
    expect(await page.getByTestId('embed-lm-model').textContent()).toContain('2 layers');
    const starts = hub.requests
      .slice(before)
      .map((r) => Number(/bytes=(\d+)-/.exec(r.range ?? '')?.[1] ?? -1));
    expect(
      starts.every((s) => s < dataStart),
      'only config.json and the header were read',
    ).toBe(true);

    await load.click();
    await page.locator('[data-testid="embed-lm-results"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await expectTableMatchesReference(page);
    const results = page.getByTestId('embed-lm-results');
    expect(await results.getByTestId('lm-token-loss').locator('svg path').count()).toBe(3);
    expect(await results.getByTestId('lm-continuations').count()).toBe(0);
    expect(await results.getByTestId('lm-layer-sqnr').count()).toBe(0);
    // No controls of the tab in the figure.
    expect(await page.getByTestId('lm-text').count()).toBe(0);
    expect(await page.getByTestId('embed-lm-run').isEnabled()).toBe(true);
    await page.setViewportSize({ width: 720, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'lm-embed-light-720.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embeds a preset with its size stated and no request until the button is pressed', async () => {
    const page = await browser.context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(baseUrl)) requested.push(r.url());
    });
    await page.goto(`${baseUrl}?embed=1&charts=lmppl,lmcont&lm.model=distilbert/distilgpt2`);
    const load = page.getByTestId('embed-lm-load');
    await load.waitFor();
    expect(await load.textContent()).toBe('Download 353 MB and run');
    expect(await page.getByTestId('embed-lm-model').textContent()).toContain('DistilGPT-2');
    await page.waitForTimeout(500);
    expect(requested).toEqual([]);
    await page.close();
  });

  it('a link to the tab downloads nothing by itself; the Share dialog offers its charts; the snippet sizes itself in a post', async () => {
    const modelUrl = `${hub.url}/org/tiny-gpt2/resolve/main/model.safetensors`;
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const errors = collectErrors(page);
    const link = new URLSearchParams({
      tab: 'lm',
      'lm.model': modelUrl,
      'lm.text': reference.text,
      'lm.prompt': reference.prompt,
    });
    const before = hub.requests.length;
    await page.goto(`${posts.origin}/app/?${link}`);
    await page.getByTestId('lm-view').waitFor();
    expect(await page.getByTestId('lm-empty').textContent()).toContain('No results yet');
    await page.waitForTimeout(500);
    expect(hub.requests.length, 'opening a link fetches nothing').toBe(before);

    await page.getByTestId('lm-hub-settings').click();
    await page.getByTestId('lm-token').fill('hf_secretNeverShared');
    await page.getByTestId('share-button').click();
    // From this tab the figure starts with the tab's first two parts; every lm part is offered.
    for (const chart of ['lmppl', 'lmloss', 'lmcont', 'lmsqnr'])
      expect(await page.getByTestId(`share-chart-${chart}`).count()).toBe(1);
    expect(await page.getByTestId('share-chart-lmppl').isChecked()).toBe(true);
    expect(await page.getByTestId('share-chart-lmloss').isChecked()).toBe(true);
    expect(await page.getByTestId('share-chart-hist').isChecked()).toBe(false);
    expect(await page.getByTestId('share-lm-note').textContent()).toContain('only when the reader presses');
    const shared = await page.getByTestId('share-link').inputValue();
    const snippet = await page.getByTestId('share-embed-code').inputValue();
    const src = /src="([^"]+)"/.exec(snippet)?.[1].replace(/&amp;/g, '&') ?? '';
    for (const address of [shared, src]) {
      const params = new URL(address).searchParams;
      expect(params.get('lm.model')).toBe(modelUrl);
      expect(params.get('lm.text')).toBe(reference.text);
      expect(params.get('tab')).toBe('lm');
    }
    expect(new URL(src).searchParams.get('charts')).toBe('lmppl,lmloss');
    expect(snippet).not.toContain('hf_secretNeverShared');
    expect(shared).not.toContain('hf_secretNeverShared');
    await page.close();

    // The snippet pasted into a post, in a 800 px column.
    const post = await browser.context.newPage();
    await post.setViewportSize({ width: 800, height: 900 });
    const postErrors = collectErrors(post);
    const mark = hub.requests.length;
    await post.goto(
      posts.page(
        'lm-post',
        `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><style>body{margin:0}</style></head><body>${snippet}</body></html>`,
      ),
    );
    const handle = await post.waitForSelector('iframe[data-quant-explorer]');
    const frame = await handle.contentFrame();
    if (!frame) throw new Error('the iframe has no frame');
    await frame.getByTestId('embed-lm').waitFor();
    await post.waitForTimeout(500);
    expect(hub.requests.length, 'the embed fetches nothing before the reader asks').toBe(mark);
    const iframe = post.locator('iframe[data-quant-explorer]');
    const content = () =>
      frame.evaluate(() => Math.ceil(document.getElementById('root')?.getBoundingClientRect().height ?? 0));
    const frameHeight = async () => Math.round((await iframe.boundingBox())?.height ?? 0);
    // Sized to its content before the run (the card alone)…
    await expect.poll(frameHeight).toBe(await content());
    const small = await frameHeight();

    await frame.getByTestId('embed-lm-check').click();
    await frame.getByTestId('embed-lm-load').click();
    await frame.locator('[data-testid="embed-lm-results"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await expectTableMatchesReference(frame);
    // …and after it, grown to hold the table and the chart with no scroll inside.
    await expect.poll(frameHeight).toBe(await content());
    expect(await frameHeight()).toBeGreaterThan(small + 300);
    const inner = await frame.evaluate(() => ({
      scroll: document.documentElement.scrollHeight,
      client: document.documentElement.clientHeight,
    }));
    expect(inner.scroll).toBeLessThanOrEqual(inner.client);
    // Without the script the snippet's own height would hold the run figure (less than 30 % to spare).
    const estimate = Number(/height="(\d+)"/.exec(snippet)?.[1]);
    expect(estimate).toBeGreaterThanOrEqual(await content());
    expect(estimate).toBeLessThan((await content()) * 1.3);
    await post.screenshot({ path: join(ARTIFACTS, 'lm-embed-post-800.png'), fullPage: true });
    expect([...errors, ...postErrors]).toEqual([]);
    await post.close();
  });
});
