/**
 * The library build (`npm run build:lib` → dist-lib/, built here first) on a plain HTML page in Chromium:
 * <quant-explorer> elements render in their own shadow roots with their own worker, read their attributes, keep
 * the page's styles and theirs apart, and start over when an attribute changes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeQuantView, DEFAULT_SCHEME_A, DEFAULT_VIEW, generateTensor } from '../../src/core';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { type Browser, collectErrors, launchBrowser } from './browser';
import { type MountServer, serveMounts } from './staticServer';

const ROOT = resolve(import.meta.dirname, '../..');
let browser: Browser;
let server: MountServer;

beforeAll(async () => {
  // A fresh library build, so the test checks the sources of this commit (about 10 s).
  // NODE_ENV=production: Vitest sets it to "test", which would make the build use React's development JSX.
  const build = spawnSync('npm', ['run', 'build:lib', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error(`npm run build:lib failed:\n${build.stdout}\n${build.stderr}`);
  browser = await launchBrowser();
  server = await serveMounts({ '/lib/': resolve(ROOT, 'dist-lib') });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A plain page</title><link rel="icon" href="data:,">
<style>
  body { font-family: Georgia, serif; margin: 2rem; }
  h2 { color: rgb(255, 0, 0); }
  p { font-size: 20px; }
</style></head>
<body>
  <h2>Page heading</h2>
  <p id="before">Text of the page around the explorers.</p>
  <quant-explorer id="one" scheme-a="bits=4&amp;gran=row" scheme-b="method=zeroPoint&amp;bits=4"
    data="gen=normal&amp;rows=64&amp;cols=64&amp;seed=7" charts="hist,metrics,formula"></quant-explorer>
  <quant-explorer id="two" state="?a.kind=block&amp;a.fmt=nf4&amp;view=a&amp;rows=32&amp;cols=128"
    charts="metrics,mapping" theme="dark"></quant-explorer>
  <script type="module" src="/lib/quant-explorer.js"></script>
</body></html>`;

/** Inside element `id`'s shadow root (playwright's CSS locators pierce open shadow roots). */
const inside = (page: Page, id: string, testId: string) => page.locator(`#${id} [data-testid="${testId}"]`);

async function waitScheme(page: Page, id: string, channel: 'a' | 'b', description: string) {
  await page.waitForFunction(
    ([host, c, d]) => {
      const root = document.getElementById(host)?.shadowRoot;
      const scheme = root?.querySelector(`[data-testid="embed-scheme-${c}"]`);
      return (
        scheme?.getAttribute('data-ready') === 'true' && scheme.querySelector('h2')?.textContent?.includes(d)
      );
    },
    [id, channel, description] as const,
    { timeout: 30_000 },
  );
}

