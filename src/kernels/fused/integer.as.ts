/**
 * The fused integer pass in WebAssembly SIMD (absmax and zero point, per tensor, row or group; rule:
 * src/core/integer.ts, per group src/core/integerParams.ts), part of the fused kernel (src/kernels/fusedKernel.as.ts,
 * compiled by `npm run build:wasm` into src/core/wasm/fusedKernel.wasm.ts). The same span loop is every format's
 * measuring pass (`measureSpan`: codes and values already written by the format's kernel). It does what
 * src/core/fusedPass.ts `quantizeSpan` does for one span of elements, four (or eight) at a time, and gives the same
 * codes, dequantized values, counts, histogram bins, clipped count and largest error bit for bit:
 * - every step that decides a code is a float32 operation, as `Math.fround` at each step is in the JS pass
 *   (a float32 add, divide or multiply of float32 operands is the float64 result rounded once, so they agree);
 * - `f32x4.nearest` is round-half-to-even, `floor` is floor, and half-away-from-zero is trunc plus a
 *   correction on the exact fractional part (no `t + 0.5`, which rounds in float32);
 * - the error `x_hat - x`, its square and the sums are float64, as in JS. Only the order of the float64 sums
 *   (Σ error, Σ|error| per heatmap cell) may differ from the JS loop's, by rounding.
 * Hot scatter counts (codes, error bins) go to four interleaved sub-arrays so that equal neighbours do not
 * chain through one memory address; the caller adds the sub-arrays up.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { bump, bumpLanes } from './common.as';

// @ts-ignore: decorator
@inline const HALF_EVEN: i32 = 0;
// @ts-ignore: decorator
@inline const HALF_AWAY: i32 = 1;

/** Span parameters, set once per span by `setSpan` (fewer arguments on the hot call). */
let gD: f32 = 1;
let gZ: f32 = 0;
let gQmin: f32 = 0;
let gQmax: f32 = 0;
let gLo: f32 = 0;
let gHi: f32 = 0;
let gRounding: i32 = 0;
let gQminInt: i32 = 0;

/** Layout of the scratch counts, set once per tensor by `setLayout`. */
let counts: usize = 0;
let countStride: i32 = 0;
let errHist: usize = 0;
let errStride: i32 = 0;
let errBins: i32 = 0;
let errLo: f32 = 0;
let errHi: f32 = 0;
let errScale: f32 = 0;
/** f64[4] outputs: Σ error, max error², clipped count, (unused). */
let acc: usize = 0;
/**
 * The dequantized histogram, binned value by value (only when a group has fewer values than levels; otherwise
 * the caller bins the code counts): NumPy's float32 edges as f64, and four sub-arrays of `deqBins + 1` counts,
 * slot `deqBins` counting values outside the edges.
 */
let binDeq: bool = false;
/**
 * Groups with at least as many values as levels: at the end of each span (one group) the group's code counts
 * are added to `totals` and its levels binned once each, weighted by their counts (fusedPass.ts
 * `flushSegmentCounts`).
 */
let flushGroups: bool = false;
/**
 * Measuring with value-by-value binning: the code counts only tell which codes occur (levels used), so a byte
 * per code is set instead of a count bumped. Plain stores have no read-modify-write chain, and FP16 / BF16 codes
 * spread over 65,536 counters, where the bumps missed the L1 cache.
 */
let markSeen: bool = false;
let totals: usize = 0;
let deqEdges: usize = 0;
let deqHist: usize = 0;
let deqBins: i32 = 0;
let deqLo: f64 = 0;
let deqHi: f64 = 0;
let deqScale: f64 = 0;
/**
 * The same edges as float32 (they are float32 values, so comparing a float32 x_hat with them is exact), for the
 * value-by-value binning: its first guess is made four at a time in float32, and the edge comparisons that
 * correct it make the result exactly `exactBin`'s whatever the guess.
 */
