#!/usr/bin/env node
/**
 * Browser benchmark of the explorer UI: for square matrices of 256², 1024² and 4096² it measures the time
 * from a bits change (a key press on the "Scheme A bits" slider) to scheme A's charts showing that result
 * (`data-ready="true"` on its panel), and records main-thread long tasks (PerformanceObserver 'longtask',
 * > 50 ms) during single changes and during a simulated slider drag (a key press every 16 ms).
 *
 * Usage: npm run build && node bench/browser/uiBench.mjs [--sizes 256,1024] [--repeats 6] [--json out.json]
 * Needs the system Chromium (CHROMIUM_PATH or /usr/bin/chromium). Serves dist/ itself on 127.0.0.1.
 */
import { writeFileSync } from 'node:fs';
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
const SIZES = option('sizes', '256,1024,4096').split(',').map(Number);
const REPEATS = Number(option('repeats', '6'));
const DRAG_STEPS = 6;
const jsonOut = option('json', '');

/** Installs the long-task observer and a key-press → ready timer in the page. */
async function instrument(page) {
  await page.evaluate(() => {
    const w = window;
    w.__bench = { longTasks: [], marks: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    const panel = document.querySelector('[data-testid="scheme-panel-a"]');
    new MutationObserver(() => {
      if (panel.getAttribute('data-ready') === 'true')
        w.__bench.marks.push({ kind: 'ready', t: performance.now() });
    }).observe(panel, { attributes: true, attributeFilter: ['data-ready'] });
    document.addEventListener(
      'keydown',
      () => w.__bench.marks.push({ kind: 'key', t: performance.now() }),
      true,
    );
  });
}

async function waitReady(page, timeout = 120_000) {
  await page.waitForFunction(
    () =>
      ['a', 'b'].every(
        (c) =>
          document.querySelector(`[data-testid="scheme-panel-${c}"]`)?.getAttribute('data-ready') === 'true',
      ),
    undefined,
    { timeout },
  );
}

async function measureSize(context, url, n) {
  const page = await context.newPage();
  await page.goto(url);
  await waitReady(page);
  if (n !== 256) {
    await page.getByTestId(`generator-size-${n}`).click();
    await page.waitForFunction(
      (side) =>
        document.querySelector('[data-testid="summary-shape"]')?.textContent ===
        `${side.toLocaleString('en-US')} × ${side.toLocaleString('en-US')}`,
      n,
      { timeout: 300_000 },
    );
    await waitReady(page, 300_000);
  }
  await instrument(page);
  const slider = page.getByRole('slider', { name: 'Scheme A bits' });
  await slider.focus();

  // Single changes, each to a result not computed before (the page caches results by key, so a value
  // seen before would show at once): bits 8 → 2 per tensor, then 2 → 8 per row.
  const single = [];
  const engine = [];
  const t0 = await page.evaluate(() => performance.now());
  for (const [key, steps] of [
    ['ArrowLeft', 6],
    ['ArrowRight', 6],
  ]) {
    if (key === 'ArrowRight') {
      await page.getByTestId('scheme-panel-a').getByRole('radio', { name: 'Row' }).check();
      await waitReady(page);
      await slider.focus();
    }
    for (let i = 0; i < Math.min(steps, REPEATS); i++) {
      await page.evaluate(() => {
        window.__bench.marks = [];
      });
      await page.keyboard.press(key);
      await page.waitForFunction(() => window.__bench.marks.some((m) => m.kind === 'ready'), undefined, {
        timeout: 120_000,
      });
      single.push(
        await page.evaluate(() => {
          const key = window.__bench.marks.find((m) => m.kind === 'key');
          const ready = window.__bench.marks.find((m) => m.kind === 'ready' && m.t >= key.t);
          return ready.t - key.t;
        }),
      );
      await waitReady(page);
      engine.push(Number(await page.getByTestId('scheme-panel-a').getAttribute('data-elapsed-ms')));
    }
  }
  const singleLong = await page.evaluate(
    (since) => window.__bench.longTasks.splice(0).filter((t) => t.start >= since),
    t0,
  );

  // A drag over new results: group-128 granularity, bits 8 → 2, one key press every 16 ms.
  await page.getByTestId('scheme-panel-a').getByRole('radio', { name: 'Group' }).check();
  await waitReady(page);
  await slider.focus();
  await page.evaluate(() => {
    window.__bench.marks = [];
    window.__bench.longTasks = [];
  });
  for (let i = 0; i < DRAG_STEPS; i++) {
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(16);
  }
  await waitReady(page, 120_000);
  const drag = await page.evaluate(() => {
    const keys = window.__bench.marks.filter((m) => m.kind === 'key');
    const readies = window.__bench.marks.filter((m) => m.kind === 'ready');
    const lastKey = keys[keys.length - 1].t;
    return {
      settle: readies.length ? readies[readies.length - 1].t - lastKey : 0,
      longTasks: window.__bench.longTasks.filter((t) => t.start >= keys[0].t),
    };
  });
  await page.close();
  return {
    size: `${n}x${n}`,
    medianMs: median(single),
    engineMs: median(engine),
    minMs: Math.min(...single),
    maxMs: Math.max(...single),
    singleLongTasks: singleLong.length,
    singleLongestMs: Math.max(0, ...singleLong.map((t) => t.duration)),
    dragSettleMs: drag.settle,
    dragLongTasks: drag.longTasks.length,
    dragLongestMs: Math.max(0, ...drag.longTasks.map((t) => t.duration)),
  };
}

const server = await serveDist();
const userDataDir = await mkdtemp(join(tmpdir(), 'qe-bench-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumPath(),
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1280, height: 900 },
});
const rows = [];
try {
  for (const n of SIZES) {
    process.stderr.write(`measuring ${n}x${n}…\n`);
    rows.push(await measureSize(context, server.url, n));
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
  await server.close();
}

const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');
console.log(
  `\nbits change → scheme A charts updated (Chromium ${chromiumPath()}; single: ${2 * Math.min(6, REPEATS)} changes per size to results not yet cached, per tensor and per row; drag: ${DRAG_STEPS} key presses 16 ms apart, group 128)\n`,
);
console.log(
  '| size | bits → charts, median ms | min..max ms | engine in worker, median ms | long tasks (single) | longest ms | drag: last key → charts ms | drag: long tasks | drag: longest ms |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.size} | ${f(r.medianMs)} | ${f(r.minMs)}..${f(r.maxMs)} | ${f(r.engineMs)} | ${r.singleLongTasks} | ${f(r.singleLongestMs)} | ${f(r.dragSettleMs)} | ${r.dragLongTasks} | ${f(r.dragLongestMs)} |`,
  );
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
