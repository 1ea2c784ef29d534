/**
 * The fused integer pass in WebAssembly SIMD (AssemblyScript; compiled by `npm run build:wasm` into
 * src/core/wasm/fusedKernel.wasm.ts). It does what src/core/fusedPass.ts `quantizeSpan` does for one span of
 * elements, four (or eight) at a time, and gives the same codes, dequantized values, counts, histogram bins,
 * clipped count and largest error bit for bit:
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

/** The smallest / largest of a vector's four float32 lanes. */
// @ts-ignore: decorator
@inline function laneMin(v: v128): f32 {
  return min<f32>(min<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), min<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline function laneMax(v: v128): f32 {
  return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline function bump(base: usize, index: i32): void {
  const p = base + ((<usize>index) << 2);
  store<u32>(p, load<u32>(p) + 1);
}

// @ts-ignore: decorator
@inline function bumpLanes(base: usize, indices: v128): void {
  bump(base, i32x4.extract_lane(indices, 0));
  bump(base, i32x4.extract_lane(indices, 1));
  bump(base, i32x4.extract_lane(indices, 2));
  bump(base, i32x4.extract_lane(indices, 3));
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

/**
 * formatBridge.ts's range pass over a format's output: the smallest and largest dequantized value and the
 * largest |x_hat - x| (float64), into out[0..2] (f64). Finite input only; a zero extreme is looked up again in
 * element order, so its sign is the one the JS loop keeps.
 */
export function rangeScan(x: usize, deq: usize, n: i32, out: usize): void {
  let lo = f32x4.splat(Infinity);
  let hi = f32x4.splat(-Infinity);
  let err = f64x2.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const v = v128.load(deq + off);
    const xv = v128.load(x + off);
    lo = f32x4.pmin(lo, v);
    hi = f32x4.pmax(hi, v);
    const e0 = f64x2.abs(f64x2.sub(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(xv)));
    const e1 = f64x2.abs(
      f64x2.sub(
        f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(i32x4.shuffle(xv, xv, 2, 3, 0, 1)),
      ),
    );
    err = f64x2.pmax(err, f64x2.pmax(e0, e1));
  }
  let vMin = laneMin(lo);
  let vMax = laneMax(hi);
  let maxErr = max<f64>(f64x2.extract_lane(err, 0), f64x2.extract_lane(err, 1));
  for (; i < n; i++) {
    const v = load<f32>(deq + ((<usize>i) << 2));
    const xi = load<f32>(x + ((<usize>i) << 2));
    if (v < vMin) vMin = v;
    if (v > vMax) vMax = v;
    const e = abs<f64>(<f64>v - <f64>xi);
    if (e > maxErr) maxErr = e;
  }
  if (vMin == 0) vMin = firstZero(deq, 0, n);
  if (vMax == 0) vMax = firstZero(deq, 0, n);
  store<f64>(out, <f64>vMin);
  store<f64>(out, <f64>vMax, 8);
  store<f64>(out, maxErr, 16);
}

/**
 * Each group's minimum and maximum (groupStats.ts `groupMinMaxInto` for row and group granularity, finite
 * input): `rows` rows of `cols` values in groups of `size` along a row, into outMin / outMax (f32, one per
 * group, row-major). A zero result is looked up again in element order, so its sign is the one the JS loop
 * keeps (the first of equal values).
 */
export function groupMinMax(x: usize, rows: i32, cols: i32, size: i32, outMin: usize, outMax: usize): void {
  const perRow = (cols + size - 1) / size;
  let g: usize = 0;
  for (let r: i32 = 0; r < rows; r++) {
    const row = x + ((<usize>(r * cols)) << 2);
    for (let j: i32 = 0; j < perRow; j++) {
      const start = j * size;
      const end = min(cols, start + size);
      let lo: f32 = Infinity;
      let hi: f32 = -Infinity;
      let i = start;
      if (end - i >= 8) {
        let lo0 = f32x4.splat(Infinity);
        let lo1 = lo0;
        let hi0 = f32x4.splat(-Infinity);
        let hi1 = hi0;
        for (; i + 8 <= end; i += 8) {
          const a = v128.load(row + ((<usize>i) << 2));
          const b = v128.load(row + ((<usize>i) << 2), 16);
          lo0 = f32x4.pmin(lo0, a);
          lo1 = f32x4.pmin(lo1, b);
          hi0 = f32x4.pmax(hi0, a);
          hi1 = f32x4.pmax(hi1, b);
        }
        const l = f32x4.pmin(lo0, lo1);
        const h = f32x4.pmax(hi0, hi1);
        lo = laneMin(l);
        hi = laneMax(h);
      }
      for (; i < end; i++) {
        const v = load<f32>(row + ((<usize>i) << 2));
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (lo == 0) lo = firstZero(row, start, end);
      if (hi == 0) hi = firstZero(row, start, end);
      store<f32>(outMin + (g << 2), lo);
      store<f32>(outMax + (g << 2), hi);
      g++;
    }
  }
}

/** The first zero (of either sign) in [start, end) of a row: the one a strict `<` / `>` scan keeps. */
function firstZero(row: usize, start: i32, end: i32): f32 {
  for (let i = start; i < end; i++) {
    const v = load<f32>(row + ((<usize>i) << 2));
    if (v == 0) return v;
  }
  return 0;
}

/** The float element format being encoded (floatFormat.ts `EncoderConstants`), set by `setFloatFormat`. */
let fShift: u32 = 0;
let fRoundAdd: u32 = 0;
let fNormalMinBits: u32 = 0;
/** 1 / the subnormal quantum as two float32 powers of two (BF16's 2^133 is beyond float32). */
let fInvSubA: f32 = 0;
let fInvSubB: f32 = 0;
let fSignBit: u32 = 0;
let fMaxPattern: u32 = 0;
let fOverflowPattern: u32 = 0;
/** f32 value of every bit pattern (the format's value table). */
let fTable: usize = 0;

export function setFloatFormat(
  shift: u32,
  roundAdd: u32,
  normalMinBits: u32,
  invSubA: f32,
  invSubB: f32,
  signBit: u32,
  maxPattern: u32,
  overflowPattern: u32,
  table: usize,
): void {
  fShift = shift;
  fRoundAdd = roundAdd;
  fNormalMinBits = normalMinBits;
  fInvSubA = invSubA;
  fInvSubB = invSubB;
  fSignBit = signBit;
  fMaxPattern = maxPattern;
  fOverflowPattern = overflowPattern;
  fTable = table;
}

/**
 * floatScheme.ts `encodeFloatRangeInto` (and `encodePow2ScaledRangeInto`, whose power-of-two scale divides
 * exactly): code = encode(fround(x / scale)) with round-to-nearest-even, x_hat = table[code] * scale, for n
 * finite values. The element's normal range rounds on the float32 bits (add half an ulp of the element, plus
 * the odd bit, and shift); its subnormal range rounds |y| / quantum, which is exact in float32 (a power of two).
 * Codes are stored as the low 16 bits, as an Int16Array store of the pattern does.
 */
export function encodeFloat(x: usize, codes: usize, deq: usize, n: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  const absMask = i32x4.splat(0x7fffffff);
  const normalMin = i32x4.splat(<i32>fNormalMinBits);
  const infBits = i32x4.splat(0x7f800000);
  const roundAdd = i32x4.splat(<i32>fRoundAdd);
  const one = i32x4.splat(1);
  const maxPattern = i32x4.splat(<i32>fMaxPattern);
  const overflow = i32x4.splat(<i32>fOverflowPattern);
  const invSubA = f32x4.splat(fInvSubA);
  const invSubB = f32x4.splat(fInvSubB);
  const signBit = i32x4.splat(<i32>fSignBit);
  const shift = fShift;
  // A subnormal scale (BF16 scaled to its largest value: absmax / 3.39e38) makes float32 arithmetic with it slow
  // (microcode assists on every operation): divide and multiply in float64 instead, where it is normal. Both give
  // the float32 results bit for bit: the float64 product of two float32 values is exact, and a float64 quotient
  // rounded to float32 is the float32 quotient (double rounding is harmless with 53 >= 2 * 24 + 2 bits).
  const slowScale = abs<f32>(scale) < 1.1754943508222875e-38;
  const s64 = f64x2.splat(<f64>scale);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const xv = v128.load(x + off);
    const y = slowScale ? divide64(xv, s64) : f32x4.div(xv, s);
    const u = v128.and(y, absMask);
    let p = i32x4.shr_u(i32x4.add(i32x4.add(u, roundAdd), v128.and(i32x4.shr_u(u, shift), one)), shift);
    p = v128.bitselect(overflow, p, i32x4.gt_s(p, maxPattern));
    p = v128.bitselect(overflow, p, i32x4.ge_s(u, infBits));
    const sub = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(f32x4.mul(f32x4.abs(y), invSubA), invSubB)));
    p = v128.bitselect(sub, p, i32x4.lt_s(u, normalMin));
    p = i32x4.add(p, i32x4.mul(i32x4.shr_u(y, 31), signBit));
    // the low 16 bits of each lane (an Int16Array store wraps; narrow would saturate)
    v128.store64_lane(codes + ((<usize>i) << 1), i8x16.shuffle(p, p, 0, 1, 4, 5, 8, 9, 12, 13, 0, 1, 4, 5, 8, 9, 12, 13), 0);
    const p0 = i32x4.extract_lane(p, 0);
    const p1 = i32x4.extract_lane(p, 1);
    const p2 = i32x4.extract_lane(p, 2);
    const p3 = i32x4.extract_lane(p, 3);
    let t = f32x4.splat(load<f32>(fTable + ((<usize>p0) << 2)));
    t = f32x4.replace_lane(t, 1, load<f32>(fTable + ((<usize>p1) << 2)));
    t = f32x4.replace_lane(t, 2, load<f32>(fTable + ((<usize>p2) << 2)));
    t = f32x4.replace_lane(t, 3, load<f32>(fTable + ((<usize>p3) << 2)));
    v128.store(deq + off, slowScale ? multiply64(t, s64) : f32x4.mul(t, s));
  }
  for (; i < n; i++) {
    const y = load<f32>(x + ((<usize>i) << 2)) / scale;
    const bits = reinterpret<u32>(y);
    const u = bits & 0x7fffffff;
    let p: u32;
    if (u < fNormalMinBits) p = <u32>nearest<f32>(abs<f32>(y) * fInvSubA * fInvSubB);
    else if (u >= 0x7f800000) p = fOverflowPattern;
    else {
      p = (u + fRoundAdd + ((u >>> fShift) & 1)) >>> fShift;
      if (p > fMaxPattern) p = fOverflowPattern;
    }
    p += (bits >>> 31) * fSignBit;
    store<i16>(codes + ((<usize>i) << 1), <i16>p);
    store<f32>(deq + ((<usize>i) << 2), load<f32>(fTable + ((<usize>p) << 2)) * scale);
  }
}

