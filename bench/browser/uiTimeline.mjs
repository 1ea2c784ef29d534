#!/usr/bin/env node
/**
 * One bits change, laid out in time: a companion of uiProfile.mjs that shows, per change, every task on the page's
 * main thread and on the engine's worker threads (start after the key press, wall and thread ms, what ran inside),
 * with the key press, the request, the reply, `data-shown` and the painted frame marked. It answers "where do the
 * ms between the key and the pixels go" (waiting for a frame, the worker, the renders), which sums of CPU time do not.
 *
 * Usage: npx vite build --outDir /tmp/qe-prof --minify false && \
 *        node bench/browser/uiTimeline.mjs [--dir /tmp/qe-prof] [--size 256] [--changes 4] [--drag]
 */
import { bothPanelsReady, generateSide, openExplorerContext } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const DIR = option('dir', '/tmp/qe-prof');
const SIZE = Number(option('size', '256'));
const CHANGES = Number(option('changes', '4'));
const MIN_US = Number(option('min-us', '200'));

/** Marks the request and the reply of scheme A's `quantize` calls as user timings. */
function wireMarks() {
  const ids = new Set();
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.method === 'quantize' && message.args?.[3] === 'a') {
      ids.add(message.id);
      performance.mark('qe-post');
    }
    return post.call(this, message, ...rest);
  };
  const listen = Worker.prototype.addEventListener;
  Worker.prototype.addEventListener = function (type, listener, ...rest) {
    if (type === 'message')
      listen.call(this, 'message', (e) => {
        if (ids.has(e.data?.id) && 'ok' in e.data) performance.mark('qe-reply');
      });
    return listen.call(this, type, listener, ...rest);
  };
}

