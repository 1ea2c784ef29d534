/**
 * The measuring pass (wasmPass.ts: errors, histograms, per-row MSE, the heatmap; for an integer scheme also its
 * quantization) shared out with the helper threads of wasm/kquantThreads.ts. A large tensor's kernel memory is a
 * shared WebAssembly memory (fusedKernel.ts `createKernelBuffers`), so a helper instantiates the same kernel on it
 * and measures its rows in place: nothing is copied but the per-group clipping ranges (and an integer scheme's
 * steps and zero points), and the rows' results back.
 *
 * The pass is cut into bands of whole heatmap cell rows (wasmPass.ts `rowsPerBandOf`). Every band's results are
 * its own (its rows' sums, its cells, its Σ error² and Σ error), and the counts are integers, so the results are
 * the same bits whichever thread ran which band, and as on one thread. Each thread counts into its own scratch in
 * the memory; this thread adds them up.
 *
 * The protocol is kquantThreads.ts's: this thread measures the first bands itself, helpers claim the other parts by
 * a compare-and-swap, and what no helper has claimed when this thread is done it takes back and runs. A helper that
 * fails has all its parts run again here and its scratch ignored (it may hold half a part).
 */

import { kernelOnShared, type PassScratch, scratchViews } from './wasm/fusedKernel';
import { type ScratchPointers, SHARED_MIN_VALUES } from './wasm/kernelLayout';
import {
  awaitJob,
  claimJob,
  finishJob,
  helperPool,
  type KquantHelper,
  type KquantJob,
  markPosted,
  nextJobId,
  PARTS_PER_HELPER,
  runKquantJob,
  takeBackJob,
  WORDS_PER_SLOT,
} from './wasm/kquantThreads';
import type { WasmMemory } from './wasm/wasmModule';
import {
  type BandOutputs,
  bandCount,
  type GroupArrays,
  measureBands,
  type PassPlan,
  type SplitRunner,
  startScratch,
  type TensorPointers,
} from './wasmPass';

/** Where a pass's shared arrays sit in the job's buffer (byte offsets; lengths in entries). */
export interface SharedLayout {
  rowSse: number;
  rows: number;
  heat: number;
  cells: number;
  bandSse: number;
  bandErr: number;
  bands: number;
  /** An integer scheme's steps and zero points (0 entries for a format, which the measuring does not read). */
  step: number;
  zero: number;
  steps: number;
  lo: number;
  hi: number;
  groups: number;
}

/** One part of a measuring pass, as posted to a helper (structured-cloneable: the memory and buffer are shared). */
export interface MeasureJob {
  kind: 'measure';
  memory: WasmMemory;
  /** The memory's id (fusedKernel.ts `sharedId`): a helper keeps its kernel instance on it between jobs. */
  sharedId: number;
  buffer: SharedArrayBuffer;
  slot: number;
  id: number;
  /** The helper's scratch in the memory. */
  scratch: ScratchPointers;
  at: TensorPointers;
  plan: PassPlan;
  layout: SharedLayout;
  firstBand: number;
  endBand: number;
}

/** A job as a helper receives it: a part of a k-quant search or of a measuring pass. */
export function runHelperJob(job: KquantJob | MeasureJob): void {
  if ('kind' in job && job.kind === 'measure') runMeasureJob(job);
  else runKquantJob(job as KquantJob);
}

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

/** The shared buffer of the last split, kept while big enough (and not over 4x too big). */
let pooled: SharedArrayBuffer | null = null;

function sharedBuffer(bytes: number): SharedArrayBuffer | null {
  if (pooled && pooled.byteLength >= bytes && pooled.byteLength <= 4 * bytes) return pooled;
  try {
    pooled = new SharedArrayBuffer(bytes);
  } catch {
    pooled = null;
  }
  return pooled;
}

let splitting = true;

/** Turns the split off and on (the benchmarks' one-thread baseline; the k-quant searches are not affected). */
export function setMeasureSplit(enabled: boolean): void {
  splitting = enabled;
}

/** A part of the bands, and who it was posted to. */
interface Part {
  helper: KquantHelper;
  helperIndex: number;
  job: MeasureJob;
}

/**
 * wasmPass.ts's SplitRunner: the bands of the pass over this thread and the helpers, or null (nothing run) where
 * the memory is not shared, there are no helpers, or the tensor is too small for a split to pay.
 */
export const measureSplit: SplitRunner = (buffers, plan, arrays, out) => {
  const bands = bandCount(plan);
  if (!splitting || buffers.sharedId === null || plan.rows * plan.cols < SHARED_MIN_VALUES) return null;
  const helpers = helperPool().slice(0, Math.min(buffers.helperScratch.length, bands - 1));
  if (helpers.length === 0) return null;
  const own = Math.ceil(bands / (helpers.length + 1));
  const perHelper = Math.max(1, Math.min(PARTS_PER_HELPER, Math.floor((bands - own) / helpers.length)));
  const shares = helpers.length * perHelper;
  const { layout, end } = layOut(plan, arrays, 4 * WORDS_PER_SLOT * shares);
  const buffer = sharedBuffer(end);
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
  const parts: Part[] = [];
  let band = own;
  for (let k = 0; k < shares; k++) {
    const count = Math.floor((bands - band) / (shares - k));
    const helperIndex = Math.floor(k / perHelper);
    const job: MeasureJob = {
      kind: 'measure',
      memory: buffers.memory,
      sharedId: buffers.sharedId,
      buffer,
      slot: k * WORDS_PER_SLOT,
      id,
      scratch: buffers.helperScratch[helperIndex].ptr,
      at: { x: buffers.ptr.x, codes: buffers.ptr.codes, deq: buffers.ptr.deq },
      plan,
      layout,
      firstBand: band,
      endBand: band + count,
    };
    parts.push({ helper: helpers[helperIndex], helperIndex, job });
    band += count;
  }
  const posted = new Set<Part>();
  for (const part of parts) {
    markPosted(control, part.job.slot, id);
    try {
      part.helper.post(part.job);
      posted.add(part);
    } catch {
      takeBackJob(control, part.job.slot, id); // this helper cannot take the message: the part runs here
    }
  }
  const { kernel } = buffers;
  startScratch(kernel, buffers, plan);
  measureBands(kernel, buffers, buffers.ptr, plan, arrays, 0, own, out);
  const claimed = new Set<Part>();
  for (let k = parts.length - 1; k >= 0; k--) {
    const part = parts[k];
    if (posted.has(part) && !takeBackJob(control, part.job.slot, id)) claimed.add(part);
    else measureBands(kernel, buffers, buffers.ptr, plan, arrays, part.job.firstBand, part.job.endBand, out);
  }
  // every claimed part waited for; a helper with any part failed has all its parts run here
  const failed = new Set<number>();
  for (const part of claimed)
    if (!awaitJob(part.helper, control, part.job.slot, id)) failed.add(part.helperIndex);
  // a helper that failed or went silent (dropped, and stopped where it can be) may have left half a part in the
  // shared buffer: the next pass takes a new one
  if (failed.size > 0) pooled = null;
  const counted = new Set<number>();
  for (const part of claimed) {
    const { firstBand, endBand } = part.job;
    if (failed.has(part.helperIndex))
      measureBands(kernel, buffers, buffers.ptr, plan, arrays, firstBand, endBand, out);
    else {
      copyBands(shared.out, out, plan, firstBand, endBand);
      counted.add(part.helperIndex);
    }
  }
  const scratches: PassScratch[] = [buffers];
  for (const k of counted) scratches.push(buffers.helperScratch[k]);
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
