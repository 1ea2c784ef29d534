/**
 * The fused pass: one read of the input fills the codes, the dequantized values, the error metrics, the
 * dequantized and error histograms, the per-row MSE and the heatmap cells together (PERFORMANCE.md: separate
 * loops and fresh arrays cost 5x more). Integer schemes quantize inside the pass (`quantizeSpan`); other
 * formats have already written codes and dequantized values, and the pass only measures (`measureSpan`).
 *
 * This is the reference implementation and the fallback: where WebAssembly SIMD runs, wasmPass.ts does the same
 * work on the kernel (src/kernels/fused/integer.as.ts) with the same results, and tests/core/wasmPass.test.ts holds the
 * two together. A change to the semantics here must be made there too.
 *
 * Speed notes (measured on the 2-core dev VM, 1024 x 1024):
 * - Each heatmap cell's sum of |error| lives in a register until the column crosses into the next cell (no
 *   per-element read-modify-write of a hot address, which would chain every iteration through memory).
 * - Σx² and the finite count do not depend on the scheme and come from the TensorCache, not from this loop.
 */
import type { Rng } from './random';
import { ROUND_MAGIC as IMPORTED_ROUND_MAGIC } from './rounding';
import type { Granularity } from './scheme';

const f = Math.fround;
// A module-local copy: some module loaders (tsx, CommonJS interop) turn an imported binding into a getter call,
// which costs more than the whole rounding in the hot loop.
const ROUND_MAGIC: number = IMPORTED_ROUND_MAGIC;

/** What one pass runs over: the scheme's kind and groups, the tensor's shape and the heatmap's cells. */
export interface PassShape {
  /** Integer schemes quantize inside the pass; other formats have written codes and values already. */
  integer: boolean;
  granularity: Granularity;
  groups: number;
  rows: number;
  cols: number;
  /** Heatmap cells: rows per cell, and cells per row of cells. */
  rowsPerCell: number;
  gridCols: number;
  /** FormatOutput.codeRange (0 for an integer scheme). */
  codeRange: number;
  /**
   * The outputs hold one row (tensorCache.ts `rowOutputs`), written over row after row: quantView.ts runs each row
   * on a view of x starting at the row (an odd row start one value earlier, keeping the index parity).
   */
  rowOutputs?: boolean;
}

/** Everything the pass writes or accumulates into. Fields keep one type for their whole life (stable shape). */
export interface PassContext {
  x: Float32Array;
  codes: Int16Array;
  deq: Float32Array;
  /** Per-group parameters (integer) and clipping ranges (both kinds). */
  step: Float32Array;
  zero: Float64Array;
  lo: Float32Array;
  hi: Float32Array;
  qmin: number;
  qmax: number;
  rounding: number;
  rng: Rng | null;
  /** counts of (code - codeOffset) & 0xffff: code offsets for integers, bit patterns for formats. */
  codeCounts: Uint32Array;
  codeOffset: number;
  /** null: the dequantized histogram is derived afterwards from codeCounts (per-tensor integer schemes). */
  deqHist: Uint32Array | null;
  /**
   * Integer schemes with few levels per group (2^b <= group size): codes are counted per group here and the group's
   * 2^b levels binned once at its end, instead of binning every element's dequantized value. null otherwise.
   */
  segCounts: Uint32Array | null;
  deqEdges: Float64Array;
  errHist: Uint32Array;
  errEdges: Float64Array;
  rowSse: Float64Array;
  /** Sum of |error| per heatmap cell. */
  heat: Float64Array;
  colsPerCell: number;
  /** Accumulators, indexed by ACC. */
  acc: Float64Array;
}

export const ACC = { sse: 0, sumErr: 1, maxErr2: 2, clipped: 3, deqOutside: 4, errOutside: 5 } as const;

/**
 * Processes elements [start, end) of row `row` (columns c0 .. c0 + end - start). Parameters come from group
 * `p0`, advancing by one group per element when `perColumn` (per-column granularity). `heatBase` is the
 * heatmap row offset of this matrix row.
 */
export function runSegment(
  ctx: PassContext,
  integer: boolean,
  row: number,
  start: number,
  end: number,
  c0: number,
  p0: number,
  perColumn: boolean,
  heatBase: number,
): void {
  const sse = integer
    ? quantizeSpan(ctx, start, end, c0, p0, perColumn, heatBase)
    : measureSpan(ctx, start, end, c0, p0, perColumn, heatBase);
  ctx.rowSse[row] += sse;
  ctx.acc[ACC.sse] += sse;
}

