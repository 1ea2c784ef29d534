#!/usr/bin/env node
/**
 * Browser benchmark of the explorer UI: for square matrices of 256², 1024² and 4096² it measures the time
 * from a bits change (a key press on the "Scheme A bits" slider) to scheme A's charts showing that result
 * (`data-shown="true"` on its panel: its headline numbers and value histogram; the lower charts follow a painted
 * frame later, then `data-ready`; a build without `data-shown` is timed to `data-ready`), and records main-thread long tasks (PerformanceObserver 'longtask',
 * > 50 ms) during single changes and during a simulated slider drag (a key press every 16 ms).
 *
 * Each change is split into the page's share and the engine's: the bench wraps the page's Worker (an init script,
 * nothing in the app) to time-stamp the `quantize` request scheme A posts and the reply, and reads the engine's own
 * time from the panel (`data-elapsed-ms`). Page = key → request posted + reply → pixels (the first frame after
 * the panel reports ready: a task queued from the next animation frame runs after that frame is painted); worker
 * round trip = request → reply (the engine, plus the message and structured-clone cost). A change the page computed
 * itself in the key press's task (core/sameFrame.ts: a small tensor and a kind of scheme that is cheap; the panel's
 * `data-on-page`) posts no request: its page share is key → pixels minus the engine's time, and the tables count
 * how many changes were answered that way. "Key → frame done" is the
 * same frame's end read by a user-blocking task (scheduler.postTask) posted from its animation-frame callback: it
 * runs as soon as that frame's rendering step is over, not behind other tasks queued meanwhile (React's scheduler,
 * the after-paint renders), which the message of "key → pixels" waits for.
 *
 * Usage: npm run build && node bench/browser/uiBench.mjs [--sizes 256,1024] [--repeats 6] [--json out.json]
 *        [--baseline DIR] [--rounds 3]
 * `--baseline DIR` also measures another build (e.g. `git stash; npx vite build --outDir /tmp/base; git stash pop`)
 * in the same run, alternating baseline and dist/ round by round (`--rounds`, default 3) on a fresh page each time,
 * so a machine whose speed drifts (shared cores) weighs on both alike; the tables then give both, with medians
 * over every round's changes.
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
const BASELINE = option('baseline', '');
const ROUNDS = Number(option('rounds', BASELINE ? '3' : '1'));

/**
 * Runs before the app's scripts: wraps Worker so every `quantize` request for scheme A's panel and its reply
 * are time-stamped in `window.__benchWire` (marks: { kind: 'post' | 'reply', id, t }).
 */
function wireTimer() {
  const w = window;
  w.__benchWire = [];
  const quantizeIds = new Set();
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.method === 'quantize' && message.args?.[3] === 'a') {
      quantizeIds.add(message.id);
      w.__benchWire.push({ kind: 'post', id: message.id, t: performance.now() });
    }
    return post.call(this, message, ...rest);
  };
  const listen = Worker.prototype.addEventListener;
  Worker.prototype.addEventListener = function (type, listener, ...rest) {
    if (type === 'message') {
      // Registered ahead of the app's own listener on the same worker, so it stamps the reply's arrival.
      listen.call(this, 'message', (e) => {
        const id = e.data?.id;
        if (quantizeIds.has(id) && 'ok' in e.data)
          w.__benchWire.push({ kind: 'reply', id, t: performance.now() });
      });
    }
    return listen.call(this, type, listener, ...rest);
  };
}

