#!/usr/bin/env node
/**
 * Browser benchmark of loading real weights: a ~2 GB .safetensors file with a real header of ~300 tensors
 * (a 30-layer decoder: q/k/v/o, gate/up/down, two norms, a rotary buffer; plus the embedding and one
 * 4096 × 4096 F16 tensor) is written *sparse* (ftruncate: only the header and that tensor's 32 MiB take disk).
 * In Chromium it measures, each on a fresh page (no cache):
 *   - listing: file input `change` → tensor list on screen (headers only), and the worker round trip alone;
 *   - loading the 4096 × 4096 F16 tensor: click → dataset resident (summary shown) → both schemes' charts drawn;
 *   - memory after each step: the worker's and the page's JS heap (CDP Runtime.getHeapUsage; typed-array
 *     backing stores included where Chromium reports them) and the RSS of all Chromium processes, as deltas from
 *     the page before opening the file. The point: memory follows the tensor (32 MiB F16 → 64 MiB float32 plus
 *     the engine's cache), not the 2 GB file.
 * Target: listing < 100 ms whatever the file size.
 *
 * Usage: npm run build && node bench/browser/loadBench.mjs [--repeats 5] [--json out.json] [--keep]
 * Needs the system Chromium (CHROMIUM_PATH or /usr/bin/chromium). Serves dist/ itself on 127.0.0.1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, median, serveDist } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const REPEATS = Number(option('repeats', '5'));
const jsonOut = option('json', '');
const KEEP = args.includes('--keep');
const PROBE = 'probe.dense_4096.weight';

// ---------------------------------------------------------------- the sparse file

/** float → IEEE binary16 bits, round to nearest even (values here are small and normal). */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(x) {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = ((b >>> 23) & 0xff) - 127 + 15;
  let mant = b & 0x7fffff;
  if (exp <= 0) return sign; // flush the few tiny values to zero
  if (exp >= 31) return sign | 0x7c00;
  const round = mant & 0x1fff;
  mant >>>= 13;
  let h = sign | (exp << 10) | mant;
  if (round > 0x1000 || (round === 0x1000 && mant & 1)) h++;
  return h;
}

/** The tensor list: [name, dtype, shape]. */
function layout() {
  const hidden = 1536;
  const mlp = 5120;
  const tensors = [
    ['model.embed_tokens.weight', 'F16', [50304, hidden]],
    [PROBE, 'F16', [4096, 4096]],
  ];
  for (let l = 0; l < 30; l++) {
    const p = `model.layers.${l}`;
    for (const m of ['q_proj', 'k_proj', 'v_proj', 'o_proj'])
      tensors.push([`${p}.self_attn.${m}.weight`, 'F16', [hidden, hidden]]);
    tensors.push([`${p}.mlp.gate_proj.weight`, 'F16', [mlp, hidden]]);
    tensors.push([`${p}.mlp.up_proj.weight`, 'F16', [mlp, hidden]]);
    tensors.push([`${p}.mlp.down_proj.weight`, 'F16', [hidden, mlp]]);
    tensors.push([`${p}.input_layernorm.weight`, 'F32', [hidden]]);
    tensors.push([`${p}.post_attention_layernorm.weight`, 'F32', [hidden]]);
    tensors.push([`${p}.self_attn.rotary_emb.inv_freq`, 'F32', [64]]);
  }
  tensors.push(['model.norm.weight', 'F32', [hidden]]);
  return tensors;
}

/** Writes the sparse file; returns its path, size, tensor count and bytes actually allocated on disk. */
async function writeSparseSafetensors(dir) {
  const size = { F16: 2, F32: 4 };
  const header = {
    __metadata__: { format: 'pt', note: 'sparse benchmark file: only the probe tensor has data' },
  };
  let offset = 0;
  let probe = null;
  const tensors = layout();
  for (const [name, dtype, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * size[dtype];
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    if (name === PROBE) probe = { offset, bytes };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const headerBytes = Buffer.from(json);
  const dataStart = 8 + headerBytes.length;
  const total = dataStart + offset;
  const path = join(dir, 'sparse-2GB.safetensors');
  const file = await open(path, 'w');
  try {
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(headerBytes.length));
    await file.write(length, 0, 8, 0);
    await file.write(headerBytes, 0, headerBytes.length, 8);
    // The probe tensor: a seeded bell curve (std 0.02) with a few outliers, as F16.
    const values = new Uint16Array(probe.bytes / 2);
    let s = 12345;
    const rand = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296;
    };
    for (let i = 0; i < values.length; i++) {
      const z = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
      values[i] = toHalf(i % 4096 < 4 ? z * 0.4 : z * 0.02);
    }
    const buffer = Buffer.from(values.buffer);
    await file.write(buffer, 0, buffer.length, dataStart + probe.offset);
    await file.truncate(total); // the rest is a hole: no disk used
  } finally {
    await file.close();
  }
  const info = await stat(path);
  return { path, size: total, tensors: tensors.length, allocated: info.blocks * 512, probe };
}

