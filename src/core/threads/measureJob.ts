/**
 * The measuring pass (wasmPass.ts: errors, histograms, per-row MSE, the heatmap; for an integer scheme also its
 * quantization) shared out with the helper threads. A large tensor's kernel memory is a shared WebAssembly memory
 * (fusedKernel.ts `createKernelBuffers`), so a helper instantiates the same kernel on it and measures its rows in
 * place: nothing is copied but the per-group clipping ranges (and an integer scheme's steps and zero points), and the
 * rows' results back.
 *
 * The pass is cut into bands of whole heatmap cell rows (wasmPass.ts `rowsPerBandOf`). Every band's results are its
 * own (its rows' sums, its cells, its Σ error² and Σ error), and the counts are integers, so the results are the same
 * bits whichever thread ran which band, and as on one thread. Each thread counts into its own scratch in the memory;
 * this thread adds them up. A helper that fails has all its parts run again here and its scratch ignored (it may hold
 * half a part): shareOut.ts `failTogether`.
 */
import { kernelOnShared, type PassScratch, scratchViews } from '../wasm/fusedKernel';
import { SHARED_MIN_VALUES } from '../wasm/kernelLayout';
import {
  type BandOutputs,
  bandCount,
  type GroupArrays,
  measureBands,
  type PassPlan,
  type SplitRunner,
  startScratch,
} from '../wasmPass';
import { claimJob, finishJob, nextJobId, WORDS_PER_SLOT } from './control';
import type { MeasureJob, SharedLayout } from './jobs';
import { helperPool, PARTS_PER_HELPER, sharedBufferPool } from './pool';
import { type Part, shareOut } from './shareOut';

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** The band outputs and group arrays of a layout, as views of `buffer`. */
function sharedViews(buffer: SharedArrayBuffer, l: SharedLayout): { out: BandOutputs; arrays: GroupArrays } {
  return {
    out: {
      rowSse: new Float64Array(buffer, l.rowSse, l.rows),
      heat: new Float64Array(buffer, l.heat, l.cells),
      bandSse: new Float64Array(buffer, l.bandSse, l.bands),
      bandErr: new Float64Array(buffer, l.bandErr, l.bands),
    },
    arrays: {
      step: new Float32Array(buffer, l.step, l.steps),
      zero: new Float64Array(buffer, l.zero, l.steps),
      lo: new Float32Array(buffer, l.lo, l.groups),
      hi: new Float32Array(buffer, l.hi, l.groups),
    },
  };
}

/** The layout after `controlBytes` of control words, and the bytes it needs. */
function layOut(
  plan: PassPlan,
  arrays: GroupArrays,
  controlBytes: number,
): { layout: SharedLayout; end: number } {
  let at = align(controlBytes);
  const take = (bytes: number) => {
    const start = at;
    at += align(bytes);
    return start;
  };
  const rows = plan.rows;
  const cells = Math.ceil(rows / plan.rowsPerCell) * plan.gridCols;
  const bands = bandCount(plan);
  const steps = plan.integer ? arrays.step.length : 0;
  const groups = arrays.lo.length;
  const layout: SharedLayout = {
    rowSse: take(8 * rows),
    rows,
    heat: take(8 * cells),
    cells,
    bandSse: take(8 * bands),
    bandErr: take(8 * bands),
    bands,
    step: take(4 * steps),
    zero: take(8 * steps),
    steps,
    lo: take(4 * groups),
    hi: take(4 * groups),
    groups,
  };
  return { layout, end: at };
}

/** The shared buffer of the last split, kept while big enough. */
const buffers = sharedBufferPool();

let splitting = true;

/** Turns the split off and on (the benchmarks' one-thread baseline; the k-quant searches are not affected). */
export function setMeasureSplit(enabled: boolean): void {
  splitting = enabled;
}

/**
 * wasmPass.ts's SplitRunner: the bands of the pass over this thread and the helpers, or null (nothing run) where
 * the memory is not shared, there are no helpers, or the tensor is too small for a split to pay.
 */