let deqEdges32: usize = 0;
let deqLo32: f32 = 0;
let deqHi32: f32 = 0;
let deqScale32: f32 = 0;
/**
 * How far (in bins) the first guess t = (v - lo) * scale, in float32, must be from a whole number for floor(t) to be
 * v's bin without looking at the edges (`binDequantizedLanes`); 2 (never) where that cannot be shown. `setDeqBinning`
 * derives it: the edges are the float32 roundings of lo + i * step, each within half a float32 ulp of it, which
 * moves an edge by at most 2 * ulp(max |edge|) * scale bins from i (its own rounding and that of the last edge, which
 * sets the width); t is three float32 operations from (v - lo) * bins / width, at most 3 * 2^-24 * bins off for
 * v inside the edges. A margin covers those and the float64 arithmetic of the edges.
 */
let deqDelta32: f32 = 2;

export function setLayout(
  countsPtr: usize,
  countStrideIn: i32,
  errHistPtr: usize,
  errStrideIn: i32,
  errBinsIn: i32,
  errLoIn: f32,
  errHiIn: f32,
  accPtr: usize,
): void {
  counts = countsPtr;
  countStride = countStrideIn;
  errHist = errHistPtr;
  errStride = errStrideIn;
  errBins = errBinsIn;
  errLo = errLoIn;
  errHi = errHiIn;
  errScale = <f32>(<f64>errBinsIn / (<f64>errHiIn - <f64>errLoIn));
  acc = accPtr;
}

/**
 * Measuring a format whose value is a function of its code within a group: each value is also stored at its code
 * in `codeValues`, and the group's flush bins those (one per code used) instead of computing them.
 */
let flushRecorded: bool = false;
let codeValues: usize = 0;

/**
 * How the dequantized histogram is filled: 0 not here (per tensor: the caller bins the code counts), 1 value
 * by value, 2 per group from its code counts (`totalsPtr`: the tensor's code counts, indexed q - qmin), the
 * values of an integer group's codes computed, or for a format (`recordedPtr` not 0) recorded there by the pass.
 */
export function setDeqBinning(
  mode: i32,
  edgesPtr: usize,
  edges32Ptr: usize,
  histPtr: usize,
  bins: i32,
  scale: f64,
  totalsPtr: usize,
  seenOnly: bool,
  recordedPtr: usize,
): void {
  binDeq = mode == 1;
  markSeen = seenOnly;
  flushGroups = mode == 2;
  flushRecorded = mode == 2 && recordedPtr != 0;
  codeValues = recordedPtr;
  totals = totalsPtr;
  deqEdges = edgesPtr;
  deqEdges32 = edges32Ptr;
  deqHist = histPtr;
  deqBins = bins;
  if (mode != 0) {
    deqLo = load<f64>(edgesPtr);
    deqHi = load<f64>(edgesPtr + ((<usize>bins) << 3));
  }
  deqScale = scale;
  deqLo32 = <f32>deqLo;
  deqHi32 = <f32>deqHi;
  deqScale32 = <f32>scale;
  const ulp = max<f64>(max<f64>(abs<f64>(deqLo), abs<f64>(deqHi)) * 1.1920928955078125e-7, 1.401298464324817e-45);
  const delta = 1.25 * (2 * ulp * scale + 4 * 5.960464477539063e-8 * <f64>bins) + 1e-9;
  deqDelta32 = delta < 0.25 ? <f32>delta : 2;
  deqLaneBase = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(bins + 1));
}

/** Lane k's offset into the dequantized histogram's sub-array k. */
let deqLaneBase: v128 = i32x4.splat(0);

/** fusedPass.ts `exactBin`: a first guess from the scale, corrected against the stored edges, in float64. */
// @ts-ignore: decorator
@inline function deqSlot(v: f64): i32 {
  let b = deqBins;
  if (v >= deqLo && v <= deqHi) {
    b = <i32>floor((v - deqLo) * deqScale);
    if (b >= deqBins) b = deqBins - 1;
    while (b > 0 && v < load<f64>(deqEdges + ((<usize>b) << 3))) b--;
    while (b < deqBins - 1 && v >= load<f64>(deqEdges + ((<usize>(b + 1)) << 3))) b++;
  }
  return b;
}