/** Four float32 lanes divided by a float64 splat, each quotient rounded once to float32 (see encodeFloat). */
// @ts-ignore: decorator
@inline function divide64(v: v128, d: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(f64x2.div(f64x2.promote_low_f32x4(v), d));
  const hi = f32x4.demote_f64x2_zero(f64x2.div(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), d));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/** Four float32 lanes times a float64 splat of a float32, each product (exact in float64) rounded once. */
// @ts-ignore: decorator
@inline function multiply64(v: v128, m: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), m));
  const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), m));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/**
 * One row of a float element format scaled per block (floatScheme.ts, scaling 'row' or 'group'): blocks of
 * `block` (a short last one), each with s = absmax / maxFinite (float32; 1 for an all-zero block or one whose s
 * rounds to 0) into outScale, then encodeFloat with s. The format must be selected. Finite input.
 */
export function floatRow(x: usize, codes: usize, deq: usize, cols: i32, block: i32, maxFinite: f32, outScale: usize): void {
  const blocks = (cols + block - 1) / block;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b * block;
    const len = min(block, cols - c0);
    const xb = x + ((<usize>c0) << 2);
    const amax = absMax(xb, len);
    let scale: f32 = amax > 0 ? amax / maxFinite : 1;
    if (scale == 0) scale = 1;
    store<f32>(outScale + ((<usize>b) << 2), scale);
    encodeFloat(xb, codes + ((<usize>c0) << 1), deq + ((<usize>c0) << 2), len, scale);
  }
}

