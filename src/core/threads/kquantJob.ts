/**
 * The Q4_K / Q6_K searches shared out between this thread and the helper threads. Their rows are independent (a
 * super-block never spans two rows), so the rows are split into parts and every split gives the same bits: this
 * thread quantizes the first share itself (in place in the fused kernel's memory where the caller gives `inPlace`)
 * and helpers the others, each on its own instance of the k-quant kernel, through one SharedArrayBuffer (helper
 * parts' input rows copied in, their outputs copied out), or in place where the tensor's memory is shared.
 * Without helpers, or where SharedArrayBuffer is missing, `quantizeKRows` is `quantizeKRowsOnKernel`.
 */
import type { DeqRange } from '../formats/formatOutput';
import { kernelOnShared, rangeOn, type SharedTensor } from '../wasm/fusedKernel';
import {
  copyRowsInto,
  type KquantType,
  type KRowsOutput,
  kquantKernelAvailable,
  outputsAt,
  quantizeKRowsInPlace,
  quantizeKRowsOnKernel,
} from '../wasm/kquantKernel';
import { claimJob, finishJob, nextJobId, WORDS_PER_SLOT } from './control';
import type { KquantJob } from './jobs';
import { type Helper, helperPool, PARTS_PER_HELPER, sharedBufferPool } from './pool';
import { type Part, shareOut } from './shareOut';

/**
 * Below this many values the search stays on one thread: it takes a few milliseconds, about what a message to an
 * idle Web Worker can take to arrive, so a helper would rarely claim its part in time.
 */
const MIN_PARALLEL_VALUES = 1 << 18;

/** The shared buffer of the last split, kept while big enough. */
const buffers = sharedBufferPool();

/**
 * The helper side: runs a posted part if it is still posted (claims it first), and reports DONE or FAILED on its
 * control word.
 */
export function runKquantJob(job: KquantJob): void {
  const control = new Int32Array(job.buffer, 0, job.slot + 1);
  if (!claimJob(control, job.slot, job.id)) return;
  let ok = false;
  try {
    const n = job.rows * job.cols;
    const groups = job.rows * Math.ceil(job.cols / job.subSize);
    if (job.inPlace) {
      const { a, b, inPlace } = job;
      ok = quantizeKRowsInPlace(job.type, inPlace, job.rows, job.cols, job.subSize, {
        A: new Float32Array(job.buffer, a, groups),
        B: new Float32Array(job.buffer, b, groups),
      });
      // the part's range while its rows are in cache (else this thread measures it)
      const fused = ok ? kernelOnShared(inPlace.sharedId, inPlace.memory) : null;
      const slot = rangeSlot(job);
      slot[3] = 0;
      if (fused) {
        const r = rangeOn(fused, inPlace.memory, inPlace.x, inPlace.deq, n, inPlace.scratch.acc);
        slot.set([r.deqMin, r.deqMax, r.maxErr, 1]);
      }
    } else
      ok = quantizeKRowsOnKernel(
        job.type,
        new Float32Array(job.buffer, job.x, n),
        job.rows,
        job.cols,
        job.subSize,
        outputsAt(job.buffer, job, n, groups),
      );
  } catch {
    ok = false;
  }
  finishJob(control, job.slot, job.id, ok);
}

