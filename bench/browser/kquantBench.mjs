#!/usr/bin/env node
/**
 * Browser benchmark of the GGUF k-quants' helper threads: Q4_K and Q6_K on a 1024² matrix (the default generator),
 * the engine's own time for one recompute (the scheme panel's `data-elapsed-ms`, measured in the worker) and the
 * threads it reports, on the built app served twice: cross-origin isolated (helper Web Workers) and not (one
 * thread). Each recompute asks for another group, which is a new search. The first searches after the helpers
 * start are left out (they load, and V8 warms their kernel).
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

/** Recomputes `format` on scheme A for groups 1, 2, …: elapsed ms and threads of each, after WARM of them. */
async function measure(page, format) {
  await page.getByTestId('scheme-a-method').selectOption('block');
  await page.getByTestId('scheme-a-block-format').selectOption(format);
  const samples = [];
  for (let g = 1; g <= WARM + REPEATS; g++) {
    await page.getByTestId('group-a-index').fill(String(g));
    await page.waitForFunction(
      (group) => {
        const panel = document.querySelector('[data-testid="scheme-panel-a"]');
        return panel?.getAttribute('data-ready') === 'true' && panel.textContent?.includes(`group ${group}`);
      },
      g,
      { timeout: 60_000 },
    );
    const panel = page.getByTestId('scheme-panel-a');
    const ms = Number(await panel.getAttribute('data-elapsed-ms'));
    const threads = Number(await panel.locator('[data-threads]').getAttribute('data-threads'));
    if (g > WARM) samples.push({ ms, threads });
  }
  return samples;
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
      const samples = await measure(page, format);
      rows.push({
        page: scope.isolated ? 'isolated' : 'not isolated',
        cores: scope.cores,
        format,
        median: median(samples.map((s) => s.ms)),
        best: Math.min(...samples.map((s) => s.ms)),
        threads: [...new Set(samples.map((s) => s.threads))].sort().join(', '),
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
console.log('| page | cores | format | median ms | best ms | threads seen |');
console.log('| --- | ---: | --- | ---: | ---: | --- |');
for (const r of rows)
  console.log(
    `| ${r.page} | ${r.cores} | ${r.format} | ${r.median.toFixed(1)} | ${r.best.toFixed(1)} | ${r.threads} |`,
  );