const { server, context, close } = await openExplorerContext({ dir: DIR, prefix: 'qe-tl-' });
try {
  const page = await context.newPage();
  await page.addInitScript(wireMarks);
  await page.goto(server.url);
  await bothPanelsReady(page);
  await generateSide(page, SIZE);
  const slider = page.getByRole('slider', { name: 'Scheme A bits' });
  await slider.focus();
  await page.evaluate(() => {
    const panel = document.querySelector('[data-testid="scheme-panel-a"]');
    window.__painted = 0;
    new MutationObserver(() => {
      if (panel.getAttribute('data-shown') !== 'true') return;
      // A result the page computed in the change's own frame leaves the panel shown throughout: each result
      // has its own data-result (a build without it is timed by data-shown alone).
      const result = panel.getAttribute('data-result');
      if (result !== null && result === panel.__lastResult) return;
      panel.__lastResult = result;
      performance.mark('qe-shown');
      requestAnimationFrame(() => {
        performance.mark('qe-raf');
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          performance.mark('qe-painted');
          window.__painted++;
        };
        channel.port2.postMessage(null);
      });
    }).observe(panel, { attributes: true, attributeFilter: ['data-shown', 'data-result'] });
    document.addEventListener('keydown', () => performance.mark('qe-key'), true);
  });
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const traced = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.start', {
    categories:
      'devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.frame,v8.execute,blink.user_timing,toplevel',
    transferMode: 'ReportEvents',
  });
  for (let i = 0; i < CHANGES; i++) {
    if (args.includes('--drag')) {
      for (let k = 0; k < 3; k++) {
        await page.keyboard.press('ArrowLeft');
        await page.waitForTimeout(16);
      }
    } else await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => window.__painted > n, i, { polling: 50, timeout: 120_000 });
    await page.waitForTimeout(400);
  }
  await cdp.send('Tracing.end');
  await traced;

  const threads = new Map();
  for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const marks = events
    .filter((e) => e.cat?.includes('blink.user_timing') && e.name.startsWith('qe-') && e.pid === main.pid)
    .sort((a, b) => a.ts - b.ts);
  const windows = [];
  for (const m of marks) {
    if (
      m.name === 'qe-key' &&
      (!windows.length || windows.at(-1).end !== undefined || args.includes('--drag') === false)
    )
      windows.push({ start: m.ts, marks: [] });
    const w = windows.at(-1);
    if (!w) continue;
    w.marks.push(m);
    if (m.name === 'qe-painted' && w.end === undefined) w.end = m.ts;
  }
  const INNER = new Set([
    'FunctionCall',
    'EventDispatch',
    'TimerFire',
    'Layout',
    'Paint',
    'UpdateLayoutTree',
    'PrePaint',
    'RunMicrotasks',
    'HandlePostMessage',
    'FireAnimationFrame',
    'Layerize',
    'Commit',
    'ParseHTML',
    'GCEvent',
    'MinorGC',
    'MajorGC',
    'V8.GC_SCAVENGER',
  ]);
  // --summary: per change, the wall time key → painted and the main thread's CPU (thread time) in that window:
  // what the page did on the way to the pixels, without the time it waited for a core.
  const summary = [];
  for (const w of windows) {
    if (w.end === undefined) continue;
    const tasks = events.filter(
      (e) =>
        e.ph === 'X' &&
        e.pid === main.pid &&
        e.tid === main.tid &&
        e.name === 'RunTask' &&
        e.ts + (e.dur ?? 0) >= w.start &&
        e.ts <= w.end,
    );
    const cpu = tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
    // The stages: the key press's task, the first frame after it, the task that rendered the reply (data-shown),
    // and the frame after that (the first task after each that painted).
    const taskAt = (ts) => tasks.find((e) => e.ts <= ts && e.ts + e.dur >= ts);
    const painted = (t) =>
      t &&
      tasks.find(
        (e) =>
          e.ts >= t.ts + t.dur &&
          events.some(
            (p) =>
              p.name === 'Paint' &&
              p.tid === main.tid &&
              p.pid === main.pid &&
              p.ts >= e.ts &&
              p.ts <= e.ts + e.dur,
          ),
      );
    const shown = w.marks.find((m) => m.name === 'qe-shown');
    const keyTask = taskAt(w.start);
    const replyTask = shown && taskAt(shown.ts);
    const stage = (t) => (t ? (t.tdur ?? 0) / 1000 : Number.NaN);
    const post = w.marks.find((m) => m.name === 'qe-post');
    const reply = w.marks.find((m) => m.name === 'qe-reply');
    summary.push({
      wall: (w.end - w.start) / 1000,
      cpu,
      roundTrip: post && reply ? (reply.ts - post.ts) / 1000 : Number.NaN,
      key: stage(keyTask),
      keyFrame: stage(painted(keyTask)),
      reply: stage(replyTask),
      replyFrame: stage(painted(replyTask)),
    });
  }
  if (args.includes('--summary')) {
    const med = (xs) => {
      const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
      return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
    };
    console.log(
      `${DIR} ${SIZE}²: ${summary.length} changes; key → painted median ${med(summary.map((x) => x.wall)).toFixed(1)} ms; main-thread CPU in that window median ${med(summary.map((x) => x.cpu)).toFixed(1)} ms (${summary.map((x) => x.cpu.toFixed(1)).join(', ')}); round trip median ${med(summary.map((x) => x.roundTrip)).toFixed(1)} ms`,
    );
    console.log(
      `  CPU ms by stage (medians): key task ${med(summary.map((x) => x.key)).toFixed(1)}, its frame ${med(summary.map((x) => x.keyFrame)).toFixed(1)}, reply task ${med(summary.map((x) => x.reply)).toFixed(1)}, its frame ${med(summary.map((x) => x.replyFrame)).toFixed(1)}`,
    );
  }
  for (const w of args.includes('--summary') ? [] : windows) {
    if (w.end === undefined) continue;
    const a = w.start;
    const b = w.end;
    console.log(`\n=== change: key → painted ${((b - a) / 1000).toFixed(1)} ms`);
    for (const m of w.marks) console.log(`  mark ${m.name.padEnd(11)} +${((m.ts - a) / 1000).toFixed(1)}`);
    const inRange = events.filter(
      (e) => e.ph === 'X' && e.pid === main.pid && e.ts + (e.dur ?? 0) >= a - 2000 && e.ts <= b,
    );
    const tasks = inRange
      .filter(
        (e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && (e.dur ?? 0) >= MIN_US,
      )
      .sort((x, y) => x.ts - y.ts);
    for (const t of tasks) {
      const th = threads.get(`${t.pid}:${t.tid}`) ?? t.tid;
      if (!/CrRendererMain|Worker|Compositor/.test(th)) continue;
      const inner = inRange.filter(
        (e) =>
          e.tid === t.tid &&
          e !== t &&
          e.ts >= t.ts &&
          e.ts + (e.dur ?? 0) <= t.ts + t.dur &&
          INNER.has(e.name),
      );
      const parts = new Map();
      for (const e of inner) {
        let k = e.name === 'EventDispatch' ? `Event:${e.args?.data?.type}` : e.name;
        if (e.name === 'FunctionCall') {
          const d = e.args?.data;
          k = `JS ${d?.functionName || ''}@${(d?.url || '').split('/').pop()}:${d?.lineNumber ?? ''}`;
        }
        parts.set(k, (parts.get(k) ?? 0) + (e.dur ?? 0) / 1000);
      }
      console.log(
        `  ${th.padEnd(22).slice(0, 22)} +${((t.ts - a) / 1000).toFixed(1).padStart(6)} .. +${((t.ts + t.dur - a) / 1000).toFixed(1).padStart(6)}  ${((t.tdur ?? 0) / 1000).toFixed(1).padStart(5)} cpu: ${[
          ...parts,
        ]
          .sort((x, y) => y[1] - x[1])
          .slice(0, 8)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}`,
      );
    }
    const frames = events
      .filter(
        (e) =>
          e.pid === main.pid &&
          e.ts >= a &&
          e.ts <= b + 20000 &&
          ['BeginFrame', 'BeginMainThreadFrame', 'DrawFrame', 'ActivateLayerTree', 'Screenshot'].includes(
            e.name,
          ),
      )
      .map((e) => `${e.name}@${((e.ts - a) / 1000).toFixed(1)}`);
    console.log(`  frames: ${frames.join(' ')}`);
  }
} finally {
  await close();
}
