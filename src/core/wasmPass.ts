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
import { ACC, type PassContext } from './fusedPass';
import { groupsPerRow } from './groups';
import type { Granularity } from './scheme';
import { inRowBatches, type KernelBuffers, MAX_RECORDED_CODES, MINMAX_GROUPS } from './wasm/fusedKernel';

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
interface Counting {
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
  const levels = integer ? ctx.qmax - ctx.qmin + 1 : recordValues ? codeRange : PATTERNS;
  // Integer codes (few, often repeated by neighbours) count into four lane sub-arrays; 2^16 patterns share one
  // array (four would spread the counts over 1 MiB, past the cache, and neighbours rarely repeat a pattern).
  const laneStride = integer || recordValues ? levels : 0;
  // Integer groups with at least as many values as levels (segCounts) are binned per group, like recordValues.
  const deqMode = ctx.deqHist === null ? 0 : (integer && ctx.segCounts !== null) || recordValues ? 2 : 1;
  return { levels, laneStride, deqMode, seenOnly: !integer && deqMode === 1, recordValues };
}

/**
 * Runs every span of the tensor through the kernel, filling the same context fields as runAllSegments would;
 * returns false (having done nothing) when the case is not the kernel's. `codeRange`: FormatOutput.codeRange.
 */
export function runPassWasm(
  ctx: PassContext,
  buffers: KernelBuffers,
  integer: boolean,
  granularity: Granularity,
  groups: number,
  rows: number,
  cols: number,
  rowsPerCell: number,
  gridCols: number,
  codeRange = 0,
): boolean {
  if (!eligible(ctx, integer, granularity, groups)) return false;
  const { kernel, ptr, counts, errHist, heatRow, acc, errStride } = buffers;
  const counting = countingOf(ctx, integer, granularity, cols, codeRange);
  const { levels, laneStride, deqMode, seenOnly } = counting;
  const errBins = ctx.errHist.length;
  counts.fill(0, 0, laneStride !== 0 ? 4 * levels : seenOnly ? levels / 4 : levels);
  errHist.fill(0);
  heatRow.fill(0, 0, gridCols);
  acc[0] = 0;
  acc[1] = ctx.acc[ACC.maxErr2];
  acc[2] = 0;
  kernel.setLayout(
    ptr.counts,
    laneStride,
    ptr.errHist,
    errStride,
    errBins,
    ctx.errEdges[0],
    ctx.errEdges[errBins],
    ptr.acc,
  );
  const deqBins = ctx.deqEdges.length - 1;
  if (deqMode !== 0) {
    buffers.deqEdges.set(ctx.deqEdges);
    buffers.deqEdges32.set(ctx.deqEdges);
    buffers.deqHist.fill(0);
    buffers.totals.fill(0, 0, levels);
  }
  const deqScale = deqBins / (ctx.deqEdges[deqBins] - ctx.deqEdges[0]);
  kernel.setDeqBinning(
    deqMode,
    ptr.deqEdges,
    ptr.deqEdges32,
    ptr.deqHist,
    deqBins,
    deqScale,
    ptr.totals,
    seenOnly,
    counting.recordValues ? ptr.codeValues : 0,
  );
  walkRows(ctx, buffers, integer, granularity, rows, cols, rowsPerCell, gridCols);
  collectCounts(ctx, buffers, integer, counting, deqBins);
  return true;
}