/** The largest |x| of n finite values (floatScheme.ts `finiteAbsMax` on finite input). */
export function absMax(x: usize, n: i32): f32 {
  let m0 = f32x4.splat(0);
  let m1 = m0;
  let i: i32 = 0;
  for (; i + 8 <= n; i += 8) {
    m0 = f32x4.pmax(m0, f32x4.abs(v128.load(x + ((<usize>i) << 2))));
    m1 = f32x4.pmax(m1, f32x4.abs(v128.load(x + ((<usize>i) << 2), 16)));
  }
  const m = f32x4.pmax(m0, m1);
  let best = laneMax(m);
  for (; i < n; i++) {
    const a = abs<f32>(load<f32>(x + ((<usize>i) << 2)));
    if (a > best) best = a;
  }
  return best;
}

/**
 * One row of NF4 codes (nf4.ts): blocks of 64 (a short last one), each block's absmax into outAbsmax and its
 * elements bucketized with inv = 1 / max(absmax, floor) (float32; rounding the float64 quotient to float32, as
 * the JS does, gives the same bits). The selected codebook must be NF4's. Finite input.
 */
export function nf4CodesRow(x: usize, codes: usize, cols: i32, floor: f32, outAbsmax: usize): void {
  const blocks = (cols + 63) >> 6;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b << 6;
    const len = min(64, cols - c0);
    const xb = x + ((<usize>c0) << 2);
    const amax = absMax(xb, len);
    store<f32>(outAbsmax + ((<usize>b) << 2), amax);
    bucketizeCodes(xb, codes + ((<usize>c0) << 1), len, <f32>1 / max<f32>(amax, floor));
  }
}

/** One row of codebook values: blocks of `block` (a short last one), block b decoded with scales[b]. */
export function decodeRow(codes: usize, deq: usize, cols: i32, block: i32, scales: usize): void {
  const blocks = (cols + block - 1) / block;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b * block;
    decodeCodebook(codes + ((<usize>c0) << 1), deq + ((<usize>c0) << 2), min(block, cols - c0), load<f32>(scales + ((<usize>b) << 2)));
  }
}

/**
 * k-means codes and values of n elements from their ranks (kmeans.ts `writeByRank`): code = codeOfRank[rank]
 * (i16 by u16 rank), x_hat = values[code + 1] (values[0] is the NaN of code -1).
 */
export function codesByRank(rank: usize, codeOfRank: usize, values: usize, codes: usize, deq: usize, n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = <i32>load<i16>(codeOfRank + ((<usize>load<u16>(rank + ((<usize>i) << 1))) << 1));
    store<i16>(codes + ((<usize>i) << 1), <i16>c);
    store<f32>(deq + ((<usize>i) << 2), load<f32>(values + ((<usize>(c + 1)) << 2)));
  }
}

/**
 * A 16-entry codebook (NF4) at `cbValues` (f32), its decision thresholds at `cbBounds` (f32, +Inf last) and a cell
 * table at `cbCells` (u8, 2 * 1024 + 1 entries: the code of -1 + j / 1024), set by `setCodebook`.
 */
