/**
 * Whole-model analysis benchmark (issue #15): writes a GPT-2-shaped (124M parameters) float32 safetensors file of
 * transformer-like random weights (normal, std 0.02, 4 outlier input columns ×20, sparse spikes: the generator's
 * `transformer` distribution) to a temporary directory, then analyses it from the local file as the Whole model tab
 * does (wholeModelAnalysis.ts: one tensor loaded, measured with every scheme, released) for two schemes, in a fresh
 * child process so its peak memory (maxRSS) is not the file writer's. Targets: under 60 s; peak memory under twice
 * the largest tensor (wte, 50257 × 768 float32 = 147 MiB) + 64 MiB.
 * Run: `node --import tsx bench/wholeModel.ts` (also the last section of `npm run bench`).
 * Options: --layers 12 (fewer for a quick look), --schemes default|formats (formats: Q4_K and NF4), --threads 0|auto
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openAsBlob,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_SCHEME_A,
  DEFAULT_SCHEME_B,
  DEFAULT_VIEW,
  generateTensor,
  type Scheme,
} from '../src/core';
import { labelOf } from '../src/core/sweep';
import { modelTotals } from '../src/core/wholeModel';
import { fromBlob, listTensors } from '../src/io';
import { startHelperThreads } from '../src/node/helperThreads';
import { planAnalysis, runAnalysis } from '../src/worker/wholeModelAnalysis';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const MiB = 2 ** 20;

const SCHEME_SETS: Record<string, Scheme[]> = {
  default: [DEFAULT_SCHEME_A, DEFAULT_SCHEME_B],
  formats: [
    { kind: 'block', format: 'q4_k' },
    { kind: 'block', format: 'nf4' },
  ],
};

/** GPT-2 small's tensors (MODELS.md): name and shape, in the checkpoint's order. */
function gpt2Shapes(layers: number): Array<[string, number[]]> {
  const d = 768;
  const out: Array<[string, number[]]> = [
    ['wte.weight', [50257, d]],
    ['wpe.weight', [1024, d]],
  ];
  for (let l = 0; l < layers; l++) {
    const h = `h.${l}`;
    out.push(
      [`${h}.ln_1.weight`, [d]],
      [`${h}.ln_1.bias`, [d]],
      [`${h}.attn.c_attn.weight`, [d, 3 * d]],
      [`${h}.attn.c_attn.bias`, [3 * d]],
      [`${h}.attn.c_proj.weight`, [d, d]],
      [`${h}.attn.c_proj.bias`, [d]],
      [`${h}.ln_2.weight`, [d]],
      [`${h}.ln_2.bias`, [d]],
      [`${h}.mlp.c_fc.weight`, [d, 4 * d]],
      [`${h}.mlp.c_fc.bias`, [4 * d]],
      [`${h}.mlp.c_proj.weight`, [4 * d, d]],
      [`${h}.mlp.c_proj.bias`, [d]],
    );
  }
  out.push(['ln_f.weight', [d]], ['ln_f.bias', [d]]);
  return out;
}

/** Writes the file tensor by tensor (the whole model is never in memory). Returns its parameter count. */
function writeModel(path: string, layers: number): number {
  const shapes = gpt2Shapes(layers);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const fd = openSync(path, 'w');
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  writeSync(fd, length);
  writeSync(fd, json);
  shapes.forEach(([, shape], i) => {
    const rows = shape.length === 2 ? shape[0] : 1;
    const cols = shape[shape.length - 1];
    const t = generateTensor({ ...DEFAULT_GENERATOR, rows, cols, seed: 1000 + i });
    writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  });
  closeSync(fd);
  return offset / 4;
}

