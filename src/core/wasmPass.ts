/**
 * The fused pass on the WebAssembly SIMD kernel (wasm/fusedKernel.ts): the same spans, parameters and outputs
 * as fusedPass.ts `runSegment` over quantView's rows and groups, four to eight values per instruction. Integer
 * schemes quantize in the kernel (`quantizeSpan`); formats, whose kernels have written codes and dequantized
 * values, are measured there (`measureSpan`). `runPassWasm` returns false for the cases the kernel does not
 * take (stochastic rounding, per-column parameters; tensorCache.ts `kernelFor` already left out non-finite
 * values), and the JS pass runs instead. Either way the codes, dequantized values, counts, histograms, clipped
 * count and largest error are the same bits; Σ error and the heatmap's Σ|error| may differ in the last place
 * (summation order).
 */
import { ACC, type PassContext, type PassShape } from './fusedPass';
import { groupsPerRow } from './groups';
import type { Granularity } from './scheme';
import type { RowSink } from './tensorCache';
import { inRowBatches, type KernelBuffers, type KernelExports, type PassScratch } from './wasm/fusedKernel';
import { HIST_STRIDE, MAX_RECORDED_CODES, MINMAX_GROUPS } from './wasm/kernelLayout';

/** Codes of a format are 16-bit patterns: one count sub-array covers all of them. */
const PATTERNS = 65536;

/** Whether the kernel can run this pass with the JS pass's exact results. */
function eligible(ctx: PassContext, integer: boolean, granularity: Granularity, groups: number): boolean {
  if (granularity.kind === 'column') return false;
  // Infinite edges (a format that overflowed to infinity) take the JS pass, whose NaN bins count nothing.
  const { deqEdges, errEdges } = ctx;
  if (
    !Number.isFinite(
      deqEdges[0] + deqEdges[deqEdges.length - 1] + errEdges[0] + errEdges[errEdges.length - 1],
    )
  )
    return false;
  if (!integer) return true;
  if (ctx.rounding > 2) return false;
  // The kernel works in float32: zero points must be integers, and every q - z exactly representable (|q - z|
  // <= 2^24), as the JS pass computes q - z in float64 (a tiny range far from zero gives a huge zero point).
  const qReach = Math.max(-ctx.qmin, ctx.qmax);
  for (let g = 0; g < groups; g++) {
    const z = ctx.zero[g];
    if (!Number.isInteger(z) || Math.abs(z) + qReach > 2 ** 24) return false;
  }
  return true;
}

/** How one pass counts codes and fills the dequantized histogram (see `countingOf`). */
export interface Counting {
  /** Code slots counted: integer levels, a format's codeRange codes, or all 16-bit patterns. */
  levels: number;
  /** Distance between the four lane sub-arrays of counts (0: one shared array). */
  laneStride: number;
  /**
   * 0: the dequantized histogram comes afterwards from the code counts (one group whose values follow from its
   * codes); 1: value by value; 2: per group, at its end, from its code counts.
   */
  deqMode: 0 | 1 | 2;
  /** Mode 1 for a format: only which codes occur matters (levels used), a byte per pattern set, not counted. */
  seenOnly: boolean;
  /** Mode 2 for a format: the value of each code is recorded by the pass (it is fixed within a group). */
  recordValues: boolean;
}