let cbValues: usize = 0;
let cbBounds: usize = 0;
let cbCells: usize = 0;

export function setCodebook(values: usize, bounds: usize, cells: usize): void {
  cbValues = values;
  cbBounds = bounds;
  cbCells = cells;
}

/**
 * nf4.ts's element loop: scaled = clamp(fround(x * inv), -1, 1), code = the number of thresholds strictly below
 * it (`torch.bucketize`). Four elements at a time: each compared with the 15 finite thresholds (all inside
 * (-1, 1), so the clamp changes no count) and the comparisons counted; the tail from the cell of
 * (scaled + 1) * 1024 (computed in float64, as the JS does) and one comparison. Finite input only.
 */
function bucketizeCodes(x: usize, codes: usize, n: i32, inv: f32): void {
  const iv = f32x4.splat(inv);
  const b0 = v128.load32_splat(cbBounds);
  const b1 = v128.load32_splat(cbBounds, 4);
  const b2 = v128.load32_splat(cbBounds, 8);
  const b3 = v128.load32_splat(cbBounds, 12);
  const b4 = v128.load32_splat(cbBounds, 16);
  const b5 = v128.load32_splat(cbBounds, 20);
  const b6 = v128.load32_splat(cbBounds, 24);
  const b7 = v128.load32_splat(cbBounds, 28);
  const b8 = v128.load32_splat(cbBounds, 32);
  const b9 = v128.load32_splat(cbBounds, 36);
  const b10 = v128.load32_splat(cbBounds, 40);
  const b11 = v128.load32_splat(cbBounds, 44);
  const b12 = v128.load32_splat(cbBounds, 48);
  const b13 = v128.load32_splat(cbBounds, 52);
  const b14 = v128.load32_splat(cbBounds, 56);
  let i: i32 = 0;
  for (; i + 8 <= n; i += 8) {
    const s0 = f32x4.mul(v128.load(x + ((<usize>i) << 2)), iv);
    const s1 = f32x4.mul(v128.load(x + ((<usize>i) << 2), 16), iv);
    // each true comparison is -1: the code is minus the sum
    let c0 = i32x4.add(f32x4.gt(s0, b0), f32x4.gt(s0, b1));
    let c1 = i32x4.add(f32x4.gt(s1, b0), f32x4.gt(s1, b1));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b2), f32x4.gt(s0, b3)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b2), f32x4.gt(s1, b3)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b4), f32x4.gt(s0, b5)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b4), f32x4.gt(s1, b5)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b6), f32x4.gt(s0, b7)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b6), f32x4.gt(s1, b7)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b8), f32x4.gt(s0, b9)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b8), f32x4.gt(s1, b9)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b10), f32x4.gt(s0, b11)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b10), f32x4.gt(s1, b11)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b12), f32x4.gt(s0, b13)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b12), f32x4.gt(s1, b13)));
    c0 = i32x4.add(c0, f32x4.gt(s0, b14));
    c1 = i32x4.add(c1, f32x4.gt(s1, b14));
    v128.store(codes + ((<usize>i) << 1), i16x8.neg(i16x8.narrow_i32x4_s(c0, c1)));
  }
  for (; i < n; i++) {
    let scaled = load<f32>(x + ((<usize>i) << 2)) * inv;
    if (scaled > 1) scaled = 1;
    else if (scaled < -1) scaled = -1;
    let c = <i32>load<u8>(cbCells + <usize>(<i32>((<f64>scaled + 1) * 1024)));
    if (scaled > load<f32>(cbBounds + ((<usize>c) << 2))) c++;
    store<i16>(codes + ((<usize>i) << 1), <i16>c);
  }
}

/** x_hat = values[code] * scale for n codes (no negative codes: finite input). */
function decodeCodebook(codes: usize, deq: usize, n: i32, scale: f32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = <usize>load<i16>(codes + ((<usize>i) << 1));
    store<f32>(deq + ((<usize>i) << 2), load<f32>(cbValues + (c << 2)) * scale);
  }
}

/**
 * x rounded to the selected float format and back (non-saturating), as floatFormat.ts `roundToFormat`: the
 * GGUF types store their block scales as FP16 (select FP16 first with `setFloatFormat` and its value table).
 */
// @ts-ignore: decorator
@inline function roundToSelectedFormat(x: f32): f32 {
  const bits = reinterpret<u32>(x);
  const u = bits & 0x7fffffff;
  let p: u32;
  if (u >= 0x7f800000) p = fOverflowPattern;
  else if (u < fNormalMinBits) p = <u32>nearest<f32>(abs<f32>(x) * fInvSubA * fInvSubB);
  else {
    p = (u + fRoundAdd + ((u >>> fShift) & 1)) >>> fShift;
    if (p > fMaxPattern) p = fOverflowPattern;
  }
  p += (bits >>> 31) * fSignBit;
  return load<f32>(fTable + ((<usize>p) << 2));
}

/** C `roundf` (half away from zero) of a float32 value, in float64 as ggml.ts does. */
// @ts-ignore: decorator
@inline function roundf(v: f32): f64 {
  const d = <f64>v;
  return d >= 0 ? floor(d + 0.5) : -floor(-d + 0.5);
}