/** Installs the long-task observer and a key-press → ready → painted timer in the page. */
async function instrument(page) {
  await page.evaluate(() => {
    const w = window;
    w.__bench = { longTasks: [], marks: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    const panel = document.querySelector('[data-testid="scheme-panel-a"]');
    // The headline numbers and value histogram show the result (data-shown); a build without that attribute
    // drew them in the render that set data-ready.
    const shown = panel.hasAttribute('data-shown') ? 'data-shown' : 'data-ready';
    new MutationObserver(() => {
      if (panel.getAttribute(shown) !== 'true') return;
      // A result the page computed in the change's own frame leaves the panel shown throughout: each result
      // has its own data-result (a build without it is timed by data-shown alone).
      const result = panel.getAttribute('data-result');
      if (result !== null && result === panel.__lastResult) return;
      panel.__lastResult = result;
      w.__bench.marks.push({ kind: 'ready', t: performance.now() });
      // The frame that shows the change: a message posted from its animation-frame callback runs after it paints.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => w.__bench.marks.push({ kind: 'painted', t: performance.now() });
        channel.port2.postMessage(null);
        // The same frame's end, without waiting behind tasks queued before that message (React's scheduler, the
        // panels' after-paint renders): a user-blocking task runs as soon as the frame's rendering step is done.
        globalThis.scheduler?.postTask(() => w.__bench.marks.push({ kind: 'framed', t: performance.now() }), {
          priority: 'user-blocking',
        });
      });
    }).observe(panel, { attributes: true, attributeFilter: [shown, 'data-result'] });
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
  await page.addInitScript(wireTimer);
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
  const painted = [];
  const framed = [];
  const beforePost = [];
  const roundTrip = [];
  const afterReply = [];
  const page_ = [];
  const onPage = [];
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
        window.__benchWire = [];
      });
      await page.keyboard.press(key);
      await page.waitForFunction(() => window.__bench.marks.some((m) => m.kind === 'painted'), undefined, {
        timeout: 120_000,
      });
      const split = await page.evaluate(() => {
        const key = window.__bench.marks.find((m) => m.kind === 'key');
        const ready = window.__bench.marks.find((m) => m.kind === 'ready' && m.t >= key.t);
        const painted = window.__bench.marks.find((m) => m.kind === 'painted' && m.t >= ready.t);
        const framed = window.__bench.marks.find((m) => m.kind === 'framed' && m.t >= ready.t);
        const posts = window.__benchWire.filter((m) => m.kind === 'post' && m.t >= key.t);
        const post = posts[posts.length - 1];
        const reply = post && window.__benchWire.find((m) => m.kind === 'reply' && m.id === post.id);
        return {
          ready: ready.t - key.t,
          painted: painted.t - key.t,
          framed: framed ? framed.t - key.t : Number.NaN,
          beforePost: post ? post.t - key.t : Number.NaN,
          roundTrip: post && reply ? reply.t - post.t : Number.NaN,
          afterReply: reply ? painted.t - reply.t : Number.NaN,
        };
      });
      await waitReady(page);
      const panelA = page.getByTestId('scheme-panel-a');
      const elapsed = Number(await panelA.getAttribute('data-elapsed-ms'));
      // Computed on the page in the key press's task (core/sameFrame.ts): no request, no reply; the page's share
      // is everything but the engine's own time.
      const computedOnPage = (await panelA.getAttribute('data-on-page')) === 'true';
      single.push(split.ready);
      painted.push(split.painted);
      framed.push(split.framed);
      beforePost.push(split.beforePost);
      roundTrip.push(split.roundTrip);
      afterReply.push(split.afterReply);
      page_.push(computedOnPage ? split.painted - elapsed : split.beforePost + split.afterReply);
      engine.push(elapsed);
      onPage.push(computedOnPage ? 1 : 0);
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
    window.__benchWire = [];
  });
  for (let i = 0; i < DRAG_STEPS; i++) {
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(16);
  }
  await waitReady(page, 120_000);
  await page.waitForFunction(
    () => {
      const m = window.__bench.marks;
      const lastReady = m.findLastIndex((x) => x.kind === 'ready');
      return lastReady >= 0 && m.slice(lastReady).some((x) => x.kind === 'painted');
    },
    undefined,
    { timeout: 120_000 },
  );
  const drag = await page.evaluate(() => {
    const keys = window.__bench.marks.filter((m) => m.kind === 'key');
    const readies = window.__bench.marks.filter((m) => m.kind === 'ready');
    const paints = window.__bench.marks.filter((m) => m.kind === 'painted');
    const frames = window.__bench.marks.filter((m) => m.kind === 'framed');
    const lastKey = keys[keys.length - 1].t;
    const lastPaint = paints[paints.length - 1].t;
    // The reply that the last frame shows, and the request it answered.
    const replies = window.__benchWire.filter((m) => m.kind === 'reply');
    const reply = replies[replies.length - 1];
    const post = reply && window.__benchWire.find((m) => m.kind === 'post' && m.id === reply.id);
    return {
      settle: readies.length ? readies[readies.length - 1].t - lastKey : 0,
      painted: lastPaint - lastKey,
      framed: frames.length ? frames[frames.length - 1].t - lastKey : Number.NaN,
      afterReply: reply ? lastPaint - reply.t : Number.NaN,
      roundTrip: reply && post ? reply.t - post.t : Number.NaN,
      requests: window.__benchWire.filter((m) => m.kind === 'post').length,
      longTasks: window.__bench.longTasks.filter((t) => t.start >= keys[0].t),
    };
  });
  const dragEngine = Number(await page.getByTestId('scheme-panel-a').getAttribute('data-elapsed-ms'));
  const dragOnPage = (await page.getByTestId('scheme-panel-a').getAttribute('data-on-page')) === 'true';
  // The last result computed on the page answers no request: the last reply is an earlier change's.
  if (dragOnPage) Object.assign(drag, { afterReply: Number.NaN, roundTrip: Number.NaN });
  await page.close();
  return {
    single: {
      ready: single,
      painted,
      framed,
      beforePost,
      roundTrip,
      afterReply,
      page: page_,
      engine,
      onPage,
    },
    singleLong,
    drag: { ...drag, engine: dragEngine, onPage: dragOnPage ? 1 : 0 },
  };
}