// ---------------------------------------------------------------- server, browser, memory

/** Resident set size (bytes) of every process descending from this one (Chromium's), from /proc. Linux only. */
function chromiumRss() {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const parent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const isDescendant = (pid) => {
    for (let p = parent.get(pid), hops = 0; p && hops < 20; p = parent.get(p), hops++)
      if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const pid of parent.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // ended
    }
  }
  return total;
}

/**
 * Sends one CDP command inside the page's engine worker through a browser-level session: the worker target is
 * reached with Target.attachToTarget (non-flat) and the command wrapped in Target.sendMessageToTarget.
 * Resolves to the command's result, or null when there is no worker or no answer within 5 s.
 */
async function sendToWorker(cdp, method) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((t) => t.type === 'worker');
  if (!worker) return null;
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: worker.targetId,
    flatten: false,
  });
  const result = await new Promise((resolveResult) => {
    const timer = setTimeout(() => resolveResult(null), 5000);
    const onMessage = (event) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message);
      if (message.id !== 1) return;
      clearTimeout(timer);
      cdp.off('Target.receivedMessageFromTarget', onMessage);
      resolveResult(message.result ?? null);
    };
    cdp.on('Target.receivedMessageFromTarget', onMessage);
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method }) });
  });
  await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
  return result;
}

/**
 * JS heap in use by the page and by its engine worker (CDP Runtime.getHeapUsage); `backingStorageSize`
 * (ArrayBuffer contents, where Chromium reports it) is added to `usedSize`.
 */
async function heapUsage(cdp, page) {
  const pageSession = await page.context().newCDPSession(page);
  const pageHeap = await pageSession.send('Runtime.getHeapUsage');
  await pageSession.detach();
  const workerHeap = await sendToWorker(cdp, 'Runtime.getHeapUsage');
  const total = (h) => (h ? h.usedSize + (h.backingStorageSize ?? 0) : Number.NaN);
  return {
    page: total(pageHeap),
    worker: total(workerHeap),
    backingReported: workerHeap?.backingStorageSize !== undefined,
  };
}