/**
 * ggml.ts `x86ToInt`: C's float-to-int conversion as x86-64 does it (`cvttss2si`), truncation toward zero and
 * INT_MIN for NaN, ±Inf and out-of-range values (a block whose range is below ~2e-38 has 1 / d = +Inf, so x * id
 * is ±Inf or NaN); the reference's (int8_t) / (uint8_t) narrowing then keeps the low byte, 0. WebAssembly's
 * conversion saturates instead, so it is spelled out.
 */
function x86ToInt(d: f64): i32 {
  const t = trunc<f64>(d);
  return t >= -2147483648 && t <= 2147483647 ? <i32>t : i32.MIN_VALUE;
}

/**
 * One row of a GGUF legacy type (ggml.ts, from llama.cpp `quantize_row_*_ref`): blocks of 32 along the row (a
 * short last block zero-padded), codes and x_hat = fround(fround(A * (q - Z)) + B) (B = 0: no add), and each
 * block's FP16 scale A and offset B into outA / outB. `type`: 0 Q8_0, 1 Q4_0, 2 Q5_0, 3 Q4_1, 4 Q5_1. FP16 must
 * be the selected float format. Finite input only.
 */
export function ggmlLegacyRow(type: i32, x: usize, codes: usize, deq: usize, cols: i32, outA: usize, outB: usize): void {
  const blocks = (cols + 31) >> 5;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b << 5;
    const len = min(32, cols - c0);
    const xb = x + ((<usize>c0) << 2);
    const cb = codes + ((<usize>c0) << 1);
    const db = deq + ((<usize>c0) << 2);
    let a: f32 = 0;
    let off: f32 = 0;
    if (type == 0) {
      let amax: f32 = 0;
      for (let j = 0; j < len; j++) amax = max<f32>(amax, abs<f32>(load<f32>(xb + ((<usize>j) << 2))));
      const d = amax / <f32>127;
      const id: f32 = d != 0 ? <f32>1 / d : 0;
      a = roundToSelectedFormat(d);
      // A finite id keeps |x * id| near 127, where float32 rounding half away is exact (an infinite id, from a
      // subnormal d, takes the scalar loop and its ToInt32).
      const start = isFinite<f32>(id) ? q8Vectors(xb, cb, db, len, id, a) : 0;
      for (let j = start; j < len; j++) {
        const q = <i32>(<i8>x86ToInt(roundf(load<f32>(xb + ((<usize>j) << 2)) * id)));
        store<i16>(cb + ((<usize>j) << 1), <i16>q);
        store<f32>(db + ((<usize>j) << 2), a * <f32>q);
      }
    } else if (type == 1 || type == 2) {
      const half: i32 = type == 1 ? 8 : 16;
      const top = 2 * half - 1;
      const bias = <f32>half + <f32>0.5;
      let amax: f32 = 0;
      let mx: f32 = 0;
      for (let j = 0; j < len; j++) {
        const v = load<f32>(xb + ((<usize>j) << 2));
        if (amax < abs<f32>(v)) {
          amax = abs<f32>(v);
          mx = v;
        }
      }
      const d = mx / <f32>(-half);
      const id: f32 = d != 0 ? <f32>1 / d : 0;
      a = roundToSelectedFormat(d);
      const start = isFinite<f32>(id) ? symmetricVectors(xb, cb, db, len, id, bias, top, half, a) : 0;
      for (let j = start; j < len; j++) {
        const q = min<i32>(top, <i32>(<i8>x86ToInt(<f64>(load<f32>(xb + ((<usize>j) << 2)) * id + bias))));
        store<i16>(cb + ((<usize>j) << 1), <i16>q);
        store<f32>(db + ((<usize>j) << 2), a * <f32>(q - half));
      }
    } else {
      const levels: i32 = type == 3 ? 16 : 32;
      const cap = type == 3;
      let lo: f32 = Infinity;
      let hi: f32 = -Infinity;
      for (let j = 0; j < len; j++) {
        const v = load<f32>(xb + ((<usize>j) << 2));
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      // the zero padding of a short block takes part in its min and max, after the values (as the JS loop)
      if (len < 32) {
        if (<f32>0 < lo) lo = 0;
        if (<f32>0 > hi) hi = 0;
      }
      const d = (hi - lo) / <f32>(levels - 1);
      const id: f32 = d != 0 ? <f32>1 / d : 0;
      a = roundToSelectedFormat(d);
      off = roundToSelectedFormat(lo);
      const start = isFinite<f32>(id) ? offsetVectors(xb, cb, db, len, id, lo, levels, cap, a, off) : 0;
      for (let j = start; j < len; j++) {
        const q0 = x86ToInt(<f64>((load<f32>(xb + ((<usize>j) << 2)) - lo) * id + <f32>0.5));
        const q = cap ? min<i32>(levels - 1, <i32>(<i8>q0)) : q0 & (levels - 1);
        store<i16>(cb + ((<usize>j) << 1), <i16>q);
        const v = a * <f32>q;
        store<f32>(db + ((<usize>j) << 2), off == 0 ? v : v + off);
      }
    }
    store<f32>(outA + ((<usize>b) << 2), a);
    store<f32>(outB + ((<usize>b) << 2), off);
  }
}