/** One table row from every round's samples of one build at one size. */
function summarise(build, n, rounds) {
  const all = (key) => rounds.flatMap((r) => r.single[key]);
  const ready = all('ready');
  const singleLong = rounds.flatMap((r) => r.singleLong);
  const drags = rounds.map((r) => r.drag);
  const dragLong = drags.flatMap((d) => d.longTasks);
  const dragMedian = (key) => median(drags.map((d) => d[key]));
  return {
    build,
    size: `${n}x${n}`,
    changes: ready.length,
    medianMs: median(ready),
    paintedMs: median(all('painted')),
    paintedMin: Math.min(...all('painted')),
    paintedMax: Math.max(...all('painted')),
    framedMs: median(all('framed')),
    framedMin: Math.min(...all('framed').filter(Number.isFinite)),
    framedMax: Math.max(...all('framed').filter(Number.isFinite)),
    pageMs: median(all('page')),
    beforePostMs: median(all('beforePost')),
    afterReplyMs: median(all('afterReply')),
    roundTripMs: median(all('roundTrip')),
    engineMs: median(all('engine')),
    onPage: all('onPage').reduce((a, b) => a + b, 0),
    minMs: Math.min(...ready),
    maxMs: Math.max(...ready),
    singleLongTasks: singleLong.length,
    singleLongestMs: Math.max(0, ...singleLong.map((t) => t.duration)),
    drags: drags.length,
    dragSettleMs: dragMedian('settle'),
    dragPaintedMs: dragMedian('painted'),
    dragFramedMs: dragMedian('framed'),
    dragAfterReplyMs: dragMedian('afterReply'),
    dragRoundTripMs: dragMedian('roundTrip'),
    dragEngineMs: dragMedian('engine'),
    dragOnPage: drags.reduce((sum, d) => sum + d.onPage, 0),
    dragRequests: dragMedian('requests'),
    dragLongTasks: dragLong.length,
    dragLongestMs: Math.max(0, ...dragLong.map((t) => t.duration)),
  };
}

const builds = [
  ...(BASELINE ? [{ name: 'baseline', server: await serveDist({ dir: BASELINE }) }] : []),
  { name: 'dist', server: await serveDist() },
];
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
    const samples = new Map(builds.map((b) => [b.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which build goes first, so neither always meets a warmer (or busier) machine.
      const order = round % 2 ? [...builds].reverse() : builds;
      for (const b of order) {
        process.stderr.write(`measuring ${n}x${n}, ${b.name}, round ${round + 1}/${ROUNDS}…\n`);
        samples.get(b.name).push(await measureSize(context, b.server.url, n));
      }
    }
    for (const b of builds) rows.push(summarise(b.name, n, samples.get(b.name)));
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
  for (const b of builds) await b.server.close();
}

const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');
console.log(
  `\nbits change → scheme A's charts on screen (Chromium ${chromiumPath()}; ${2 * Math.min(6, REPEATS)} changes per size and round to results not yet cached, per tensor and per row; ${ROUNDS} round(s)${BASELINE ? `, baseline ${BASELINE} alternated with dist/` : ''}; medians)\n`,
);
console.log(
  '| build | size | key → pixels ms (min..max) | key → frame done ms (min..max) | key → ready ms (min..max) | computed on the page | page ms | of which reply → pixels ms | worker round trip ms | engine ms | long tasks | longest ms |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.build} | ${r.size} | ${f(r.paintedMs)} (${f(r.paintedMin)}..${f(r.paintedMax)}) | ${f(r.framedMs)} (${f(r.framedMin)}..${f(r.framedMax)}) | ${f(r.medianMs)} (${f(r.minMs)}..${f(r.maxMs)}) | ${r.onPage}/${r.changes} | ${f(r.pageMs)} | ${f(r.afterReplyMs)} | ${f(r.roundTripMs)} | ${f(r.engineMs)} | ${r.singleLongTasks} | ${f(r.singleLongestMs)} |`,
  );
}
console.log(
  `\ndrag: ${DRAG_STEPS} key presses 16 ms apart on scheme A's bits slider, group 128 (the last result's split; medians over ${ROUNDS} drag(s), long tasks summed)\n`,
);
console.log(
  '| build | size | last key → pixels ms | last key → frame done ms | last key → ready ms | last result computed on the page | page: last reply → pixels ms | its worker round trip ms | its engine ms | requests sent | long tasks | longest ms |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.build} | ${r.size} | ${f(r.dragPaintedMs)} | ${f(r.dragFramedMs)} | ${f(r.dragSettleMs)} | ${r.dragOnPage}/${r.drags} | ${f(r.dragAfterReplyMs)} | ${f(r.dragRoundTripMs)} | ${f(r.dragEngineMs)} | ${r.dragRequests} | ${r.dragLongTasks} | ${f(r.dragLongestMs)} |`,
  );
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
