#!/usr/bin/env node
/**
 * Where a bits change's main-thread time goes: a profiling companion of uiBench.mjs (not a timing benchmark).
 * Opens a build (best unminified: `npx vite build --outDir /tmp/qe-prof --minify false`), makes `--changes`
 * bits changes on scheme A's slider at `--size`, and reports per change:
 * - the renderer main thread's trace events by name (thread CPU time, so waiting for a core is left out);
 * - which React components rendered (counted through the devtools hook, which production React calls on each
 *   commit: a fiber with the PerformedWork flag in a subtree that was not reused);
 * - the sampling profile's self time by function (top entries).
 *
 * Usage: node bench/browser/uiProfile.mjs [--dir /tmp/qe-prof] [--size 256] [--changes 6] [--top 40]
 */
import { bothPanelsReady, generateSide, openExplorerContext } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const DIR = option('dir', '/tmp/qe-prof');
const SIZE = Number(option('size', '256'));
const CHANGES = Number(option('changes', '6'));
const TOP = Number(option('top', '40'));

/** Runs before the app: a minimal devtools hook counting rendered components per commit. */
function renderCounter() {
  const w = window;
  w.__renders = { commits: 0, counts: {}, log: [] };
  const nameOf = (f) => {
    const t = f.type;
    if (!t || typeof t === 'string') return null;
    if (typeof t === 'function') return t.displayName || t.name || 'anonymous';
    if (t.displayName) return t.displayName;
    if (t.render) return t.render.displayName || t.render.name || 'forwardRef';
    if (t.type) return t.type.displayName || t.type.name || 'memo';
    return null;
  };
  const walk = (fiber) => {
    const stack = [fiber];
    while (stack.length) {
      const f = stack.pop();
      const alt = f.alternate;
      if ((f.flags & 1) === 1 && (f.tag === 0 || f.tag === 1 || f.tag === 11 || f.tag === 15)) {
        const n = nameOf(f);
        if (n) {
          w.__renders.counts[n] = (w.__renders.counts[n] ?? 0) + 1;
          w.__renders.current[n] = (w.__renders.current[n] ?? 0) + 1;
        }
      }
      // A reused subtree (bailed out) keeps the old child: skip it.
      if (f.child && !(alt && alt.child === f.child)) stack.push(f.child);
      else if (f.child && !alt) stack.push(f.child);
      if (f.sibling) stack.push(f.sibling);
    }
  };
  w.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject(renderer) {
      this.renderers.set(1, renderer);
      return 1;
    },
    onCommitFiberRoot(_id, root) {
      if (!w.__renders.on) return;
      w.__renders.commits++;
      w.__renders.current = {};
      if (root.current.child) walk(root.current.child);
      // Each commit's components, time-stamped (performance.now()), for --commits.
      w.__renders.log.push({ t: performance.now(), rendered: w.__renders.current });
    },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    checkDCE() {},
  };
}