/** Stores four int32 codes (small: they fit int16) at `codes`. */
// @ts-ignore: decorator
@inline function storeCodes4(codes: usize, q: v128): void {
  v128.store64_lane(codes, i16x8.narrow_i32x4_s(q, q), 0);
}

/**
 * Q8_0 elements four at a time while four remain (finite id): q = roundf(x * id) (half away from zero, exact in
 * float32 for these magnitudes), x_hat = a * q. Returns how many were done; the scalar loop does the rest.
 */
function q8Vectors(xb: usize, cb: usize, db: usize, len: i32, id: f32, a: f32): i32 {
  const idv = f32x4.splat(id);
  const av = f32x4.splat(a);
  const half = f32x4.splat(0.5);
  const signMask = i32x4.splat(0x80000000);
  const one = f32x4.splat(1);
  let j: i32 = 0;
  for (; j + 4 <= len; j += 4) {
    const t = f32x4.mul(v128.load(xb + ((<usize>j) << 2)), idv);
    const r = f32x4.trunc(t);
    const up = f32x4.ge(f32x4.abs(f32x4.sub(t, r)), half);
    const q = i32x4.trunc_sat_f32x4_s(v128.bitselect(f32x4.add(r, v128.or(v128.and(t, signMask), one)), r, up));
    storeCodes4(cb + ((<usize>j) << 1), q);
    v128.store(db + ((<usize>j) << 2), f32x4.mul(av, f32x4.convert_i32x4_s(q)));
  }
  return j;
}

/** Q4_0 / Q5_0 elements four at a time (finite id): q = min(top, trunc(x * id + bias)), x_hat = a * (q - half). */
function symmetricVectors(xb: usize, cb: usize, db: usize, len: i32, id: f32, bias: f32, top: i32, half: i32, a: f32): i32 {
  const idv = f32x4.splat(id);
  const biasv = f32x4.splat(bias);
  const topv = f32x4.splat(<f32>top);
  const halfv = i32x4.splat(half);
  const av = f32x4.splat(a);
  let j: i32 = 0;
  for (; j + 4 <= len; j += 4) {
    const t = f32x4.add(f32x4.mul(v128.load(xb + ((<usize>j) << 2)), idv), biasv);
    const q = i32x4.trunc_sat_f32x4_s(f32x4.min(f32x4.trunc(t), topv));
    storeCodes4(cb + ((<usize>j) << 1), q);
    v128.store(db + ((<usize>j) << 2), f32x4.mul(av, f32x4.convert_i32x4_s(i32x4.sub(q, halfv))));
  }
  return j;
}

/**
 * Q4_1 / Q5_1 elements four at a time (finite id): q = trunc((x - lo) * id + 0.5), capped at 15 (Q4_1) or wrapped
 * to 5 bits (Q5_1, as the reference's mask), x_hat = a * q (+ off unless off is zero).
 */
function offsetVectors(xb: usize, cb: usize, db: usize, len: i32, id: f32, lo: f32, levels: i32, cap: bool, a: f32, off: f32): i32 {
  const idv = f32x4.splat(id);
  const lov = f32x4.splat(lo);
  const half = f32x4.splat(0.5);
  const top = i32x4.splat(levels - 1);
  const av = f32x4.splat(a);
  const offv = f32x4.splat(off);
  let j: i32 = 0;
  for (; j + 4 <= len; j += 4) {
    const t = f32x4.add(f32x4.mul(f32x4.sub(v128.load(xb + ((<usize>j) << 2)), lov), idv), half);
    const q0 = i32x4.trunc_sat_f32x4_s(f32x4.trunc(t));
    const q = cap ? i32x4.min_s(q0, top) : v128.and(q0, top);
    storeCodes4(cb + ((<usize>j) << 1), q);
    const v = f32x4.mul(av, f32x4.convert_i32x4_s(q));
    v128.store(db + ((<usize>j) << 2), off == 0 ? v : f32x4.add(v, offv));
  }
  return j;
}

/**
 * nvfp4.ts's blocks of 16 along one row: the block scale S = fround(e4m3(s) * s2) with s = amax / fround(6 * s2)
 * (a zero s becoming 1), into outScale per block; then the elements. E4M3, saturating, must be the selected
 * float format. Finite input.
 */
export function nvfp4Row(x: usize, codes: usize, deq: usize, cols: i32, s2: f32, outScale: usize): void {
  const divisor: f32 = <f32>6 * s2;
  const blocks = (cols + 15) >> 4;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b << 4;
    const len = min(16, cols - c0);
    const xb = x + ((<usize>c0) << 2);
    const amax = absMax(xb, len);
    let s = amax / divisor;
    if (s == 0) s = 1;
    const step = roundToSelectedFormat(s) * s2;
    store<f32>(outScale + ((<usize>b) << 2), step);
    nvfp4Elements(xb, codes + ((<usize>c0) << 1), deq + ((<usize>c0) << 2), len, step);
  }
}