/** A part of the rows (from `firstRow` on). */
interface RowsPart extends Part<KquantJob> {
  firstRow: number;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** The search to share out: its type, the rows and their sub-block size. */
interface Search {
  type: KquantType;
  rows: number;
  cols: number;
  subSize: number;
}

/** The helpers' parts of rows [first, rows), laid out in one shared buffer after the control words. */
function layOutParts(
  search: Search,
  first: number,
  helpers: readonly Helper[],
  inMemory: SharedTensor | null,
): RowsPart[] | null {
  const { type, rows, cols, subSize } = search;
  const groupsPerRow = Math.ceil(cols / subSize);
  const id = nextJobId();
  // each helper's share cut into parts of whole rows, none empty
  const perHelper = Math.max(1, Math.min(PARTS_PER_HELPER, Math.floor((rows - first) / helpers.length)));
  const shares = helpers.length * perHelper;
  let at = align(4 * WORDS_PER_SLOT * shares);
  let start = first;
  const layouts: Omit<KquantJob, 'buffer'>[] = [];
  const firstRows: number[] = [];
  for (let k = 0; k < shares; k++) {
    firstRows.push(start);
    const count = Math.floor((rows - start) / (shares - k));
    const n = inMemory ? 0 : count * cols;
    const groups = count * groupsPerRow;
    // x, codes, dequantized values (unless in place), A and B one after the other
    const x = at;
    const codes = x + align(4 * n);
    const deq = codes + align(2 * n);
    const a = deq + align(4 * n);
    const b = a + align(4 * groups);
    at = b + align(4 * groups);
    const layout: Omit<KquantJob, 'buffer'> = {
      kind: 'kquant',
      slot: k * WORDS_PER_SLOT,
      id,
      type,
      rows: count,
      cols,
      subSize,
      x,
      codes,
      deq,
      a,
      b,
    };
    if (inMemory)
      layout.inPlace = {
        memory: inMemory.memory,
        sharedId: inMemory.sharedId,
        x: inMemory.x + 4 * start * cols,
        codes: inMemory.codes + 2 * start * cols,
        deq: inMemory.deq + 4 * start * cols,
        scratch: inMemory.helperScratch[Math.floor(k / perHelper)],
      };
    layouts.push(layout);
    start += count;
  }
  const buffer = buffers.take(at);
  if (!buffer) return null;
  return layouts.map((layout, k) => ({
    helper: helpers[Math.floor(k / perHelper)],
    helperIndex: Math.floor(k / perHelper),
    job: { ...layout, buffer },
    firstRow: firstRows[k],
  }));
}

/** A row range [r0, r0 + count) of `out`, as quantizeKRowsOnKernel's output. */
function outputRows(
  out: KRowsOutput,
  r0: number,
  count: number,
  cols: number,
  groupsPerRow: number,
): KRowsOutput {
  return {
    codes: out.codes.subarray(r0 * cols, (r0 + count) * cols),
    dequantized: out.dequantized.subarray(r0 * cols, (r0 + count) * cols),
    A: out.A.subarray(r0 * groupsPerRow, (r0 + count) * groupsPerRow),
    B: out.B.subarray(r0 * groupsPerRow, (r0 + count) * groupsPerRow),
  };
}

/**
 * Runs rows [firstRow, firstRow + rows) on this thread where the data already is (fusedKernel.ts `kquantRows`:
 * the tensor and `out`'s codes and values in the fused kernel's memory), writing A and B to the arrays given.
 */
export type KquantInPlace = (firstRow: number, rows: number, A: Float32Array, B: Float32Array) => boolean;

/** Where the rows of a search may be run in place, besides its plain arguments. */
export interface KquantPlacement {
  /** This thread's rows, run where the data already is (no copies). */
  inPlace?: KquantInPlace;
  /** The tensor's shared kernel memory: helpers quantize their rows there in place. */
  shared?: SharedTensor | null;
  /** The dequantized range of rows run here (with `inPlace`); `out.range` is then set for the whole tensor. */
  rangeHere?: (firstRow: number, rows: number) => DeqRange;
}

/**
 * quantizeKRowsOnKernel (same arguments, same bits), split over this thread and the registered helpers when the
 * tensor is large enough. The rows done on this thread go through `placement.inPlace` where given (no copies), else
 * through the kernel's own memory. Returns the number of threads that ran a part, 0 (nothing written) where the
 * kernel cannot run here.
 */
export function quantizeKRows(
  type: KquantType,
  data: Float32Array,
  rows: number,
  cols: number,
  subSize: number,
  out: KRowsOutput,
  placement: KquantPlacement = {},
): number {
  const { inPlace, shared = null, rangeHere } = placement;
  const groupsPerRow = Math.ceil(cols / subSize);
  // Helpers work in place only on the very memory `out` is in (the tensor's own rows there are `inPlace`'s).
  const inMemory =
    inPlace !== undefined &&
    shared !== null &&
    out.codes.buffer === shared.memory.buffer &&
    out.codes.byteOffset === shared.codes &&
    out.dequantized.byteOffset === shared.deq
      ? shared
      : null;
  /** Rows [r0, r0 + count) on this thread. */
  const runHere = (r0: number, count: number) => {
    const rowsOut = outputRows(out, r0, count, cols, groupsPerRow);
    if (inPlace?.(r0, count, rowsOut.A, rowsOut.B)) return true;
    const x = data.subarray(r0 * cols, (r0 + count) * cols);
    return quantizeKRowsOnKernel(type, x, count, cols, subSize, rowsOut);
  };
  const single = () => (runHere(0, rows) ? 1 : 0);
  const most = inMemory ? inMemory.helperScratch.length : Number.POSITIVE_INFINITY;
  const helpers = helperPool().slice(0, Math.max(0, Math.min(rows - 1, most)));
  if (helpers.length === 0 || rows * cols < MIN_PARALLEL_VALUES || !kquantKernelAvailable()) return single();
  const own = Math.ceil(rows / (helpers.length + 1));
  const parts = layOutParts({ type, rows, cols, subSize }, own, helpers, inMemory);
  if (!parts) return single();
  for (const { job, firstRow } of parts)
    if (!job.inPlace)
      new Float32Array(job.buffer, job.x, job.rows * cols).set(
        data.subarray(firstRow * cols, (firstRow + job.rows) * cols),
      );
  const control = new Int32Array(parts[0].job.buffer, 0, parts[parts.length - 1].job.slot + 1);
  // each part's range (index 0: this thread's own rows), measured by whoever ran it, merged in row order below
  const measure = inMemory ? (rangeHere ?? null) : null;
  const ranges: (DeqRange | null)[] = [];
  let ok = true;
  const here = (index: number, r0: number, count: number) => {
    if (!ok) return;
    ok = runHere(r0, count);
    if (ok && measure) ranges[index] = measure(r0, count);
  };
  const delivered = new Set<Helper>();
  try {
    shareOut(parts, control, {
      runOwn: () => here(0, 0, own),
      runHere: (part) => here(parts.indexOf(part) + 1, part.firstRow, part.job.rows),
      collect: (part) => {
        if (!ok) return;
        const { job, firstRow } = part;
        const groups = job.rows * groupsPerRow;
        if (job.inPlace) {
          // codes and values are in place already
          out.A.set(new Float32Array(job.buffer, job.a, groups), firstRow * groupsPerRow);
          out.B.set(new Float32Array(job.buffer, job.b, groups), firstRow * groupsPerRow);
          if (measure) ranges[parts.indexOf(part) + 1] = rangeOfPart(job) ?? measure(firstRow, job.rows);
        } else
          copyRowsInto(
            out,
            outputsAt(job.buffer, job, job.rows * cols, groups),
            firstRow,
            cols,
            groupsPerRow,
          );
        delivered.add(part.helper);
      },
    });
  } catch (error) {
    // a part still posted may yet be claimed and written by its helper: the next search takes a new buffer
    buffers.discard();
    throw error;
  }
  if (ok && measure) out.range = mergeRanges(ranges);
  return ok ? 1 + delivered.size : 0;
}

/** Where a helper leaves its in-place part's range: three float64 after the part's control word (and a flag). */
function rangeSlot(job: KquantJob): Float64Array {
  return new Float64Array(job.buffer, 4 * job.slot + 8, 4);
}

/** The range a helper measured for its part, or null where it could not. */
function rangeOfPart(job: KquantJob): DeqRange | null {
  const [deqMin, deqMax, maxErr, measured] = rangeSlot(job);
  return measured === 1 ? { deqMin, deqMax, maxErr } : null;
}

/**
 * Parts' ranges in row order into the tensor's, as one scan in element order gives it: a later part's extreme
 * replaces only a strictly smaller (larger) one, so an equal one (+0 and -0) keeps the first part's sign.
 */
function mergeRanges(ranges: readonly (DeqRange | null)[]): DeqRange {
  let deqMin = Number.POSITIVE_INFINITY;
  let deqMax = Number.NEGATIVE_INFINITY;
  let maxErr = 0;
  for (const r of ranges) {
    if (!r) continue;
    if (r.deqMin < deqMin) deqMin = r.deqMin;
    if (r.deqMax > deqMax) deqMax = r.deqMax;
    if (r.maxErr > maxErr) maxErr = r.maxErr;
  }
  return { deqMin, deqMax, maxErr };
}