describe('<quant-explorer> on a plain HTML page', () => {
  it('renders the attributes’ schemes and data, computed by its own worker', async () => {
    const page = await browser.context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    const errors = collectErrors(page);
    await page.goto(server.page('plain', PAGE));
    await waitScheme(page, 'one', 'a', 'absmax int4, per row');
    await waitScheme(page, 'one', 'b', 'zero-point int4, per tensor');
    // The same numbers as the engine gives in Node for the same generator and scheme.
    const tensor = generateTensor({
      ...DEFAULT_GENERATOR,
      distribution: 'normal',
      rows: 64,
      cols: 64,
      seed: 7,
    });
    const expected = computeQuantView(
      tensor,
      { ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'row' } },
      DEFAULT_VIEW,
    ).metrics.mse;
    expect(Number(await inside(page, 'one', 'metric-mse-a').getAttribute('data-value'))).toBe(expected);
    expect(await inside(page, 'one', 'chart-values-a').count()).toBe(1);
    // Formulas are a chunk of their own, loaded when a figure shows them.
    await inside(page, 'one', 'formulas-b').waitFor();
    expect(await inside(page, 'one', 'chart-error-a').count()).toBe(0);
    expect(
      Number(await page.locator('#one [data-testid="histogram-a"] path.original').getAttribute('data-bars')),
    ).toBe(128);
    // KaTeX typeset inside the shadow root, with its fonts loaded by the document.
    await expect
      .poll(() => page.locator('#one [data-testid="formulas-a"] .katex').count())
      .toBeGreaterThan(3);
    await expect.poll(() => page.evaluate(() => document.fonts.check('16px KaTeX_Main'))).toBe(true);

    // The second element: a link-style state, its own theme, a scheme the first does not have.
    await waitScheme(page, 'two', 'a', 'NF4');
    expect(await inside(page, 'two', 'embed-scheme-b').count()).toBe(0);
    await inside(page, 'two', 'mapping-a').waitFor();
    const themes = await page.evaluate(() =>
      ['one', 'two'].map(
        (id) =>
          (
            document
              .getElementById(id)
              ?.shadowRoot?.querySelector('.quant-explorer-root') as HTMLElement | null
          )?.dataset.theme,
      ),
    );
    expect(themes).toEqual(['light', 'dark']);

    // Styles stay apart: the page's h2 rule does not reach the explorer's headings, and the page keeps its own.
    const styles = await page.evaluate(() => {
      const shadowH2 = document.getElementById('one')?.shadowRoot?.querySelector('h2') as Element;
      return {
        pageH2: getComputedStyle(document.querySelector('h2') as Element).color,
        explorerH2: getComputedStyle(shadowH2).color,
        pageFont: getComputedStyle(document.getElementById('before') as Element).fontFamily,
        pageSize: getComputedStyle(document.getElementById('before') as Element).fontSize,
      };
    });
    expect(styles.pageH2).toBe('rgb(255, 0, 0)');
    expect(styles.explorerH2).not.toBe('rgb(255, 0, 0)');
    expect(styles.pageFont).toContain('Georgia');
    expect(styles.pageSize).toBe('20px');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('starts over when an attribute changes, and names an invalid attribute value in a notice', async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(server.page('plain2', PAGE));
    await waitScheme(page, 'one', 'a', 'absmax int4, per row');
    await page.evaluate(() => document.getElementById('one')?.setAttribute('scheme-a', 'bits=2&gran=tensor'));
    await waitScheme(page, 'one', 'a', 'absmax int2, per tensor');
    await page.evaluate(() => document.getElementById('one')?.setAttribute('scheme-b', 'bits=99'));
    await waitScheme(page, 'one', 'b', 'zero-point int8, per tensor');
    expect(await inside(page, 'one', 'notice').textContent()).toContain('scheme-b: Field bits=99 ignored');
    // Removing the element stops it (its worker too) without errors.
    await page.evaluate(() => document.getElementById('two')?.remove());
    expect(await page.locator('#two').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the README’s copy-paste example works as written', async () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Embedding without an iframe'));
    const example = section.match(/```html\n([\s\S]*?)```/)?.[1];
    if (!example) throw new Error('README: no html example under "Embedding without an iframe"');
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${example.replace('./dist-lib/', '/lib/')}</body></html>`;
    await page.goto(server.page('readme', html));
    await page.waitForFunction(
      () => {
        const root = document.querySelector('quant-explorer')?.shadowRoot;
        const heads = ['a', 'b'].map(
          (c) =>
            root?.querySelector(`[data-testid="embed-scheme-${c}"][data-ready="true"] h2`)?.textContent ?? '',
        );
        return heads[0].includes('absmax int4, group 128') && heads[1].includes('NF4');
      },
      undefined,
      { timeout: 30_000 },
    );
    await page.locator('quant-explorer [data-testid="formulas-a"]').waitFor();
    expect(await page.locator('quant-explorer [data-testid="metrics-table"]').count()).toBe(1);
    expect(await page.locator('quant-explorer [data-testid="notice"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