/** Quantizes, dequantizes and measures [start, end); returns the span's sum of squared errors. */
function quantizeSpan(
  ctx: PassContext,
  start: number,
  end: number,
  c0: number,
  p0: number,
  perColumn: boolean,
  heatBase: number,
): number {
  const { x, codes, deq, step, zero, lo, hi, qmin, qmax, rounding, rng, codeCounts, codeOffset, segCounts } =
    ctx;
  const { deqHist, deqEdges, errHist, errEdges, acc } = ctx;
  const deqBins = deqEdges.length - 1;
  const deqLo = deqEdges[0];
  const deqHi = deqEdges[deqBins];
  const deqScale = deqBins / (deqHi - deqLo);
  const errBins = errEdges.length - 1;
  const errLo = errEdges[0];
  const errHi = errEdges[errBins];
  const errScale = f(errBins / (errHi - errLo));
  let sseA = 0;
  let sseB = 0;
  let sumErr = 0;
  // |error| summed per heatmap cell in a register, flushed when the column crosses into the next cell.
  const { heat, colsPerCell } = ctx;
  let cell = heatBase + ((c0 / colsPerCell) | 0);
  let nextCellAt = start + (colsPerCell - (c0 % colsPerCell));
  let sumAbs = 0;
  let maxErr2 = acc[ACC.maxErr2];
  let clipped = 0;
  let deqOutside = 0;
  let errOutside = 0;
  let p = p0;
  let d = step[p];
  let z = zero[p];
  let gLo = lo[p];
  let gHi = hi[p];
  for (let i = start; i < end; i++) {
    if (i === nextCellAt) {
      heat[cell++] += sumAbs;
      sumAbs = 0;
      nextCellAt += colsPerCell;
    }
    if (perColumn) {
      p = p0 + (i - start);
      d = step[p];
      z = zero[p];
      gLo = lo[p];
      gHi = hi[p];
    }
    const xi = x[i];
    if (xi - xi !== 0) {
      // NaN / +-Inf: masked out of everything (SEMANTICS.md "Non-finite input")
      codes[i] = 0;
      deq[i] = Number.NaN;
      continue;
    }
    // The code: fround at every step, as PyTorch / NumPy on float32 (SEMANTICS.md "Arithmetic").
    const t = f(f(xi / d) + z);
    let r: number;
    if (rounding === 0) r = t + ROUND_MAGIC - ROUND_MAGIC;
    else if (rounding === 1) r = t >= 0 ? Math.floor(t + 0.5) : -Math.floor(0.5 - t);
    else if (rounding === 2) r = Math.floor(t);
    else r = Math.floor(t + rng!.uniform());
    const q = r < qmin ? qmin : r > qmax ? qmax : r;
    const v = f((q - z) * d);
    codes[i] = q;
    deq[i] = v;
    if (segCounts !== null) segCounts[q - qmin]++;
    else codeCounts[(q - codeOffset) & 0xffff]++;
    if (xi < gLo || xi > gHi) clipped++;
    const e = v - xi;
    const e2 = e * e;
    // two accumulators halve the length of the dependent add chain
    if ((i & 1) === 0) sseA += e2;
    else sseB += e2;
    sumErr += e;
    sumAbs += e < 0 ? -e : e;
    if (e2 > maxErr2) maxErr2 = e2;
    // The error histogram's edges are the engine's own (a bound on |error|), so no NumPy edge correction here.
    const ef = f(e);
    if (ef >= errLo && ef <= errHi) errHist[errorBin(ef, errLo, errScale, errBins)]++;
    else errOutside++;
    if (deqHist !== null && segCounts === null) {
      if (v >= deqLo && v <= deqHi) deqHist[exactBin(v, deqLo, deqScale, deqEdges)]++;
      else deqOutside++;
    }
  }
  if (segCounts !== null && deqHist !== null)
    flushSegmentCounts(segCounts, codeCounts, codeOffset, qmin, d, z, deqHist, deqEdges, acc);
  acc[ACC.sumErr] += sumErr;
  acc[ACC.maxErr2] = maxErr2;
  acc[ACC.clipped] += clipped;
  acc[ACC.deqOutside] += deqOutside;
  acc[ACC.errOutside] += errOutside;
  heat[cell] += sumAbs;
  return sseA + sseB;
}