function countingOf(
  ctx: PassContext,
  integer: boolean,
  granularity: Granularity,
  cols: number,
  codeRange: number,
): Counting {
  // A format whose codes lie in [0, codeRange) and determine the value within a group: with at least four values
  // per code in a span, each span's histogram is binned from its code counts (one recorded value per code). With
  // fewer, the flush (four lane counts per code) costs more than binning values (MXFP4: 16 codes per 32 values).
  const spanLength = granularity.kind === 'group' ? Math.min(granularity.size, cols) : cols;
  const recordValues =
    !integer &&
    ctx.deqHist !== null &&
    codeRange > 0 &&
    codeRange <= MAX_RECORDED_CODES &&
    4 * codeRange <= spanLength;
  // A format's codes are 16-bit patterns, or fewer where it promises a code range (the seen-marks of a pass then
  // cover only those: clearing and adding up 65,536 bytes per thread would cost more than marking 16 codes).
  const levels = integer
    ? ctx.qmax - ctx.qmin + 1
    : codeRange > 0 && codeRange <= PATTERNS
      ? codeRange
      : PATTERNS;
  // Integer codes (few, often repeated by neighbours) count into four lane sub-arrays; 2^16 patterns share one
  // array (four would spread the counts over 1 MiB, past the cache, and neighbours rarely repeat a pattern).
  const laneStride = integer || recordValues ? levels : 0;
  // Integer groups with at least as many values as levels (segCounts) are binned per group, like recordValues.
  const deqMode = ctx.deqHist === null ? 0 : (integer && ctx.segCounts !== null) || recordValues ? 2 : 1;
  return { levels, laneStride, deqMode, seenOnly: !integer && deqMode === 1, recordValues };
}

/**
 * Everything a thread needs to measure (or, for an integer scheme, quantize and measure) rows of one pass, except
 * the per-group arrays: plain data, so it can be posted to a helper thread (threads/measureJob.ts).
 */
export interface PassPlan {
  integer: boolean;
  granularity: Granularity;
  rows: number;
  cols: number;
  rowsPerCell: number;
  gridCols: number;
  colsPerCell: number;
  /** Rows per band (a whole number of heatmap cell rows): the unit of the sums' order and of the split. */
  rowsPerBand: number;
  qmin: number;
  qmax: number;
  rounding: number;
  counting: Counting;
  errBins: number;
  errLo: number;
  errHi: number;
  deqEdges: Float64Array;
  /** The largest error² before the pass (the kernel keeps the running maximum). */
  maxErr2: number;
  /** The output pointers hold one row, written over row after row (PassShape.rowOutputs): not split over threads. */
  rowOutputs: boolean;
}

/** A pass's per-group parameters (integer schemes) and clipping ranges (every scheme). */
export interface GroupArrays {
  step: Float32Array;
  zero: Float64Array;
  lo: Float32Array;
  hi: Float32Array;
}

/**
 * Where the bands' results go. Every entry is written by the one band that owns it, never added to, so a band can
 * be run again (by another thread) and the results do not depend on which thread ran which band.
 */
export interface BandOutputs {
  rowSse: Float64Array;
  heat: Float64Array;
  /** Per band: Σ error² and Σ error, each summed in element order within the band. */
  bandSse: Float64Array;
  bandErr: Float64Array;
}

/** The tensor and the selected output, as byte offsets into a kernel memory. */
export interface TensorPointers {
  x: number;
  codes: number;
  deq: number;
}

/**
 * Values per band, at least: bands are the sums' unit (Σ error² and Σ error are summed per band, then band after
 * band), so the totals are the same bits whether one thread or several ran the pass.
 */
const BAND_VALUES = 1 << 15;

/** Bands of a pass over `rows` x `cols` with heatmap cells `rowsPerCell` rows high. */
export function rowsPerBandOf(rows: number, cols: number, rowsPerCell: number): number {
  const cellRows = Math.max(1, Math.floor(BAND_VALUES / Math.max(1, rowsPerCell * cols)));
  return Math.min(rows, cellRows * rowsPerCell);
}

export function bandCount(plan: PassPlan): number {
  return plan.rows === 0 ? 0 : Math.ceil(plan.rows / plan.rowsPerBand);
}

/**
 * Runs every span of the tensor through the kernel, filling the same context fields as runAllSegments would;
 * returns 0 (having done nothing) when the case is not the kernel's, else the number of threads that ran part of it
 * (`split`: threads/measureJob.ts `measureSplit`, which runs the bands over helper threads where it can and returns
 * null where it does not).
 */