// @ts-ignore: decorator
@inline function binDequantized(v: f64, sub: i32): void {
  bump(deqHist, sub * (deqBins + 1) + deqSlot(v));
}

/** The end of a group: its code counts into `totals`, its levels into the histogram (sub-array 0). */
function flushGroup(): void {
  const levels = countStride;
  for (let k: i32 = 0; k < levels; k++) {
    const p0 = counts + ((<usize>k) << 2);
    const stride = (<usize>levels) << 2;
    const n = load<u32>(p0) + load<u32>(p0 + stride) + load<u32>(p0 + 2 * stride) + load<u32>(p0 + 3 * stride);
    if (n == 0) continue;
    store<u32>(p0, 0);
    store<u32>(p0 + stride, 0);
    store<u32>(p0 + 2 * stride, 0);
    store<u32>(p0 + 3 * stride, 0);
    const t = totals + ((<usize>k) << 2);
    store<u32>(t, load<u32>(t) + n);
    const v = flushRecorded ? load<f32>(codeValues + ((<usize>k) << 2)) : (<f32>(k + gQminInt) - gZ) * gD;
    const h = deqHist + ((<usize>deqSlot(<f64>v)) << 2);
    store<u32>(h, load<u32>(h) + n);
  }
}

// @ts-ignore: decorator
@inline function binDequantizedLanes(v: v128): void {
  const lo = f32x4.splat(deqLo32);
  const inside = v128.and(f32x4.ge(v, lo), f32x4.le(v, f32x4.splat(deqHi32)));
  const t = f32x4.mul(f32x4.sub(v, lo), f32x4.splat(deqScale32));
  // Every lane inside the edges with t at least deqDelta32 from a whole number (t - floor(t) is exact for t >= 0):
  // floor(t) is the bin, which the edges would only confirm (see deqDelta32); the bins of the others are checked.
  const whole = f32x4.floor(t);
  const frac = f32x4.sub(t, whole);
  const clear = v128.and(f32x4.ge(frac, f32x4.splat(deqDelta32)), f32x4.le(frac, f32x4.splat(<f32>1 - deqDelta32)));
  if (!v128.any_true(v128.andnot(inside, clear))) {
    const bin = v128.bitselect(i32x4.trunc_sat_f32x4_s(whole), i32x4.splat(deqBins), inside);
    bumpLanes(deqHist, i32x4.add(bin, deqLaneBase));
    return;
  }
  let guess = i32x4.trunc_sat_f32x4_s(t);
  guess = i32x4.min_s(i32x4.max_s(guess, i32x4.splat(0)), i32x4.splat(deqBins - 1));
  // The edges on both sides of each guess: when every guess inside the range is right (nearly always), the four
  // counts go straight in; otherwise each lane is corrected on its own.
  const g0 = <usize>i32x4.extract_lane(guess, 0) << 2;
  const g1 = <usize>i32x4.extract_lane(guess, 1) << 2;
  const g2 = <usize>i32x4.extract_lane(guess, 2) << 2;
  const g3 = <usize>i32x4.extract_lane(guess, 3) << 2;
  let below = f32x4.splat(load<f32>(deqEdges32 + g0));
  below = f32x4.replace_lane(below, 1, load<f32>(deqEdges32 + g1));
  below = f32x4.replace_lane(below, 2, load<f32>(deqEdges32 + g2));
  below = f32x4.replace_lane(below, 3, load<f32>(deqEdges32 + g3));
  let above = f32x4.splat(load<f32>(deqEdges32 + g0, 4));
  above = f32x4.replace_lane(above, 1, load<f32>(deqEdges32 + g1, 4));
  above = f32x4.replace_lane(above, 2, load<f32>(deqEdges32 + g2, 4));
  above = f32x4.replace_lane(above, 3, load<f32>(deqEdges32 + g3, 4));
  const tooHigh = v128.and(f32x4.lt(v, below), i32x4.gt_s(guess, i32x4.splat(0)));
  const tooLow = v128.and(f32x4.ge(v, above), i32x4.lt_s(guess, i32x4.splat(deqBins - 1)));
  if (!v128.any_true(v128.and(v128.or(tooHigh, tooLow), inside))) {
    const slots = i32x4.add(v128.bitselect(guess, i32x4.splat(deqBins), inside), deqLaneBase);
    bumpLanes(deqHist, slots);
    return;
  }
  guess = v128.bitselect(guess, i32x4.splat(-1), inside);
  binFromGuess(f32x4.extract_lane(v, 0), i32x4.extract_lane(guess, 0), 0);
  binFromGuess(f32x4.extract_lane(v, 1), i32x4.extract_lane(guess, 1), 1);
  binFromGuess(f32x4.extract_lane(v, 2), i32x4.extract_lane(guess, 2), 2);
  binFromGuess(f32x4.extract_lane(v, 3), i32x4.extract_lane(guess, 3), 3);
}

