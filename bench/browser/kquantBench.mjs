#!/usr/bin/env node
/**
 * Browser benchmark of the GGUF k-quants' helper threads: Q4_K and Q6_K on a 1024² matrix (the default generator),
 * the engine's own time for one recompute (the scheme panel's `data-elapsed-ms`, measured in the worker) and the
 * threads it reports, on the built app served twice: cross-origin isolated (helper Web Workers) and not (one
 * thread). Each recompute is a new search (see `measure`), followed by a group change that reuses it.
 * The first searches after the helpers start are left out (they load, and V8 warms their kernel).
 *
 * Usage: npm run build && node bench/browser/kquantBench.mjs [--size 1024] [--repeats 15]
 * Needs the system Chromium (CHROMIUM_PATH or /usr/bin/chromium). Serves dist/ itself on 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, median, serveDist } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SIZE = Number(option('size', '1024'));
const REPEATS = Number(option('repeats', '15'));
const WARM = 6;

/**
 * Waits until scheme A's panel is ready, names `heading` and (unless null) shows `group`; its engine ms, threads
 * and reuse.
 */
async function settled(page, heading, group) {
  await page.waitForFunction(
    ([h, g]) => {
      const panel = document.querySelector('[data-testid="scheme-panel-a"]');
      return (
        panel?.getAttribute('data-ready') === 'true' &&
        panel.querySelector('h2')?.textContent?.includes(h) &&
        (g === null || panel.textContent?.includes(`group ${g}`))
      );
    },
    [heading, group],
    { timeout: 60_000 },
  );
  const panel = page.getByTestId('scheme-panel-a');
  const timing = panel.locator('[data-threads]');
  return {
    ms: Number(await panel.getAttribute('data-elapsed-ms')),
    threads: Number(await timing.getAttribute('data-threads')),
    reused: await timing.getAttribute('data-reused'),
  };
}

const HEADINGS = { q4_k: 'GGUF Q4_K', q6_k: 'GGUF Q6_K', q8_0: 'GGUF Q8_0', q4_0: 'GGUF Q4_0' };

/**
 * Recomputes `format` on scheme A, WARM + REPEATS times: each a new search (the engine keeps the last two
 * formats' quantizations for view changes, so Q8_0 and Q4_0 are asked for in between, and every recompute shows
 * another group), then a group change on it (everything measured is reused). Engine ms and threads of each,
 * after WARM of them.
 */
let nextGroup = 2;

async function measure(page, format) {
  await page.getByTestId('scheme-a-method').selectOption('block');
  const search = [];
  const viewChange = [];
  for (let k = 1; k <= WARM + REPEATS; k++) {
    // groups only ever increase, so no request repeats one the page has cached
    const g = nextGroup;
    nextGroup += 2;
    for (const other of ['q8_0', 'q4_0']) {
      await page.getByTestId('scheme-a-block-format').selectOption(other);
      await settled(page, HEADINGS[other], null);
    }
    await page.getByTestId('group-a-index').fill(String(g));
    await settled(page, HEADINGS.q4_0, g);
    await page.getByTestId('scheme-a-block-format').selectOption(format);
    const searched = await settled(page, HEADINGS[format], g);
    if (searched.reused !== 'none')
      throw new Error(`${format}: a recompute meant to search reused the last one`);
    await page.getByTestId('group-a-index').fill(String(g + 1));
    const changed = await settled(page, HEADINGS[format], g + 1);
    if (changed.reused !== 'measuring') throw new Error(`${format}: a group change computed again`);
    await page.getByTestId('group-a-index').fill(String(g));
    await settled(page, HEADINGS[format], g);
    if (k > WARM) {
      search.push(searched);
      viewChange.push(changed);
    }
  }
  return { search, viewChange };
}

const rows = [];
for (const isolated of [true, false]) {
  const server = await serveDist({ isolated });
  const userDataDir = await mkdtemp(join(tmpdir(), 'qe-kquant-bench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}?v=1&rows=${SIZE}&cols=${SIZE}`);
    await page.waitForSelector('[data-testid="scheme-panel-a"][data-ready="true"]', { timeout: 60_000 });
    const scope = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }));
    for (const format of ['q4_k', 'q6_k']) {
      const { search, viewChange } = await measure(page, format);
      rows.push({
        page: scope.isolated ? 'isolated' : 'not isolated',
        cores: scope.cores,
        format,
        median: median(search.map((s) => s.ms)),
        best: Math.min(...search.map((s) => s.ms)),
        threads: [...new Set(search.map((s) => s.threads))].sort().join(', '),
        viewChange: median(viewChange.map((s) => s.ms)),
      });
    }
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
    await server.close();
  }
}

console.log(
  `## k-quant recompute in Chromium, ${SIZE}², engine ms in the worker (${REPEATS} searches after ${WARM})`,
);
console.log(
  '| page | cores | format | recompute median ms | best ms | threads seen | group change (reused) median ms |',
);
console.log('| --- | ---: | --- | ---: | ---: | --- | ---: |');
for (const r of rows)
  console.log(
    `| ${r.page} | ${r.cores} | ${r.format} | ${r.median.toFixed(1)} | ${r.best.toFixed(1)} | ${r.threads} | ${r.viewChange.toFixed(1)} |`,
  );