export function runPassWasm(
  ctx: PassContext,
  buffers: KernelBuffers,
  shape: PassShape,
  split: SplitRunner | null = null,
  sink: RowSink | null = null,
): number {
  const { integer, granularity, groups, rows, cols, rowsPerCell, gridCols, codeRange } = shape;
  if (!eligible(ctx, integer, granularity, groups)) return 0;
  const plan: PassPlan = {
    integer,
    granularity,
    rows,
    cols,
    rowsPerCell,
    gridCols,
    colsPerCell: ctx.colsPerCell,
    rowsPerBand: rowsPerBandOf(rows, cols, rowsPerCell),
    qmin: ctx.qmin,
    qmax: ctx.qmax,
    rounding: ctx.rounding,
    counting: countingOf(ctx, integer, granularity, cols, codeRange),
    errBins: ctx.errHist.length,
    errLo: ctx.errEdges[0],
    errHi: ctx.errEdges[ctx.errHist.length],
    deqEdges: ctx.deqEdges,
    maxErr2: ctx.acc[ACC.maxErr2],
    rowOutputs: shape.rowOutputs === true,
  };
  const bands = bandCount(plan);
  const out: BandOutputs = {
    rowSse: ctx.rowSse,
    heat: ctx.heat,
    bandSse: new Float64Array(bands),
    bandErr: new Float64Array(bands),
  };
  const arrays: GroupArrays = { step: ctx.step, zero: ctx.zero, lo: ctx.lo, hi: ctx.hi };
  let scratches: PassScratch[] = [buffers];
  let threads = 1;
  const splitRun = plan.rowOutputs ? null : (split?.(buffers, plan, arrays, out) ?? null);
  if (splitRun) {
    scratches = splitRun.scratches;
    threads = splitRun.threads;
  } else {
    startScratch(buffers.kernel, buffers, plan);
    // Row outputs: each row handed to the sink from the kernel's one row of outputs (at 0) before the next.
    const params = { step: ctx.step, zero: ctx.zero, qmin: ctx.qmin, qmax: ctx.qmax };
    const afterRow = sink && plan.rowOutputs ? (r: number) => sink(r, ctx.codes, ctx.deq, 0, params) : null;
    measureBands(buffers.kernel, buffers, buffers.ptr, plan, arrays, 0, bands, out, afterRow);
  }
  for (let b = 0; b < bands; b++) {
    ctx.acc[ACC.sse] += out.bandSse[b];
    ctx.acc[ACC.sumErr] += out.bandErr[b];
  }
  collectCounts(ctx, scratches, integer, plan.counting, plan.deqEdges.length - 1);
  return threads;
}

/** threads/measureJob.ts `measureSplit`'s shape: the scratch sets that counted, and the threads that ran bands. */
export type SplitRunner = (
  buffers: KernelBuffers,
  plan: PassPlan,
  arrays: GroupArrays,
  out: BandOutputs,
) => { scratches: PassScratch[]; threads: number } | null;

/** Clears a thread's scratch for a pass and points its kernel instance at it. */
export function startScratch(kernel: KernelExports, scratch: PassScratch, plan: PassPlan): void {
  const { ptr, counts } = scratch;
  const { levels, laneStride, deqMode, seenOnly, recordValues } = plan.counting;
  counts.fill(0, 0, laneStride !== 0 ? 4 * levels : seenOnly ? Math.ceil(levels / 4) : levels);
  scratch.errHist.fill(0);
  scratch.heatRow.fill(0, 0, plan.gridCols);
  scratch.acc[0] = 0;
  scratch.acc[1] = plan.maxErr2;
  scratch.acc[2] = 0;
  kernel.setLayout(
    ptr.counts,
    laneStride,
    ptr.errHist,
    HIST_STRIDE,
    plan.errBins,
    plan.errLo,
    plan.errHi,
    ptr.acc,
  );
  const deqBins = plan.deqEdges.length - 1;
  if (deqMode !== 0) {
    scratch.deqEdges.set(plan.deqEdges);
    scratch.deqEdges32.set(plan.deqEdges);
    scratch.deqHist.fill(0);
    scratch.totals.fill(0, 0, levels);
  }
  const deqScale = deqBins / (plan.deqEdges[deqBins] - plan.deqEdges[0]);
  kernel.setDeqBinning(
    deqMode,
    ptr.deqEdges,
    ptr.deqEdges32,
    ptr.deqHist,
    deqBins,
    deqScale,
    ptr.totals,
    seenOnly,
    recordValues ? ptr.codeValues : 0,
  );
}