/**
 * modelopt `_cast_fp4` of four |y|: the count of the bounds 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5 below |y|, plus
 * one at the ties 0.75, 1.75, 3.5 (round half to even); NaN (0 / 0 under a zero block scale) sorts last: 7.
 */
// @ts-ignore: decorator
@inline function e2m1Magnitudes(a: v128): v128 {
  let ord = i32x4.splat(0);
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(0.25)));
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(0.75)));
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(1.25)));
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(1.75)));
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(2.5)));
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(3.5)));
  ord = i32x4.sub(ord, f32x4.gt(a, f32x4.splat(5)));
  const tie = v128.or(v128.or(f32x4.eq(a, f32x4.splat(0.75)), f32x4.eq(a, f32x4.splat(1.75))), f32x4.eq(a, f32x4.splat(3.5)));
  ord = i32x4.sub(ord, tie);
  return v128.bitselect(i32x4.splat(7), ord, f32x4.ne(a, a));
}

/**
 * NVFP4 elements of one block: y = x / S, code = (y < 0) << 3 | magnitude, x_hat = E2M1[code] * S, where the
 * magnitudes 0..7 are 0, 0.5, 1, 1.5, 2, 3, 4, 6 and code 8 is +0 (modelopt's table).
 */
function nvfp4Elements(x: usize, codes: usize, deq: usize, n: i32, step: f32): void {
  const s = f32x4.splat(step);
  const zero = f32x4.splat(0);
  const four = i32x4.splat(4);
  const seven = i32x4.splat(7);
  let j: i32 = 0;
  for (; j + 4 <= n; j += 4) {
    const y = f32x4.div(v128.load(x + ((<usize>j) << 2)), s);
    const ord = e2m1Magnitudes(f32x4.abs(y));
    const negative = f32x4.lt(y, zero);
    storeCodes4(codes + ((<usize>j) << 1), i32x4.add(ord, v128.and(negative, i32x4.splat(8))));
    const o = f32x4.convert_i32x4_s(ord);
    // 0, 0.5, 1, 1.5, 2 are ord / 2; then 3, 4 (ord - 2) and 6
    let v = v128.bitselect(f32x4.mul(o, f32x4.splat(0.5)), f32x4.sub(o, f32x4.splat(2)), i32x4.le_s(ord, four));
    v = v128.bitselect(f32x4.splat(6), v, i32x4.eq(ord, seven));
    v = v128.or(v, v128.and(v128.and(negative, i32x4.gt_s(ord, i32x4.splat(0))), i32x4.splat(0x80000000)));
    v128.store(deq + ((<usize>j) << 2), f32x4.mul(v, s));
  }
  for (; j < n; j++) {
    const y = load<f32>(x + ((<usize>j) << 2)) / step;
    const ord = i32x4.extract_lane(e2m1Magnitudes(f32x4.splat(abs<f32>(y))), 0);
    const negative = y < 0;
    store<i16>(codes + ((<usize>j) << 1), <i16>(negative ? ord + 8 : ord));
    let v: f32 = ord <= 4 ? <f32>ord * <f32>0.5 : ord == 7 ? <f32>6 : <f32>(ord - 2);
    if (negative && ord > 0) v = -v;
    store<f32>(deq + ((<usize>j) << 2), v * step);
  }
}

/**
 * signFormats.ts for one row of n finite values: binary (XNOR-Net) alpha = mean |x|, x_hat = alpha * sign(x) with
 * sign(0) = +1; ternary (TWN) threshold fround(fround(0.7) * mean |x|), alpha = mean of |x| over |x| > threshold,
 * x_hat = alpha * sign(x) there, else 0. Means are float64 sums in element order, rounded to float32 after the
 * division. Codes: binary 0 / 1 (negative / not), ternary q + 1 for q in -1, 0, 1. Returns alpha.
 */