/** The measured child: analyses `path` and prints one JSON line. */
async function analyseChild(
  path: string,
  schemes: Scheme[],
  threads: boolean,
  wasm: boolean | undefined,
  gcEach: boolean,
  trace: boolean,
): Promise<void> {
  const helpers = threads ? await startHelperThreads() : null;
  // Warm the JIT and compile the kernels on a small tensor, as the app's first tensor would.
  const small = generateTensor({ ...DEFAULT_GENERATOR, rows: 256, cols: 1024 });
  const cache = createTensorCache(small, { keepFormats: false });
  for (let k = 0; k < 5; k++) for (const s of schemes) computeQuantView(small, s, DEFAULT_VIEW, cache);
  (globalThis as { gc?: () => void }).gc?.();
  const baseRssKiB = process.resourceUsage().maxRSS;
  const started = performance.now();
  const sources = [fromBlob(await openAsBlob(path), 'model.safetensors')];
  const listing = await listTensors(sources);
  const plan = planAnalysis(listing, 'model.safetensors');
  const gc = (globalThis as { gc?: () => void }).gc;
  // --trace: after each tensor, the peak so far and what stays live once garbage is collected (to stderr).
  let traced = 0;
  const traceTensor = () => {
    const peak = process.resourceUsage().maxRSS;
    gc?.();
    const m = process.memoryUsage();
    const name = plan.tensors[traced++]?.name ?? '?';
    console.error(
      `${name}: maxRSS ${(peak / 1024).toFixed(0)} MiB (+${((peak - baseRssKiB) / 1024).toFixed(0)}), after gc rss ${(m.rss / MiB).toFixed(0)} heap ${(m.heapUsed / MiB).toFixed(0)} arrayBuffers ${(m.arrayBuffers / MiB).toFixed(0)} external ${(m.external / MiB).toFixed(0)} MiB`,
    );
  };
  const rows = await runAnalysis(
    sources,
    listing,
    plan,
    { schemes },
    {
      wasm,
      afterTensor: trace ? traceTensor : gcEach ? gc : undefined,
      // --trace: the memory as the last bytes of a tensor arrive (read chunks not yet collected included).
      onReading: trace
        ? (name, _index, loaded, total) => {
            if (loaded < total || total < 64 * MiB) return;
            const m = process.memoryUsage();
            console.error(
              `${name} read: rss ${(m.rss / MiB).toFixed(0)} arrayBuffers ${(m.arrayBuffers / MiB).toFixed(0)} external ${(m.external / MiB).toFixed(0)} MiB`,
            );
          }
        : undefined,
    },
  );
  const elapsedMs = performance.now() - started;
  const peakRssKiB = process.resourceUsage().maxRSS;
  const largest = Math.max(...plan.tensors.map((t) => t.params)) * 4;
  const totals = modelTotals(rows, schemes.length);
  console.log(
    JSON.stringify({
      elapsedMs,
      tensors: rows.length,
      skipped: plan.skipped.length,
      params: totals.params,
      bytes: totals.bytes,
      largestBytes: largest,
      baseRssKiB,
      peakRssKiB,
      threads: helpers ? helpers.helpers.length : 0,
      sqnr: totals.schemes.map((s) => s.sqnrDb),
      slowest: [...rows].sort((a, b) => b.elapsedMs - a.elapsedMs)[0],
    }),
  );
  await helpers?.stop();
}

async function main(): Promise<void> {
  const schemeSet = option('schemes', 'default');
  const schemes = SCHEME_SETS[schemeSet] ?? SCHEME_SETS.default;
  const threads = option('threads', 'auto') !== '0';
  const childPath = option('child', '');
  if (childPath) {
    await analyseChild(
      childPath,
      schemes,
      threads,
      option('wasm', 'auto') === '0' ? false : undefined,
      args.includes('--gc'),
      args.includes('--trace'),
    );
    return;
  }
  const layers = Number(option('layers', '12'));
  // --file <path>: the model is written there if missing and kept (repeated runs skip the 12 s of writing).
  const kept = option('file', '');
  const dir = kept ? '' : mkdtempSync(join(tmpdir(), 'qe-whole-model-'));
  try {
    const path = kept || join(dir, 'model.safetensors');
    const t0 = performance.now();
    const params = kept && existsSync(path) ? Math.floor(statSync(path).size / 4) : writeModel(path, layers);
    console.log(
      `## Whole model: GPT-2-shaped safetensors, ${layers} layers, ${(params / 1e6).toFixed(1)}M parameters (F32, ${((params * 4) / MiB).toFixed(0)} MiB; written in ${((performance.now() - t0) / 1000).toFixed(1)} s, not timed)`,
    );
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        new URL(import.meta.url).pathname,
        '--child',
        path,
        '--schemes',
        schemeSet,
        '--threads',
        threads ? 'auto' : '0',
      ],
      { encoding: 'utf8', maxBuffer: 16 * MiB },
    );
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      console.log(`the analysis failed (exit ${child.status}):\n${child.stderr}`);
      return;
    }
    const r = JSON.parse(line) as {
      elapsedMs: number;
      tensors: number;
      skipped: number;
      params: number;
      bytes: number;
      largestBytes: number;
      baseRssKiB: number;
      peakRssKiB: number;
      threads: number;
      sqnr: number[];
      slowest: { name: string; elapsedMs: number };
    };
    const peakMiB = (r.peakRssKiB - r.baseRssKiB) / 1024;
    const targetMiB = (2 * r.largestBytes) / MiB + 64;
    console.log(`schemes: ${schemes.map(labelOf).join(' and ')}; helper threads: ${r.threads}`);
    console.log('| figure | measured | target |');
    console.log('| --- | ---: | ---: |');
    console.log(
      `| time (list + load + analyse ${r.tensors} tensors; ${r.skipped} 1-D skipped) | ${(r.elapsedMs / 1000).toFixed(1)} s | < 60 s |`,
    );
    console.log(`| throughput | ${(r.bytes / MiB / (r.elapsedMs / 1000)).toFixed(0)} MiB/s of weights | |`);
    console.log(
      `| peak memory above the warmed-up process (maxRSS) | ${peakMiB.toFixed(0)} MiB (largest tensor ${(r.largestBytes / MiB).toFixed(0)} MiB) | < ${targetMiB.toFixed(0)} MiB |`,
    );
    console.log(`| slowest tensor | ${r.slowest.name}: ${(r.slowest.elapsedMs / 1000).toFixed(2)} s | |`);
    console.log(`| model SQNR (pooled) | ${r.sqnr.map((s) => `${s.toFixed(2)} dB`).join(' / ')} | |\n`);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