/**
 * Bands [b0, b1): every span of their rows, row after row (a row's groups walked in the kernel where they fit),
 * counted into `scratch` (set up by startScratch), the rows' and cells' sums and the bands' totals written to `out`.
 */
export function measureBands(
  kernel: KernelExports,
  scratch: PassScratch,
  at: TensorPointers,
  plan: PassPlan,
  arrays: GroupArrays,
  b0: number,
  b1: number,
  out: BandOutputs,
  afterRow: ((r: number) => void) | null = null,
): void {
  const { ptr, heatRow, groupParams, rowSums, acc } = scratch;
  const { integer, granularity, rows, cols, rowsPerCell, gridCols, colsPerCell, rowsPerBand } = plan;
  const { step, zero, lo, hi } = arrays;
  const { rowSse, heat } = out;
  const perRow = groupsPerRow(granularity, cols);
  const size = granularity.kind === 'group' ? granularity.size : cols;
  const spanOf = integer ? kernel.quantizeSpan : kernel.measureSpan;
  // Groups along a row: the kernel walks them itself (one call per row, not two per group), reading their
  // parameters from groupParams; the spans and the order of the sums are the same.
  const rowAtOnce = granularity.kind === 'group' && perRow <= MINMAX_GROUPS;
  if (rowAtOnce) kernel.setSpan(step[0], zero[0], plan.qmin, plan.qmax, lo[0], hi[0], plan.rounding);
  let setGroup = -1;
  for (let band = b0; band < b1; band++) {
    let bandSse = 0;
    acc[0] = 0;
    const rEnd = Math.min(rows, (band + 1) * rowsPerBand);
    for (let r = band * rowsPerBand; r < rEnd; r++) {
      const base = r * cols;
      // Where this row's outputs go: its place in the tensor's, or the one row's (from its start).
      const outAt = plan.rowOutputs ? base : 0;
      rowSse[r] = 0;
      if (rowAtOnce) {
        const g0 = r * perRow;
        if (integer) {
          groupParams.set(step.subarray(g0, g0 + perRow), 0);
          groupParams.set(zero.subarray(g0, g0 + perRow), perRow);
        }
        groupParams.set(lo.subarray(g0, g0 + perRow), 2 * perRow);
        groupParams.set(hi.subarray(g0, g0 + perRow), 3 * perRow);
        rowSums[0] = 0;
        rowSums[1] = bandSse;
        kernel.groupRow(
          integer,
          at.x + 4 * base,
          at.codes + 2 * (base - outAt),
          at.deq + 4 * (base - outAt),
          cols,
          size,
          perRow,
          ptr.groupParams,
          ptr.heatRow,
          colsPerCell,
          ptr.rowSums,
        );
        rowSse[r] = rowSums[0];
        bandSse = rowSums[1];
      }
      for (let j = 0; j < (rowAtOnce ? 0 : perRow); j++) {
        const c0 = j * size;
        const c1 = Math.min(cols, c0 + size);
        const g = granularity.kind === 'tensor' ? 0 : granularity.kind === 'row' ? r : r * perRow + j;
        if (g !== setGroup) {
          if (integer) kernel.setSpan(step[g], zero[g], plan.qmin, plan.qmax, lo[g], hi[g], plan.rounding);
          else kernel.setSpan(0, 0, 0, 0, lo[g], hi[g], 0);
          setGroup = g;
        }
        const start = base + c0;
        const sse = spanOf(
          at.x + 4 * start,
          at.codes + 2 * (start - outAt),
          at.deq + 4 * (start - outAt),
          c1 - c0,
          ptr.heatRow + 8 * Math.floor(c0 / colsPerCell),
          colsPerCell - (c0 % colsPerCell),
          colsPerCell,
        );
        rowSse[r] += sse;
        bandSse += sse;
      }
      // The last row of a heatmap row of cells, or of the tensor: the row's cell sums into the heatmap (bands hold
      // whole rows of cells, so each is written once).
      if ((r + 1) % rowsPerCell === 0 || r === rows - 1) {
        const heatBase = Math.floor(r / rowsPerCell) * gridCols;
        for (let c = 0; c < gridCols; c++) {
          heat[heatBase + c] = heatRow[c];
          heatRow[c] = 0;
        }
      }
      afterRow?.(r);
    }
    out.bandSse[band] = bandSse;
    out.bandErr[band] = acc[0];
  }
}