/** The bin of v from a guess in [0, bins) (-1: outside the edges), corrected against the float32 edges. */
// @ts-ignore: decorator
@inline function binFromGuess(v: f32, guess: i32, sub: i32): void {
  let b = guess;
  if (b < 0) b = deqBins;
  else {
    while (b > 0 && v < load<f32>(deqEdges32 + ((<usize>b) << 2))) b--;
    while (b < deqBins - 1 && v >= load<f32>(deqEdges32 + ((<usize>(b + 1)) << 2))) b++;
  }
  bump(deqHist, sub * (deqBins + 1) + b);
}

export function setSpan(d: f32, z: f32, qmin: f32, qmax: f32, lo: f32, hi: f32, rounding: i32): void {
  gD = d;
  gZ = z;
  gQmin = qmin;
  gQmax = qmax;
  gLo = lo;
  gHi = hi;
  gRounding = rounding;
  gQminInt = <i32>qmin;
}

// @ts-ignore: decorator
@inline function roundVec(t: v128, rounding: i32): v128 {
  if (rounding == HALF_EVEN) {
    // + 0 turns the -0 that nearest gives for t in [-0.5, 0) into +0, as the JS magic-number rounding does
    return f32x4.add(f32x4.nearest(t), f32x4.splat(0));
  }
  if (rounding == HALF_AWAY) {
    const r = f32x4.trunc(t);
    const up = f32x4.ge(f32x4.abs(f32x4.sub(t, r)), f32x4.splat(0.5));
    // copysign(1, t): keeps the sign of a zero result (JS gives -0 for t in (-0.5, 0))
    const one = v128.or(v128.and(t, i32x4.splat(0x80000000)), f32x4.splat(1));
    return v128.bitselect(f32x4.add(r, one), r, up);
  }
  return f32x4.floor(t);
}

// @ts-ignore: decorator
@inline function roundScalar(t: f32, rounding: i32): f32 {
  if (rounding == HALF_EVEN) return nearest<f32>(t) + <f32>0;
  if (rounding == HALF_AWAY) {
    const r = trunc<f32>(t);
    return abs<f32>(t - r) >= <f32>0.5 ? r + copysign<f32>(1, t) : r;
  }
  return floor<f32>(t);
}

/** Sets the seen byte of four codes (markSeen). */
// @ts-ignore: decorator
@inline function markLanes(codes4: v128): void {
  store<u8>(counts + <usize>i32x4.extract_lane(codes4, 0), 1);
  store<u8>(counts + <usize>i32x4.extract_lane(codes4, 1), 1);
  store<u8>(counts + <usize>i32x4.extract_lane(codes4, 2), 1);
  store<u8>(counts + <usize>i32x4.extract_lane(codes4, 3), 1);
}

/** Stores four values at their codes (flushRecorded: every value of a code in a group is the same). */
// @ts-ignore: decorator
@inline function recordLanes(codes4: v128, values: v128): void {
  store<f32>(codeValues + ((<usize>i32x4.extract_lane(codes4, 0)) << 2), f32x4.extract_lane(values, 0));
  store<f32>(codeValues + ((<usize>i32x4.extract_lane(codes4, 1)) << 2), f32x4.extract_lane(values, 1));
  store<f32>(codeValues + ((<usize>i32x4.extract_lane(codes4, 2)) << 2), f32x4.extract_lane(values, 2));
  store<f32>(codeValues + ((<usize>i32x4.extract_lane(codes4, 3)) << 2), f32x4.extract_lane(values, 3));
}

