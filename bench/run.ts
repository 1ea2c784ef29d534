/**
 * `npm run bench`: the engine's full recompute (quantize + dequantize + all metrics + the dequantized and error
 * histograms + per-row MSE + heatmap; the original's histogram is cached per tensor, as in the app) for absmax and
 * zero-point at per-tensor, per-row and group-128 granularity, on 1024² and 4096² transformer-like matrices.
 * Beside each median, measured in the same run on the same bytes:
 *   - NumPy doing the same work (bench/numpy_same_work.py), as a ratio (numpy / engine; > 1 means we are faster);
 *   - the memory-bandwidth floor: one plain JS pass reading the input and writing a float32 and an int8 array
 *     (the definition), and the same bytes at memcpy speed (TypedArray.set), the hardware's own floor.
 * Timings are medians of several calls after a warm-up (V8 needs the kernel hot before the big calls).
 * Options: --sizes 1024,4096  --repeats 7  --no-numpy  --no-formats
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_VIEW,
  generateTensor,
  type IntegerScheme,
  type Scheme,
  type Tensor2D,
} from '../src/core';
import { startHelperThreads } from '../src/node/helperThreads';
import { formatRows, fullRecompute, helperSplitRows, kmeansFirstCallMs, sweepRow } from './formatsBench';
import { timeMedian } from './timing';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('sizes', '1024,4096').split(',').map(Number);
const repeats = Number(option('repeats', '7'));
const withNumpy = !args.includes('--no-numpy');
const withFormats = !args.includes('--no-formats');

/** Reads x once and writes a float32 and an int8 array: the least any full recompute must move. */
function bandwidthFloor(t: Tensor2D, outF: Float32Array, outI: Int8Array): void {
  const x = t.data;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    outF[i] = v;
    outI[i] = v;
  }
}

const integer = (
  method: 'absmax' | 'zeroPoint',
  bits: number,
  granularity: IntegerScheme['granularity'],
): IntegerScheme => ({
  kind: 'integer',
  method,
  bits,
  granularity,
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
});
const schemes: Array<[string, Scheme]> = [
  ['absmax int8 tensor', integer('absmax', 8, { kind: 'tensor' })],
  ['absmax int8 row', integer('absmax', 8, { kind: 'row' })],
  ['absmax int4 group128', integer('absmax', 4, { kind: 'group', size: 128 })],
  ['zeroPoint int8 tensor', integer('zeroPoint', 8, { kind: 'tensor' })],
  ['zeroPoint int8 row', integer('zeroPoint', 8, { kind: 'row' })],
  ['zeroPoint int4 group128', integer('zeroPoint', 4, { kind: 'group', size: 128 })],
];