const { server, context, close } = await openExplorerContext({ dir: DIR, prefix: 'qe-prof-' });
try {
  const page = await context.newPage();
  await page.addInitScript(renderCounter);
  await page.goto(server.url);
  await bothPanelsReady(page);
  await generateSide(page, SIZE);
  const slider = page.getByRole('slider', { name: 'Scheme A bits' });
  await slider.focus();
  await page.evaluate(() => {
    window.__renders.on = true;
    const panel = document.querySelector('[data-testid="scheme-panel-a"]');
    // The headline numbers and value histogram show the result (data-shown); a build without that attribute
    // drew them in the render that set data-ready.
    const shown = panel.hasAttribute('data-shown') ? 'data-shown' : 'data-ready';
    window.__painted = 0;
    new MutationObserver(() => {
      if (panel.getAttribute(shown) !== 'true') return;
      // A result the page computed in the change's own frame leaves the panel shown throughout: each result
      // has its own data-result (a build without it is timed by data-shown alone).
      const result = panel.getAttribute('data-result');
      if (result !== null && result === panel.__lastResult) return;
      panel.__lastResult = result;
      performance.mark('qe-ready');
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          performance.mark('qe-painted');
          window.__painted++;
        };
        channel.port2.postMessage(null);
      });
    }).observe(panel, { attributes: true, attributeFilter: [shown, 'data-result'] });
    document.addEventListener(
      'keydown',
      () => {
        performance.mark('qe-key');
        window.__renders.log.push({ t: performance.now(), key: true });
      },
      true,
    );
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const traced = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  await cdp.send('Profiler.start');
  for (let i = 0; i < CHANGES; i++) {
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => window.__painted > n, i, { polling: 100, timeout: 120_000 });
    await page.waitForTimeout(400);
  }
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await traced;
  const renders = await page.evaluate(() => window.__renders);

  // Trace: the renderer main thread's events, by name, thread time (tdur) and wall time (dur).
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const marks = events
    .filter((e) => e.cat?.includes('blink.user_timing') && e.name.startsWith('qe-'))
    .sort((a, b) => a.ts - b.ts);
  // Each change's window: its key press to the first paint mark after it.
  const windows = [];
  for (const m of marks) {
    if (m.name === 'qe-key') windows.push([m.ts, Number.POSITIVE_INFINITY]);
    else if (m.name === 'qe-painted' && windows.length && windows.at(-1)[1] === Number.POSITIVE_INFINITY)
      windows.at(-1)[1] = m.ts;
  }
  // --key-task: the sampling profile of the key press's own task only (its render and the request it sends);
  // --ready-task: of the task that rendered the reply (the one whose commit set data-shown).
  const taskAt = (ts) => {
    const t = events.find(
      (e) =>
        e.name === 'RunTask' &&
        main &&
        e.pid === main.pid &&
        e.tid === main.tid &&
        e.ts <= ts &&
        e.ts + e.dur >= ts,
    );
    return t ? [t.ts, t.ts + t.dur] : [ts, ts];
  };
  const readyMarks = marks.filter((m) => m.name === 'qe-ready');
  const keyTasks = args.includes('--key-task')
    ? windows.map(([a]) => taskAt(a))
    : args.includes('--ready-task')
      ? windows.map(([a, b]) => taskAt(readyMarks.find((m) => m.ts >= a && m.ts <= b)?.ts ?? a))
      : null;
  const inWindow = (ts) => (keyTasks ?? windows).some(([a, b]) => ts >= a && ts <= b);
  const wall = windows.map(([a, b]) => (b - a) / 1000);
  console.log(`\nkey → painted per change (ms): ${wall.map((x) => x.toFixed(1)).join(', ')}`);
  const onMain = events.filter(
    (e) =>
      main &&
      e.pid === main.pid &&
      e.tid === main.tid &&
      e.ph === 'X' &&
      windows.some(([a, b]) => e.ts + (e.dur ?? 0) >= a && e.ts <= b),
  );
  const byName = new Map();
  for (const e of onMain) {
    const r = byName.get(e.name) ?? { n: 0, dur: 0, tdur: 0 };
    r.n++;
    r.dur += (e.dur ?? 0) / 1000;
    r.tdur += (e.tdur ?? 0) / 1000;
    byName.set(e.name, r);
  }
  // The tasks of each change in order: start (ms after the key), thread ms, what ran inside.
  if (args.includes('--tasks')) {
    for (const [a, b] of windows) {
      const keyTask = onMain.find((e) => e.name === 'RunTask' && e.ts <= a && e.ts + e.dur >= a);
      if (keyTask)
        console.log(
          `  key task ${(keyTask.tdur / 1000).toFixed(1)} ms cpu, ${((keyTask.ts + keyTask.dur - a) / 1000).toFixed(1)} ms after the mark`,
        );
      console.log(`\nchange at ${(a / 1000).toFixed(0)}: ${((b - a) / 1000).toFixed(1)} ms`);
      const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ts >= a && e.ts <= b);
      for (const t of tasks) {
        if ((t.tdur ?? 0) < 300) continue;
        const inner = onMain.filter(
          (e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.name !== 'RunTask',
        );
        const parts = new Map();
        for (const e of inner) {
          if (
            ![
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
            ].includes(e.name)
          )
            continue;
          const k = e.name === 'EventDispatch' ? `Event:${e.args?.data?.type}` : e.name;
          parts.set(k, (parts.get(k) ?? 0) + (e.tdur ?? 0) / 1000);
        }
        console.log(
          `  +${((t.ts - a) / 1000).toFixed(1).padStart(5)} ms  task ${((t.tdur ?? 0) / 1000).toFixed(1).padStart(5)} ms cpu (${(t.dur / 1000).toFixed(1)} wall): ${[...parts].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`,
        );
      }
    }
  }
  const rows = [...byName].sort((a, b) => b[1].tdur - a[1].tdur).slice(0, 25);
  console.log(`\nmain-thread trace events, per change (${CHANGES} changes at ${SIZE}², ${DIR})\n`);
  console.log('| event | count | thread ms / change | wall ms / change |\n|---|---:|---:|---:|');
  for (const [name, r] of rows)
    console.log(
      `| ${name} | ${(r.n / CHANGES).toFixed(1)} | ${(r.tdur / CHANGES).toFixed(2)} | ${(r.dur / CHANGES).toFixed(2)} |`,
    );
  const layouts = onMain.filter((e) => e.name === 'Layout' && e.args?.beginData);
  const dirty = layouts.map((e) => e.args.beginData.dirtyObjects ?? 0);
  const total = layouts.map((e) => e.args.beginData.totalObjects ?? 0);
  console.log(
    `\nlayouts: ${layouts.length}, dirty objects per change ${(dirty.reduce((a, b) => a + b, 0) / CHANGES).toFixed(0)} (of ~${Math.max(0, ...total)})`,
  );
  // Forced layouts (a layout started inside script): which script function asked.
  const forced = layouts.filter((e) => e.args?.beginData?.stackTrace);
  if (forced.length) {
    console.log(`forced (synchronous) layouts: ${forced.length}`);
    const where = new Map();
    for (const e of forced) {
      const f = e.args.beginData.stackTrace[0];
      const k = `${f.functionName} ${f.url.split('/').pop()}:${f.lineNumber}`;
      where.set(k, (where.get(k) ?? 0) + 1);
    }
    for (const [k, n] of [...where].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${n} × ${k}`);
  }
  const styles = onMain.filter((e) => e.name === 'UpdateLayoutTree');
  const elems = styles.map((e) => e.args?.elementCount ?? e.args?.endData?.elementCount ?? 0);
  console.log(
    `style recalcs: ${styles.length}, elements per change ${(elems.reduce((a, b) => a + b, 0) / CHANGES).toFixed(0)}`,
  );

  if (args.includes('--commits')) {
    // The commits of the last change, in order: ms after its key press, and what rendered.
    const lastKey = renders.log.findLastIndex((e) => e.key);
    const t0 = renders.log[lastKey].t;
    console.log("\nthe last change's commits (ms after the key press: components rendered)");
    for (const e of renders.log.slice(lastKey + 1))
      console.log(
        `  +${(e.t - t0).toFixed(1).padStart(6)}  ${Object.entries(e.rendered)
          .map(([k, n]) => (n > 1 ? `${k}×${n}` : k))
          .join(', ')}`,
      );
  }
  console.log(`\nReact: ${renders.commits} commits; components rendered per change:\n`);
  for (const [name, n] of Object.entries(renders.counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 50))
    console.log(`  ${(n / CHANGES).toFixed(1).padStart(6)}  ${name}`);

  // Sampling profile: self time by function.
  const dt = new Map();
  const ids = profile.samples;
  let ts = profile.startTime;
  for (let i = 0; i < ids.length; i++) {
    ts += profile.timeDeltas[i] ?? 0;
    const next = profile.timeDeltas[i + 1] ?? 0;
    if (inWindow(ts)) dt.set(ids[i], (dt.get(ids[i]) ?? 0) + next);
  }
  const self = new Map();
  let totalUs = 0;
  for (const node of profile.nodes) {
    const us = dt.get(node.id) ?? 0;
    const cf = node.callFrame;
    if (['(idle)', '(program)', '(garbage collector)'].includes(cf.functionName) && cf.url === '') {
      if (cf.functionName !== '(idle)') totalUs += us;
      if (cf.functionName === '(idle)') continue;
    } else totalUs += us;
    const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').pop()}:${cf.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + us);
  }
  // Inclusive time by function (each stack counts a function once).
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const incl = new Map();
  for (const [id, us] of dt) {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const cf = byId.get(n).callFrame;
      if (!cf.url) continue;
      const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').pop()}:${cf.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  console.log(`\ninclusive time, top ${TOP}:\n`);
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`  ${(us / 1000 / CHANGES).toFixed(2).padStart(7)} ms  ${k}`);
  console.log(
    `\nsampling profile: ${(totalUs / 1000 / CHANGES).toFixed(1)} ms non-idle per change; self time, top ${TOP}:\n`,
  );
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`  ${(us / 1000 / CHANGES).toFixed(2).padStart(7)} ms  ${k}`);
} finally {
  await close();
}