export function signRow(x: usize, codes: usize, deq: usize, n: i32, ternary: bool): f32 {
  let sum: f64 = 0;
  for (let i: i32 = 0; i < n; i++) sum += <f64>abs<f32>(load<f32>(x + ((<usize>i) << 2)));
  const m: f32 = n > 0 ? <f32>(sum / <f64>n) : 0;
  let alpha = m;
  let threshold: f32 = 0;
  if (ternary) {
    threshold = <f32>0.7 * m;
    let kept: f64 = 0;
    let count: i32 = 0;
    // Branch-free, as about half the values pass and a branch (V8 compiles a float select to one) mispredicts:
    // the values that fail are masked to +0, and adding +0 leaves the sum as it is. Still in element order.
    const thresholdv = f32x4.splat(threshold);
    let counted = i32x4.splat(0);
    let i: i32 = 0;
    for (; i + 4 <= n; i += 4) {
      const a = f32x4.abs(v128.load(x + ((<usize>i) << 2)));
      const keep = f32x4.gt(a, thresholdv);
      const m = v128.and(a, keep);
      counted = i32x4.sub(counted, keep);
      kept += <f64>f32x4.extract_lane(m, 0);
      kept += <f64>f32x4.extract_lane(m, 1);
      kept += <f64>f32x4.extract_lane(m, 2);
      kept += <f64>f32x4.extract_lane(m, 3);
    }
    count =
      i32x4.extract_lane(counted, 0) + i32x4.extract_lane(counted, 1) + i32x4.extract_lane(counted, 2) + i32x4.extract_lane(counted, 3);
    for (; i < n; i++) {
      const a = abs<f32>(load<f32>(x + ((<usize>i) << 2)));
      if (a > threshold) {
        kept += <f64>a;
        count++;
      }
    }
    alpha = count > 0 ? <f32>(kept / <f64>count) : 0;
  }
  const alphav = f32x4.splat(alpha);
  const thresholdv = f32x4.splat(threshold);
  const zero = f32x4.splat(0);
  const one = i32x4.splat(1);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    let q = v128.bitselect(i32x4.splat(-1), one, f32x4.lt(v, zero));
    if (ternary) q = v128.and(q, f32x4.gt(f32x4.abs(v), thresholdv));
    storeCodes4(codes + ((<usize>i) << 1), ternary ? i32x4.add(q, one) : i32x4.shr_s(i32x4.add(q, one), 1));
    v128.store(deq + ((<usize>i) << 2), f32x4.mul(f32x4.convert_i32x4_s(q), alphav));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + ((<usize>i) << 2));
    const q: i32 = ternary && !(abs<f32>(v) > threshold) ? 0 : v < 0 ? -1 : 1;
    store<i16>(codes + ((<usize>i) << 1), <i16>(ternary ? q + 1 : (q + 1) >> 1));
    store<f32>(deq + ((<usize>i) << 2), <f32>q * alpha);
  }
  return alpha;
}

/** floor(log2(a)) of a positive finite float32, exactly, from its bits (floatBits.ts `floorLog2Float32`). */
// @ts-ignore: decorator
@inline function floorLog2(a: f32): i32 {
  const u = reinterpret<u32>(a) & 0x7fffffff;
  const e = <i32>(u >>> 23);
  return e != 0 ? e - 127 : 31 - <i32>clz<u32>(u) - 149;
}

/** 2^k as a float64, exact for k in [-1074, 1023] (floatBits.ts `pow2`). */
function pow2(k: i32): f64 {
  if (k < -1022) return reinterpret<f64>((<u64>(k + 60 + 1023)) << 52) * 8.673617379884035e-19;
  return reinterpret<f64>((<u64>(k + 1023)) << 52);
}

/**
 * One row of an MX format (mx.ts `quantizeMx`): blocks of 32 (a short last one), each with the shared exponent
 * e = floor(log2(amax)) - emax, or with `roundUp` the smallest e with maxElem * 2^e >= amax (-126 - emax for an
 * all-zero block), clamped to [-127, 127]; X = 2^e into outScale per block; then the elements: the selected float
 * format (saturating) or, with `int8`, MXINT8. x / 2^e is exact in float32 here (a block's values are at most
 * about maxElem * 2^e), so encodeFloat's division gives the JS loop's codes. Finite input. One call per row
 * instead of two per block.
 */
export function mxRow(
  x: usize,
  codes: usize,
  deq: usize,
  cols: i32,
  emax: i32,
  roundUp: bool,
  maxElem: f64,
  maxElemLog2: i32,
  int8: bool,
  outScale: usize,
): void {
  const blocks = (cols + 31) >> 5;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b << 5;
    const len = min(32, cols - c0);
    const xb = x + ((<usize>c0) << 2);
    const amax = absMax(xb, len);
    let e: i32;
    if (!(amax > 0)) e = -126 - emax;
    else if (!roundUp) e = floorLog2(amax) - emax;
    else {
      e = floorLog2(amax) - maxElemLog2;
      while (maxElem * pow2(e) < <f64>amax) e++;
      while (maxElem * pow2(e - 1) >= <f64>amax) e--;
    }
    if (e > 127) e = 127;
    else if (e < -127) e = -127;
    const scaleX = <f32>pow2(e);
    store<f32>(outScale + ((<usize>b) << 2), scaleX);
    const cb = codes + ((<usize>c0) << 1);
    const db = deq + ((<usize>c0) << 2);
    if (int8) mxInt8Block(xb, cb, db, len, scaleX);
    else encodeFloat(xb, cb, db, len, scaleX);
  }
}

/**
 * mx.ts `quantizeInt8ElementsInto` (MXINT8 elements of one block, power-of-two scale X): k = rne(fround(fround(x /
 * X) * 64)) clamped to ±127, x_hat = (k / 64) * X, and -0 for a negative value that rounds to 0. Finite input.
 */
function mxInt8Block(x: usize, codes: usize, deq: usize, n: i32, scaleX: f32): void {
  for (let i: i32 = 0; i < n; i++) {
    const xi = load<f32>(x + ((<usize>i) << 2));
    // + 0: the JS magic-number rounding gives +0 where nearest gives -0
    let k = nearest<f32>((xi / scaleX) * <f32>64) + <f32>0;
    if (k > 127) k = 127;
    else if (k < -127) k = -127;
    store<i16>(codes + ((<usize>i) << 1), <i16>(<i32>k));
    store<f32>(deq + ((<usize>i) << 2), k == 0 && xi < 0 ? <f32>-0.0 : (k / <f32>64) * scaleX);
  }
}