function numpyMedians(t: Tensor2D, n: number): Record<string, number> | null {
  if (!withNumpy) return null;
  const dir = mkdtempSync(join(tmpdir(), 'qe-bench-'));
  try {
    const file = join(dir, 'x.f32');
    writeFileSync(file, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    const run = spawnSync(
      'python3',
      ['bench/numpy_same_work.py', file, String(t.rows), String(t.cols), String(n)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    if (run.status !== 0) {
      console.log(`  (NumPy column skipped: ${run.stderr.trim().split('\n').pop() ?? 'python3 failed'})`);
      return null;
    }
    return JSON.parse(run.stdout).medians;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

console.log(`Quantization Explorer engine benchmark — node ${process.version}, ${new Date().toISOString()}`);
console.log(`median of ${repeats} calls after a warm-up; ratios are within this run, on the same data`);
// Helper threads share the measuring pass of large tensors and the Q4_K / Q6_K searches, as the app's Web Workers
// do on an isolated page (every table below runs with them; the last table of each size compares).
const kquant = withFormats ? await startHelperThreads() : null;
console.log(
  `helper threads: ${kquant?.helpers.length ?? 0} (worker_threads; one per core beyond this one, at most 3)\n`,
);
// Warm the JIT on a small matrix first (PERFORMANCE.md: first huge call runs partly unoptimised), on both the
// JS loops and the WebAssembly kernel (V8 first runs WebAssembly in its baseline tier and optimises hot functions
// later: without this the first table row would be timed partly in baseline code).
{
  const small = generateTensor({ ...DEFAULT_GENERATOR, rows: 64, cols: 256 });
  for (const wasm of [false, true]) {
    const cache = createTensorCache(small, { wasm });
    for (let k = 0; k < 20; k++) for (const [, s] of schemes) computeQuantView(small, s, DEFAULT_VIEW, cache);
  }
  // and the split over the helper threads, which only a large tensor takes (its first calls were the first row's)
  if (kquant && kquant.helpers.length > 0) {
    const large = generateTensor({ ...DEFAULT_GENERATOR, rows: 512, cols: 1024 });
    const cache = createTensorCache(large);
    for (let k = 0; k < 10; k++) for (const [, s] of schemes) computeQuantView(large, s, DEFAULT_VIEW, cache);
  }
}

for (const size of sizes) {
  const t = generateTensor({ ...DEFAULT_GENERATOR, rows: size, cols: size });
  const cache = createTensorCache(t);
  const n = size >= 4096 ? Math.max(3, Math.floor(repeats / 2)) : repeats;
  const outF = new Float32Array(t.data.length);
  const outI = new Int8Array(t.data.length);
  const floor = timeMedian(() => bandwidthFloor(t, outF, outI), n);
  // The same 9 bytes per value moved at memcpy speed (TypedArray.set moves 8: read 4, write 4): what the memory
  // itself allows, far below what a scalar JS loop reaches on this VM.
  const memcpyFloor = (timeMedian(() => outF.set(t.data), n) * 9) / 8;
  const numpy = numpyMedians(t, n);
  console.log(
    `## ${size} x ${size} (${((size * size * 4) / 2 ** 20).toFixed(0)} MiB float32); bandwidth floor ${fmt(floor)} ms (plain JS pass), ${fmt(memcpyFloor)} ms at memcpy speed (the ratios use the floors measured again before each row)`,
  );
  console.log('| scheme | engine ms | numpy ms | numpy / engine | engine / floor | engine / memcpy floor |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, scheme] of schemes) {
    // The floors again right before each row: this VM's speed drifts within a run, and a ratio should compare
    // two things measured at the same moment.
    const floorNow = timeMedian(() => bandwidthFloor(t, outF, outI), n);
    const memcpyNow = (timeMedian(() => outF.set(t.data), n) * 9) / 8;
    const ms = timeMedian(() => fullRecompute(t, scheme, cache), n);
    const np = numpy?.[name];
    console.log(
      `| ${name} | ${fmt(ms)} | ${np === undefined ? '–' : fmt(np)} | ${np === undefined ? '–' : (np / ms).toFixed(2)} | ${(ms / floorNow).toFixed(1)} | ${(ms / memcpyNow).toFixed(0)} |`,
    );
  }
  if (withFormats) {
    console.log(
      '\n| format (one recompute) | engine ms (median) | best | bits/weight | view change, quantization kept: ms (median) |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: |');
    // three passes over the formats at 1024² (a few seconds each), one at larger sizes
    for (const row of formatRows(t, cache, n, undefined, size <= 1024 ? 3 : 1))
      console.log(
        `| ${row.name} | ${fmt(row.ms)} | ${fmt(row.bestMs)} | ${row.bitsPerWeight.toFixed(4)} | ${row.viewMs === null ? '–' : fmt(row.viewMs)} |`,
      );
    if (kquant && kquant.helpers.length > 0) {
      console.log(
        '\n| one recompute | one thread ms (median / best) | with the helpers ms (median / best) | threads (search / measuring) | one / with |',
      );
      console.log('| --- | ---: | ---: | ---: | ---: |');
      for (const row of helperSplitRows(t, cache, size <= 1024 ? 3 * n : n, kquant.helpers))
        console.log(
          `| ${row.name} | ${fmt(row.oneMs)} / ${fmt(row.oneBestMs)} | ${fmt(row.splitMs)} / ${fmt(row.splitBestMs)} | ${row.threads} / ${row.measuringThreads} | ${(row.oneMs / row.splitMs).toFixed(2)} |`,
        );
    }
    console.log(
      `\nk-means 16 centroids per row, first call on a tensor (sorts its rows into the cache): ${fmt(kmeansFirstCallMs(t, Math.max(1, Math.floor(n / 2))))} ms`,
    );
    const sweep = sweepRow(t, Math.max(1, Math.floor(n / 2)));
    console.log(
      `\nsweep: ${sweep.schemes} schemes on ${sweep.rowsUsed} of ${size} rows (sampled to ≤ 2^17 values): ${fmt(sweep.ms)} ms total`,
    );
  }
  console.log('');
}
await kquant?.stop();
// issue #13: the model lab, in a process of its own (this one's heap, JIT state and helper threads made its figures
// bimodal), its calls alternated with NumPy's (bench/lab.ts says how)
spawnSync(process.execPath, ['--import', 'tsx', 'bench/lab.ts', ...(withNumpy ? [] : ['--no-numpy'])], {
  stdio: 'inherit',
});
await (await import('./gpt2')).gpt2Bench({ numpy: withNumpy }); // issue #14: GPT-2 forward pass vs NumPy
// issue #15: the whole-model analysis of a generated 124M-parameter GPT-2-shaped file, in processes of its own (its
// peak memory is measured as a child's maxRSS, which this process's allocations would hide).
spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/wholeModel.ts'], { stdio: 'inherit' });