/**
 * Error-histogram slots of four errors (float32, as in fusedPass.ts `errorBin`), each in its lane's sub-array;
 * out-of-range errors go to the extra slot `errBins` (the caller reads it as the outside count).
 */
// @ts-ignore: decorator
@inline function errorSlots(e: v128, laneOffsets: v128): v128 {
  const lo = f32x4.splat(errLo);
  const inside = v128.and(f32x4.ge(e, lo), f32x4.le(e, f32x4.splat(errHi)));
  const guess = i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.sub(e, lo), f32x4.splat(errScale)));
  const bin = v128.bitselect(i32x4.min_s(guess, i32x4.splat(errBins - 1)), i32x4.splat(errBins), inside);
  return i32x4.add(bin, laneOffsets);
}

// @ts-ignore: decorator
@inline function errorSlot(e: f32, sub: i32): i32 {
  const guess = <i32>((e - errLo) * errScale);
  const bin = select<i32>(select<i32>(guess, errBins - 1, guess < errBins), errBins, e >= errLo && e <= errHi);
  return sub * errStride + bin;
}

/**
 * Quantizes elements [0, n) at x / codes / deq (float32 / int16 / float32 pointers) with the span parameters.
 * `heat` points at the f64 sum of |error| of the heatmap cell holding the first element; the cell ends after
 * `untilCell` elements, later cells after every `colsPerCell`. Returns the span's Σ error²; adds Σ error,
 * max error² and the clipped count into `acc`.
 */
export function quantizeSpan(
  x: usize,
  codes: usize,
  deq: usize,
  n: i32,
  heat: usize,
  untilCell: i32,
  colsPerCell: i32,
): f64 {
  return span(true, x, codes, deq, n, heat, untilCell, colsPerCell);
}

/**
 * fusedPass.ts `measureSpan`: the codes (bit patterns, counted as 16-bit unsigned) and dequantized values are a
 * format kernel's, already in memory; only the measuring is done. Set the span with qmin = 0 and the count
 * stride to 65536.
 */
export function measureSpan(
  x: usize,
  codes: usize,
  deq: usize,
  n: i32,
  heat: usize,
  untilCell: i32,
  colsPerCell: i32,
): f64 {
  return span(false, x, codes, deq, n, heat, untilCell, colsPerCell);
}

/**
 * Every group of one row (group granularity), with the groups' parameters at `params`: four f32 arrays of
 * `groups` entries (step, zero point, lo, hi; a format's first two are unused). The same spans, in the same
 * order, as one quantizeSpan / measureSpan call per group from JS, without the two calls per group: `sums`
 * (f64 [row Σ error², tensor Σ error²]) receives each span's Σ error² in turn, as the JS loop adds them.
 * `heatRow` is the row of heatmap cells (f64 each, colsPerCell values per cell).
 */
export function groupRow(
  quantizing: bool,
  x: usize,
  codes: usize,
  deq: usize,
  cols: i32,
  size: i32,
  groups: i32,
  params: usize,
  heatRow: usize,
  colsPerCell: i32,
  sums: usize,
): void {
  const stride = (<usize>groups) << 2;
  let rowSse = load<f64>(sums);
  let tensorSse = load<f64>(sums, 8);
  for (let j: i32 = 0; j < groups; j++) {
    const c0 = j * size;
    const n = min(size, cols - c0);
    const p = params + ((<usize>j) << 2);
    gLo = load<f32>(p + 2 * stride);
    gHi = load<f32>(p + 3 * stride);
    const heat = heatRow + ((<usize>(c0 / colsPerCell)) << 3);
    const untilCell = colsPerCell - (c0 % colsPerCell);
    const off = <usize>c0;
    let sse: f64;
    if (quantizing) {
      gD = load<f32>(p);
      gZ = load<f32>(p + stride);
      sse = span(true, x + (off << 2), codes + (off << 1), deq + (off << 2), n, heat, untilCell, colsPerCell);
    } else sse = span(false, x + (off << 2), codes + (off << 1), deq + (off << 2), n, heat, untilCell, colsPerCell);
    rowSse += sse;
    tensorSse += sse;
  }
  store<f64>(sums, rowSse);
  store<f64>(sums, tensorSse, 8);
}