/** Every span, row after row (a row's groups walked in the kernel where they fit), and the heatmap's cells. */
function walkRows(
  ctx: PassContext,
  buffers: KernelBuffers,
  integer: boolean,
  granularity: Granularity,
  rows: number,
  cols: number,
  rowsPerCell: number,
  gridCols: number,
): void {
  const { kernel, ptr, heatRow, groupParams, rowSums } = buffers;
  const { colsPerCell, heat, rowSse, step, zero, lo, hi } = ctx;
  const perRow = groupsPerRow(granularity, cols);
  const size = granularity.kind === 'group' ? granularity.size : cols;
  const spanOf = integer ? kernel.quantizeSpan : kernel.measureSpan;
  // Groups along a row: the kernel walks them itself (one call per row, not two per group), reading their
  // parameters from groupParams; the spans and the order of the sums are the same.
  const rowAtOnce = granularity.kind === 'group' && perRow <= MINMAX_GROUPS;
  if (rowAtOnce) kernel.setSpan(step[0], zero[0], ctx.qmin, ctx.qmax, lo[0], hi[0], ctx.rounding);
  let setGroup = -1;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    if (rowAtOnce) {
      const g0 = r * perRow;
      if (integer) {
        groupParams.set(step.subarray(g0, g0 + perRow), 0);
        groupParams.set(zero.subarray(g0, g0 + perRow), perRow);
      }
      groupParams.set(lo.subarray(g0, g0 + perRow), 2 * perRow);
      groupParams.set(hi.subarray(g0, g0 + perRow), 3 * perRow);
      rowSums[0] = rowSse[r];
      rowSums[1] = ctx.acc[ACC.sse];
      kernel.groupRow(
        integer,
        ptr.x + 4 * base,
        ptr.codes + 2 * base,
        ptr.deq + 4 * base,
        cols,
        size,
        perRow,
        ptr.groupParams,
        ptr.heatRow,
        colsPerCell,
        ptr.rowSums,
      );
      rowSse[r] = rowSums[0];
      ctx.acc[ACC.sse] = rowSums[1];
    }
    for (let j = 0; j < (rowAtOnce ? 0 : perRow); j++) {
      const c0 = j * size;
      const c1 = Math.min(cols, c0 + size);
      const g = granularity.kind === 'tensor' ? 0 : granularity.kind === 'row' ? r : r * perRow + j;
      if (g !== setGroup) {
        if (integer) kernel.setSpan(step[g], zero[g], ctx.qmin, ctx.qmax, lo[g], hi[g], ctx.rounding);
        else kernel.setSpan(0, 0, 0, 0, lo[g], hi[g], 0);
        setGroup = g;
      }
      const start = base + c0;
      const sse = spanOf(
        ptr.x + 4 * start,
        ptr.codes + 2 * start,
        ptr.deq + 4 * start,
        c1 - c0,
        ptr.heatRow + 8 * Math.floor(c0 / colsPerCell),
        colsPerCell - (c0 % colsPerCell),
        colsPerCell,
      );
      rowSse[r] += sse;
      ctx.acc[ACC.sse] += sse;
    }
    // The last row of a heatmap row of cells, or of the tensor: move the row's cell sums into the heatmap.
    if ((r + 1) % rowsPerCell === 0 || r === rows - 1) {
      const heatBase = Math.floor(r / rowsPerCell) * gridCols;
      for (let c = 0; c < gridCols; c++) {
        heat[heatBase + c] += heatRow[c];
        heatRow[c] = 0;
      }
    }
  }
}

/** The kernel's counts, histograms and sums into the pass context. */
function collectCounts(
  ctx: PassContext,
  buffers: KernelBuffers,
  integer: boolean,
  { levels, laneStride, deqMode, seenOnly }: Counting,
  deqBins: number,
): void {
  const { counts, errHist, acc, errStride } = buffers;
  // The tensor's code counts: the kernel's per-group totals, the lane sub-arrays of the whole pass, or the marks.
  const { codeCounts, codeOffset } = ctx;
  const qmin = integer ? ctx.qmin : 0;
  if (seenOnly) {
    const seen = new Uint8Array(counts.buffer, counts.byteOffset, PATTERNS);
    for (let k = 0; k < PATTERNS; k++) codeCounts[k] += seen[k];
  } else {
    for (let k = 0; k < levels; k++) {
      const n = deqMode === 2 ? buffers.totals[k] : laneSum(counts, laneStride, k);
      if (n !== 0) codeCounts[(k + qmin - codeOffset) & 0xffff] += n;
    }
  }
  const errBins = ctx.errHist.length;
  for (let b = 0; b <= errBins; b++) {
    const n = laneSum(errHist, errStride, b);
    if (b < errBins) ctx.errHist[b] += n;
    else ctx.acc[ACC.errOutside] += n;
  }
  if (deqMode !== 0 && ctx.deqHist !== null) {
    const hist = buffers.deqHist;
    const stride = deqBins + 1;
    for (let b = 0; b <= deqBins; b++) {
      const n = laneSum(hist, stride, b);
      if (b < deqBins) ctx.deqHist[b] += n;
      else ctx.acc[ACC.deqOutside] += n;
    }
  }
  ctx.acc[ACC.sumErr] += acc[0];
  ctx.acc[ACC.maxErr2] = acc[1];
  ctx.acc[ACC.clipped] += acc[2];
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