/** Measures [start, end) whose codes and dequantized values a format kernel already wrote; returns the SSE. */
function measureSpan(
  ctx: PassContext,
  start: number,
  end: number,
  c0: number,
  p0: number,
  perColumn: boolean,
  heatBase: number,
): number {
  const { x, codes, deq, lo, hi, codeCounts, deqHist, deqEdges, errHist, errEdges, acc } = ctx;
  const deqBins = deqEdges.length - 1;
  const deqLo = deqEdges[0];
  const deqHi = deqEdges[deqBins];
  const deqScale = deqBins / (deqHi - deqLo);
  const errBins = errEdges.length - 1;
  const errLo = errEdges[0];
  const errHi = errEdges[errBins];
  const errScale = f(errBins / (errHi - errLo));
  let sse = 0;
  let sumErr = 0;
  // |error| summed per heatmap cell in a register, flushed when the column crosses into the next cell.
  const { heat, colsPerCell } = ctx;
  let cell = heatBase + ((c0 / colsPerCell) | 0);
  let nextCellAt = start + (colsPerCell - (c0 % colsPerCell));
  let sumAbs = 0;
  let maxErr2 = acc[ACC.maxErr2];
  let clipped = 0;
  let deqOutside = 0;
  let errOutside = 0;
  let gLo = lo[p0];
  let gHi = hi[p0];
  for (let i = start; i < end; i++) {
    if (i === nextCellAt) {
      heat[cell++] += sumAbs;
      sumAbs = 0;
      nextCellAt += colsPerCell;
    }
    if (perColumn) {
      gLo = lo[p0 + (i - start)];
      gHi = hi[p0 + (i - start)];
    }
    const xi = x[i];
    if (xi - xi !== 0) continue;
    const v = deq[i];
    codeCounts[codes[i] & 0xffff]++;
    if (xi < gLo || xi > gHi) clipped++;
    const e = v - xi;
    const e2 = e * e;
    sse += e2;
    sumErr += e;
    sumAbs += e < 0 ? -e : e;
    if (e2 > maxErr2) maxErr2 = e2;
    const ef = f(e);
    if (ef >= errLo && ef <= errHi) errHist[errorBin(ef, errLo, errScale, errBins)]++;
    else errOutside++;
    if (deqHist !== null) {
      if (v >= deqLo && v <= deqHi) deqHist[exactBin(v, deqLo, deqScale, deqEdges)]++;
      else deqOutside++;
    }
  }
  acc[ACC.sumErr] += sumErr;
  acc[ACC.maxErr2] = maxErr2;
  acc[ACC.clipped] += clipped;
  acc[ACC.deqOutside] += deqOutside;
  acc[ACC.errOutside] += errOutside;
  heat[cell] += sumAbs;
  return sse;
}

/**
 * Adds one group's code counts to the tensor's and bins the group's levels into the dequantized histogram
 * (each level once, weighted by its count), then clears the group counts for the next group.
 */
export function flushSegmentCounts(
  segCounts: Uint32Array,
  codeCounts: Uint32Array,
  codeOffset: number,
  qmin: number,
  d: number,
  z: number,
  deqHist: Uint32Array,
  deqEdges: Float64Array,
  acc: Float64Array,
): void {
  const bins = deqEdges.length - 1;
  const lo = deqEdges[0];
  const hi = deqEdges[bins];
  const scale = bins / (hi - lo);
  for (let k = 0; k < segCounts.length; k++) {
    const count = segCounts[k];
    if (count === 0) continue;
    segCounts[k] = 0;
    const q = k + qmin;
    codeCounts[(q - codeOffset) & 0xffff] += count;
    const v = f((q - z) * d);
    if (!(v >= lo && v <= hi)) {
      acc[ACC.deqOutside] += count;
      continue;
    }
    deqHist[exactBin(v, lo, scale, deqEdges)] += count;
  }
}

/**
 * Bin of v in [lo, hi] (the caller checks the range) against stored edges, as np.histogram decides it: a first
 * guess from the scale, corrected by the edges (bin i is [edges[i], edges[i+1]), the last bin closed).
 * Small enough for V8 to inline into the hot loops.
 */
function exactBin(v: number, lo: number, scale: number, edges: Float64Array): number {
  const bins = edges.length - 1;
  let b = Math.floor((v - lo) * scale);
  if (b >= bins) b = bins - 1;
  while (b > 0 && v < edges[b]) b--;
  while (b < bins - 1 && v >= edges[b + 1]) b++;
  return b;
}

/**
 * Bin of the error e in [lo, hi] without edge correction: the error histogram's edges are the engine's own bound
 * on |error| (no NumPy counterpart to agree with). Computed in float32 on the float32-rounded error (`e`, `lo`
 * and `scale` are float32 values), so that the SIMD kernel (src/kernels/fused/integer.as.ts) decides every bin the same.
 */
function errorBin(e: number, lo: number, scale: number, bins: number): number {
  // truncated as the kernel's saturating conversion does: NaN (0 × ∞) to 0, and a guess past 2^31 (a scale that
  // overflowed float32, for errors within ~2^-127 of each other) to the last bin, where `| 0` would wrap it
  const t = f(f(e - lo) * scale);
  if (!(t >= 0)) return 0;
  return t < bins ? Math.trunc(t) : bins - 1;
}