export const measureSplit: SplitRunner = (kernelBuffers, plan, arrays, out) => {
  const bands = bandCount(plan);
  if (!splitting || kernelBuffers.sharedId === null || plan.rows * plan.cols < SHARED_MIN_VALUES) return null;
  const helpers = helperPool().slice(0, Math.min(kernelBuffers.helperScratch.length, bands - 1));
  if (helpers.length === 0) return null;
  const own = Math.ceil(bands / (helpers.length + 1));
  const perHelper = Math.max(1, Math.min(PARTS_PER_HELPER, Math.floor((bands - own) / helpers.length)));
  const shares = helpers.length * perHelper;
  const { layout, end } = layOut(plan, arrays, 4 * WORDS_PER_SLOT * shares);
  const buffer = buffers.take(end);
  if (!buffer) return null;
  const shared = sharedViews(buffer, layout);
  shared.arrays.lo.set(arrays.lo);
  shared.arrays.hi.set(arrays.hi);
  if (layout.steps > 0) {
    shared.arrays.step.set(arrays.step);
    shared.arrays.zero.set(arrays.zero);
  }
  const control = new Int32Array(buffer, 0, shares * WORDS_PER_SLOT);
  const id = nextJobId();
  const parts: Part<MeasureJob>[] = [];
  let band = own;
  for (let k = 0; k < shares; k++) {
    const count = Math.floor((bands - band) / (shares - k));
    const helperIndex = Math.floor(k / perHelper);
    const job: MeasureJob = {
      kind: 'measure',
      memory: kernelBuffers.memory,
      sharedId: kernelBuffers.sharedId,
      buffer,
      slot: k * WORDS_PER_SLOT,
      id,
      scratch: kernelBuffers.helperScratch[helperIndex].ptr,
      at: { x: kernelBuffers.ptr.x, codes: kernelBuffers.ptr.codes, deq: kernelBuffers.ptr.deq },
      plan,
      layout,
      firstBand: band,
      endBand: band + count,
    };
    parts.push({ helper: helpers[helperIndex], helperIndex, job });
    band += count;
  }
  const { kernel } = kernelBuffers;
  const measureHere = (b0: number, b1: number) =>
    measureBands(kernel, kernelBuffers, kernelBuffers.ptr, plan, arrays, b0, b1, out);
  const counted = new Set<number>();
  const failed = shareOut(parts, control, {
    runOwn: () => {
      startScratch(kernel, kernelBuffers, plan);
      measureHere(0, own);
    },
    runHere: ({ job }) => measureHere(job.firstBand, job.endBand),
    collect: ({ job, helperIndex }) => {
      copyBands(shared.out, out, plan, job.firstBand, job.endBand);
      counted.add(helperIndex);
    },
    failTogether: true,
  });
  // a helper that failed or went silent (dropped, and stopped where it can be) may have left half a part in the
  // shared buffer: the next pass takes a new one
  if (failed) buffers.discard();
  const scratches: PassScratch[] = [kernelBuffers];
  for (const k of counted) scratches.push(kernelBuffers.helperScratch[k]);
  return { scratches, threads: 1 + counted.size };
};

/** Bands [b0, b1)'s results from `from` to `to`: their rows' sums, their cell rows, their totals. */
function copyBands(from: BandOutputs, to: BandOutputs, plan: PassPlan, b0: number, b1: number): void {
  const r0 = b0 * plan.rowsPerBand;
  const r1 = Math.min(plan.rows, b1 * plan.rowsPerBand);
  to.rowSse.set(from.rowSse.subarray(r0, r1), r0);
  const c0 = (r0 / plan.rowsPerCell) * plan.gridCols;
  const c1 = Math.ceil(r1 / plan.rowsPerCell) * plan.gridCols;
  to.heat.set(from.heat.subarray(c0, c1), c0);
  to.bandSse.set(from.bandSse.subarray(b0, b1), b0);
  to.bandErr.set(from.bandErr.subarray(b0, b1), b0);
}

/** The pass (memory, job id, scratch) this helper's scratch was last set up for. */
let startedFor = '';

/**
 * The helper side: measures a posted part if it is still posted (claims it first) into this helper's scratch
 * (cleared on its first part of a pass) and the shared buffer, and reports DONE or FAILED.
 */
export function runMeasureJob(job: MeasureJob): void {
  const control = new Int32Array(job.buffer, 0, job.slot + 1);
  if (!claimJob(control, job.slot, job.id)) return;
  let ok = false;
  try {
    const kernel = kernelOnShared(job.sharedId, job.memory);
    if (kernel) {
      const scratch = scratchViews(job.memory.buffer, job.scratch);
      const pass = `${job.sharedId}/${job.id}/${job.scratch.counts}`;
      if (startedFor !== pass) {
        startScratch(kernel, scratch, job.plan);
        startedFor = pass;
      }
      const { out, arrays } = sharedViews(job.buffer, job.layout);
      measureBands(kernel, scratch, job.at, job.plan, arrays, job.firstBand, job.endBand, out);
      ok = true;
    }
  } catch {
    ok = false;
  }
  finishJob(control, job.slot, job.id, ok);
}