async function waitReady(page, timeout = 300_000) {
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

/** Gives the engine a moment and collects garbage in the page and the worker, so the figures are what is kept. */
async function settle(cdp, page) {
  await page.waitForTimeout(300);
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage').catch(() => undefined);
  await session.detach();
  await sendToWorker(cdp, 'HeapProfiler.collectGarbage');
}

async function measureOnce(browser, cdp, url, file, withLoad) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await waitReady(page);
  await page.evaluate(() => {
    const w = window;
    w.__lb = {};
    document.addEventListener(
      'change',
      (e) => {
        if (e.target instanceof Element && e.target.matches('[data-testid="load-file-input"]'))
          w.__lb.change = performance.now();
      },
      true,
    );
    new MutationObserver(() => {
      if (w.__lb.listed === undefined && document.querySelector('[data-testid="tensor-list"]'))
        w.__lb.listed = performance.now();
      if (
        w.__lb.complete === undefined &&
        document.querySelector('[data-testid="tensor-list"][data-complete="true"]')
      )
        w.__lb.complete = performance.now();
      if (w.__lb.loaded === undefined && document.querySelector('[data-testid="loaded-name"]'))
        w.__lb.loaded = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
  await settle(cdp, page);
  const base = { rss: chromiumRss(), heap: await heapUsage(cdp, page) };

  await page.getByTestId('load-file-input').setInputFiles(file.path);
  await page.getByTestId('tensor-list').waitFor({ timeout: 60_000 });
  await page.waitForSelector('[data-testid="tensor-list"][data-complete="true"]', { timeout: 60_000 });
  const listMs = await page.evaluate(() => window.__lb.listed - window.__lb.change);
  const allRowsMs = await page.evaluate(() => window.__lb.complete - window.__lb.change);
  const roundTripMs = Number(await page.getByTestId('opened-stats').getAttribute('data-open-ms'));
  const count = await page.getByTestId('tensor-option').count();
  await settle(cdp, page);
  const listed = { rss: chromiumRss(), heap: await heapUsage(cdp, page) };
  const result = { listMs, allRowsMs, roundTripMs, count, base, listed };
  if (withLoad) {
    await page.getByTestId('tensor-filter').fill('probe');
    const clickAt = await page.evaluate(() => performance.now());
    await page.locator(`[data-name="${PROBE}"]`).click();
    await page.getByTestId('loaded-name').waitFor({ timeout: 300_000 });
    await waitReady(page);
    const drawnAt = await page.evaluate(() => performance.now());
    result.loadMs = (await page.evaluate(() => window.__lb.loaded)) - clickAt;
    result.chartsMs = drawnAt - clickAt;
    result.shape = await page.getByTestId('summary-shape').textContent();
    await settle(cdp, page);
    result.loaded = { rss: chromiumRss(), heap: await heapUsage(cdp, page) };
  }
  await context.close();
  return result;
}

// ---------------------------------------------------------------- run

const MiB = (b) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(1)} MiB` : 'n/a');
const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');

const dir = await mkdtemp(join(tmpdir(), 'qe-load-bench-'));
const server = await serveDist();
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  headless: true,
  args: CHROMIUM_ARGS,
});
const cdp = await browser.newBrowserCDPSession();
const runs = [];
let file;
try {
  file = await writeSparseSafetensors(dir);
  process.stderr.write(
    `file: ${(file.size / 1e9).toFixed(2)} GB, ${file.tensors} tensors, ${MiB(file.allocated)} on disk (sparse)\n`,
  );
  for (let i = 0; i < REPEATS; i++) {
    process.stderr.write(`run ${i + 1}/${REPEATS}…\n`);
    runs.push(await measureOnce(browser, cdp, server.url, file, i < Math.min(REPEATS, 3)));
  }
} finally {
  await browser.close();
  await server.close();
  if (!KEEP) await rm(dir, { recursive: true, force: true });
}

const loads = runs.filter((r) => r.loadMs !== undefined);
const delta = (key, pick) => median(runs.filter((r) => r[key]).map((r) => pick(r[key]) - pick(r.base)));
console.log(
  `\nLoading real weights in Chromium (${chromiumPath()}): a ${(file.size / 1e9).toFixed(2)} GB sparse .safetensors with ${file.tensors} tensors (${MiB(file.allocated)} on disk); ${runs.length} runs for listing, ${loads.length} for loading, each on a fresh page.\n`,
);
console.log('| step | median ms | min..max ms | target |');
console.log('|---|---:|---:|---|');
const row = (label, xs, target) =>
  console.log(
    `| ${label} | ${ms(median(xs))} | ${ms(Math.min(...xs))}..${ms(Math.max(...xs))} | ${target} |`,
  );
row(
  `list ${runs[0]?.count} tensors: file chosen → list on screen`,
  runs.map((r) => r.listMs),
  '< 100 ms',
);
row(
  '  of which the worker round trip (open: header read + parse)',
  runs.map((r) => r.roundTripMs),
  '',
);
row(
  '  file chosen → every row of the list drawn',
  runs.map((r) => r.allRowsMs),
  '',
);
row(
  `load ${PROBE} (4096×4096 F16, 32 MiB): click → dataset resident`,
  loads.map((r) => r.loadMs),
  '',
);
row(
  '  click → both schemes’ charts drawn',
  loads.map((r) => r.chartsMs),
  '',
);
console.log('\nMemory, as the increase over the page before opening the file (median):\n');
console.log('| after | worker JS heap | page JS heap | all Chromium processes (RSS) |');
console.log('|---|---:|---:|---:|');
console.log(
  `| listing the 2 GB file | ${MiB(delta('listed', (m) => m.heap.worker))} | ${MiB(delta('listed', (m) => m.heap.page))} | ${MiB(delta('listed', (m) => m.rss))} |`,
);
console.log(
  `| loading the 32 MiB tensor (64 MiB as float32) | ${MiB(delta('loaded', (m) => m.heap.worker))} | ${MiB(delta('loaded', (m) => m.heap.page))} | ${MiB(delta('loaded', (m) => m.rss))} |`,
);
const backing = runs[0]?.listed.heap.backingReported;
console.log(
  `\nWorker heap ${backing ? 'includes' : 'does not include (this Chromium does not report backingStorageSize)'} ArrayBuffer contents; RSS counts everything. Loaded shape: ${loads[0]?.shape ?? '–'}.`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ file: { ...file, path: undefined }, runs }, null, 2));