// @ts-ignore: decorator
@inline function span(
  quantizing: bool,
  x: usize,
  codes: usize,
  deq: usize,
  n: i32,
  heat: usize,
  untilCell: i32,
  colsPerCell: i32,
): f64 {
  const rounding = gRounding;
  const d = f32x4.splat(gD);
  const z = f32x4.splat(gZ);
  const qmin = f32x4.splat(gQmin);
  const qmax = f32x4.splat(gQmax);
  const lo = f32x4.splat(gLo);
  const hi = f32x4.splat(gHi);
  // lane k counts into sub-array k
  const countBase = i32x4.sub(i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(countStride)), i32x4.splat(gQminInt));
  const errBase = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(errStride));
  let sse = f64x2.splat(0);
  let sumErr = f64x2.splat(0);
  let maxErr2 = f64x2.splat(load<f64>(acc, 8));
  let clipped = i32x4.splat(0);
  let j: i32 = 0;
  let cell = heat;
  let chunk = untilCell;
  while (j < n) {
    const end = min(n, j + chunk);
    let sumAbs = f64x2.splat(0);
    while (j + 8 <= end) {
      const off = (<usize>j) << 2;
      const x0 = v128.load(x + off);
      const x1 = v128.load(x + off, 16);
      let v0: v128;
      let v1: v128;
      let i0: v128;
      let i1: v128;
      if (quantizing) {
        const q0 = f32x4.max(f32x4.min(roundVec(f32x4.add(f32x4.div(x0, d), z), rounding), qmax), qmin);
        const q1 = f32x4.max(f32x4.min(roundVec(f32x4.add(f32x4.div(x1, d), z), rounding), qmax), qmin);
        v0 = f32x4.mul(f32x4.sub(q0, z), d);
        v1 = f32x4.mul(f32x4.sub(q1, z), d);
        v128.store(deq + off, v0);
        v128.store(deq + off, v1, 16);
        i0 = i32x4.trunc_sat_f32x4_s(q0);
        i1 = i32x4.trunc_sat_f32x4_s(q1);
        v128.store(codes + ((<usize>j) << 1), i16x8.narrow_i32x4_s(i0, i1));
      } else {
        v0 = v128.load(deq + off);
        v1 = v128.load(deq + off, 16);
        const c = v128.load(codes + ((<usize>j) << 1));
        i0 = i32x4.extend_low_i16x8_u(c);
        i1 = i32x4.extend_high_i16x8_u(c);
      }
      if (!quantizing && markSeen) {
        markLanes(i0);
        markLanes(i1);
      } else if (!quantizing && flushRecorded) {
        bumpLanes(counts, i32x4.add(i0, countBase));
        bumpLanes(counts, i32x4.add(i1, countBase));
        recordLanes(i0, v0);
        recordLanes(i1, v1);
      } else {
        bumpLanes(counts, i32x4.add(i0, countBase));
        bumpLanes(counts, i32x4.add(i1, countBase));
      }
      bumpLanes(errHist, errorSlots(f32x4.sub(v0, x0), errBase));
      bumpLanes(errHist, errorSlots(f32x4.sub(v1, x1), errBase));
      if (binDeq) {
        binDequantizedLanes(v0);
        binDequantizedLanes(v1);
      }
      clipped = i32x4.sub(clipped, v128.or(f32x4.lt(x0, lo), f32x4.gt(x0, hi)));
      clipped = i32x4.sub(clipped, v128.or(f32x4.lt(x1, lo), f32x4.gt(x1, hi)));
      // errors in float64, two at a time, in element order (lane 0: even elements, lane 1: odd ones)
      const e0 = f64x2.sub(f64x2.promote_low_f32x4(v0), f64x2.promote_low_f32x4(x0));
      const e1 = f64x2.sub(
        f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 0, 1)),
      );
      const e2 = f64x2.sub(f64x2.promote_low_f32x4(v1), f64x2.promote_low_f32x4(x1));
      const e3 = f64x2.sub(
        f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(i32x4.shuffle(x1, x1, 2, 3, 0, 1)),
      );
      const s0 = f64x2.mul(e0, e0);
      const s1 = f64x2.mul(e1, e1);
      const s2 = f64x2.mul(e2, e2);
      const s3 = f64x2.mul(e3, e3);
      sse = f64x2.add(f64x2.add(f64x2.add(f64x2.add(sse, s0), s1), s2), s3);
      sumErr = f64x2.add(sumErr, f64x2.add(f64x2.add(e0, e1), f64x2.add(e2, e3)));
      sumAbs = f64x2.add(
        sumAbs,
        f64x2.add(f64x2.add(f64x2.abs(e0), f64x2.abs(e1)), f64x2.add(f64x2.abs(e2), f64x2.abs(e3))),
      );
      maxErr2 = f64x2.max(maxErr2, f64x2.max(f64x2.max(s0, s1), f64x2.max(s2, s3)));
      j += 8;
    }
    let absTail: f64 = 0;
    while (j < end) {
      const xi = load<f32>(x + ((<usize>j) << 2));
      let v: f32;
      let code: i32;
      if (quantizing) {
        const q = max<f32>(min<f32>(roundScalar(xi / gD + gZ, rounding), gQmax), gQmin);
        v = (q - gZ) * gD;
        code = <i32>q;
        store<f32>(deq + ((<usize>j) << 2), v);
        store<i16>(codes + ((<usize>j) << 1), <i16>code);
      } else {
        v = load<f32>(deq + ((<usize>j) << 2));
        code = <i32>load<u16>(codes + ((<usize>j) << 1));
      }
      if (!quantizing && markSeen) store<u8>(counts + <usize>code, 1);
      else bump(counts, (j & 3) * countStride + code - gQminInt);
      if (!quantizing && flushRecorded) store<f32>(codeValues + ((<usize>code) << 2), v);
      if (xi < gLo || xi > gHi) clipped = i32x4.sub(clipped, i32x4.replace_lane(i32x4.splat(0), 0, -1));
      const e = <f64>v - <f64>xi;
      const e2v =
        (j & 1) == 0
          ? f64x2.replace_lane(f64x2.splat(0), 0, e * e)
          : f64x2.replace_lane(f64x2.splat(0), 1, e * e);
      sse = f64x2.add(sse, e2v);
      maxErr2 = f64x2.max(maxErr2, e2v);
      sumErr = f64x2.add(sumErr, f64x2.replace_lane(f64x2.splat(0), 0, e));
      absTail += abs<f64>(e);
      bump(errHist, errorSlot(v - xi, j & 3));
      if (binDeq) binDequantized(<f64>v, j & 3);
      j++;
    }
    store<f64>(cell, load<f64>(cell) + (f64x2.extract_lane(sumAbs, 0) + f64x2.extract_lane(sumAbs, 1) + absTail));
    cell += 8;
    chunk = colsPerCell;
  }
  store<f64>(acc, load<f64>(acc) + f64x2.extract_lane(sumErr, 0) + f64x2.extract_lane(sumErr, 1));
  store<f64>(acc, max<f64>(f64x2.extract_lane(maxErr2, 0), f64x2.extract_lane(maxErr2, 1)), 8);
  const c =
    i32x4.extract_lane(clipped, 0) +
    i32x4.extract_lane(clipped, 1) +
    i32x4.extract_lane(clipped, 2) +
    i32x4.extract_lane(clipped, 3);
  store<f64>(acc, load<f64>(acc, 16) + <f64>c, 16);
  if (flushGroups) flushGroup();
  return f64x2.extract_lane(sse, 0) + f64x2.extract_lane(sse, 1);
}