/** The kernel's counts, histograms and sums, over every scratch set that counted, into the pass context. */
function collectCounts(
  ctx: PassContext,
  scratches: readonly PassScratch[],
  integer: boolean,
  { levels, laneStride, deqMode, seenOnly }: Counting,
  deqBins: number,
): void {
  // The tensor's code counts: the kernel's per-group totals, the lane sub-arrays of the whole pass, or the marks.
  const { codeCounts, codeOffset } = ctx;
  const qmin = integer ? ctx.qmin : 0;
  const errBins = ctx.errHist.length;
  for (const { counts, errHist, acc, totals, deqHist } of scratches) {
    if (seenOnly) {
      const seen = new Uint8Array(counts.buffer, counts.byteOffset, levels);
      for (let k = 0; k < levels; k++) codeCounts[k] += seen[k];
    } else {
      for (let k = 0; k < levels; k++) {
        const n = deqMode === 2 ? totals[k] : laneSum(counts, laneStride, k);
        if (n !== 0) codeCounts[(k + qmin - codeOffset) & 0xffff] += n;
      }
    }
    for (let b = 0; b <= errBins; b++) {
      const n = laneSum(errHist, HIST_STRIDE, b);
      if (b < errBins) ctx.errHist[b] += n;
      else ctx.acc[ACC.errOutside] += n;
    }
    if (deqMode !== 0 && ctx.deqHist !== null) {
      const stride = deqBins + 1;
      for (let b = 0; b <= deqBins; b++) {
        const n = laneSum(deqHist, stride, b);
        if (b < deqBins) ctx.deqHist[b] += n;
        else ctx.acc[ACC.deqOutside] += n;
      }
    }
    ctx.acc[ACC.maxErr2] = Math.max(ctx.acc[ACC.maxErr2], acc[1]);
    ctx.acc[ACC.clipped] += acc[2];
  }
}

/** Entry k summed over the kernel's four lane sub-arrays, `stride` apart (stride 0: one shared array). */
function laneSum(a: Uint32Array, stride: number, k: number): number {
  return stride === 0 ? a[k] : a[k] + a[stride + k] + a[2 * stride + k] + a[3 * stride + k];
}

/**
 * formatBridge.ts's range pass on the kernel (finite values only): the dequantized minimum and maximum and the
 * largest |x_hat - x|, the same numbers (signs of zero included) as the JS loop.
 */
export function rangeScanWasm(buffers: KernelBuffers): { deqMin: number; deqMax: number; maxErr: number } {
  const { kernel, ptr, acc, x } = buffers;
  kernel.rangeScan(ptr.x, ptr.deq, x.length, ptr.acc);
  return { deqMin: acc[0], deqMax: acc[1], maxErr: acc[2] };
}

/**
 * groupStats.ts `groupMinMaxInto` on the kernel, for row and group granularity of finite values (the same
 * results, signs of zero included); false when the case is not the kernel's.
 */
export function groupMinMaxWasm(
  buffers: KernelBuffers,
  granularity: Granularity,
  rows: number,
  cols: number,
  outMin: Float32Array,
  outMax: Float32Array,
): boolean {
  if (granularity.kind !== 'row' && granularity.kind !== 'group') return false;
  const size = granularity.kind === 'group' ? Math.min(granularity.size, cols) : cols;
  const { kernel, ptr } = buffers;
  const run = (r0: number, n: number) =>
    kernel.groupMinMax(ptr.x + 4 * r0 * cols, n, cols, size, ptr.groupMin, ptr.groupMax);
  return inRowBatches(buffers, rows, Math.ceil(cols / size), run, outMin, outMax);
}
