/**
 * The GGUF k-quant searches Q4_K and Q6_K in WebAssembly SIMD (AssemblyScript; compiled by `npm run build:wasm`
 * into src/core/wasm/kquantKernel.wasm.ts). It does what src/core/formats/ggmlK.ts does (llama.cpp
 * `quantize_row_q4_K_ref` with `make_qkx2_quants`, `quantize_row_q6_K_ref` with `make_qx_quants`) and gives the
 * same codes, dequantized values and sub-block parameters bit for bit:
 * - the reference sums each sub-block's values in order, and float32 addition is not associative, so a
 *   sub-block is never split across lanes: the four lanes of a vector are four sub-blocks, each lane doing its
 *   sub-block's float32 operations in the JS (C) order; "is this candidate better" is a per-lane comparison
 *   and `bitselect`;
 * - a float32 add, multiply, divide or square root of float32 operands is the float64 result rounded once, so
 *   WebAssembly's float32 arithmetic equals ggmlK.ts's `Math.fround` of each step;
 * - what JS does beyond IEEE arithmetic is spelled out: min / max keep the first of equal values (compare and
 *   select, not `f32x4.min`), the clamps let NaN through as the ternaries do (`pmin` / `pmax`), an Int32Array
 *   store turns a NaN code into 0 (masked to +0; codes are kept as integer-valued f32), and `nearest_int` reads
 *   the low mantissa bits of x + 1.5 * 2^23 (ggmlCommon.ts), for every input.
 * The scale-of-scales step of each super-block (its FP16 d and dmin, 6-bit or int8 sub-block scales) is scalar;
 * the final codes and the output are element by element, so four at a time. NaN results may differ from JS in
 * sign (neither specifies it). Speed: 1024 x 1024 Q4_K about 10x, Q6_K about 7x the JS search.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

// @ts-ignore: decorator
@inline const MAGIC: f32 = 12582912;
// @ts-ignore: decorator
@inline const GROUP_MAX_EPS: f32 = 1e-15;
// @ts-ignore: decorator
@inline const ONE_TENTH: f32 = 0.1;

/** Scratch (set by `quantizeRows`): a short block zero-padded, the block's codes (f32), the transposed arrays. */
let blk: usize = 0;
let codesF: usize = 0;
/** x, weights and weights * x transposed: vector i of group g holds element i of sub-blocks 4g .. 4g + 3. */
let xt: usize = 0;
let wt: usize = 0;
let wxt: usize = 0;
/** wt and wxt at fixed distances from xt (set from these in quantizeRows; qxSearch addresses the three from one pointer). */
// @ts-ignore: decorator
@inline const W_AT: usize = 1024;
// @ts-ignore: decorator
@inline const WX_AT: usize = 2048;
/** A candidate's codes and the best codes so far, transposed like xt (integer-valued f32 lanes, NaN as 0). */
let la: usize = 0;
let lb: usize = 0;
/** Per sub-block: the search's scale and min (Q4_K: the_min = -min). */
let subScale: usize = 0;
let subMin: usize = 0;
/** The block's per sub-block A and B (the caller's arrays get the sub-blocks inside the row). */
let blockA: usize = 0;
let blockB: usize = 0;
/** Per group search state (see S_MIN ...), and a candidate's fitted scale and min for two groups. */
let state: usize = 0;
let fit: usize = 0;
/** A Q4_K candidate's sums for two groups (`qkx2Codes`). */
let sums: usize = 0;
/**
 * Per Q4_K group, the iscale and min that gave its best codes so far (two vectors): the codes are computed again
 * from them once the search is over, instead of copied on every candidate taken.
 */
let bestCodes: usize = 0;
/**
 * The loops' vector constants, read from memory once per sub-block group: as `v128.const` (what the optimizer
 * makes of a splat of a constant) V8 rebuilds them on every iteration of the loop.
 */
let consts: usize = 0;
// @ts-ignore: decorator
@inline const C_MAGIC: usize = 0;
// @ts-ignore: decorator
@inline const C_15: usize = 16;
// @ts-ignore: decorator
@inline const C_MINUS_32: usize = 32;
// @ts-ignore: decorator
@inline const C_31: usize = 48;
// @ts-ignore: decorator
@inline const C_32: usize = 64;

/** Bytes of scratch `quantizeRows` needs. */
export function scratchBytes(): i32 {
  return 1024 + 1024 + 5 * 1024 + 4 * 64 + 5 * 16 + 4 * 128 + 64 + 96 + 64;
}

/** ggmlCommon.ts `nearestInt`: the low mantissa bits of fround(v + 1.5 * 2^23) (exact RNE for |v| <= 2^22). */
// @ts-ignore: decorator
@inline function nearestInt(v: f32): i32 {
  return (reinterpret<i32>(v + MAGIC) & 0x7fffff) - 0x400000;
}

/** ggmlK.ts's float rounding `fround(fround(v + 1.5 * 2^23) - 1.5 * 2^23)`, four lanes (+0 for 0, never -0). */
// @ts-ignore: decorator
@inline function magicRound(v: v128, magic: v128): v128 {
  return f32x4.sub(f32x4.add(v, magic), magic);
}

/**
 * `q < lo ? lo : q > hi ? hi : q`, exactly: `pmax(q, lo)` is `q < lo ? lo : q` and `pmin(r, hi)` is
 * `hi < r ? hi : r`, so NaN goes through as in the ternaries (and each is one instruction on x86 and Arm).
 */
// @ts-ignore: decorator
@inline function clamp(q: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(q, lo), hi);
}

/** An integer-valued float code as an Int32Array stores it and reads it back: NaN becomes +0. */
// @ts-ignore: decorator
@inline function nanToZero(q: v128): v128 {
  return v128.and(q, f32x4.eq(q, q));
}

/**
 * A code rounded from v, made 0 where v is ±Inf or NaN, as ggml's `nearest_int` gives (the low mantissa bits of
 * ±Inf / NaN + 1.5 * 2^23, then the clamp): when max - min is below 15 / FLT_MAX, iscale is +Inf.
 */
// @ts-ignore: decorator
@inline function zeroWhereNotFinite(q: v128, v: v128): v128 {
  return v128.and(q, f32x4.eq(f32x4.sub(v, v), f32x4.splat(0)));
}

/**
 * ggmlCommon.ts `roundToFp16`: x to the nearest FP16 value (ties to even, overflow to Inf, subnormals kept),
 * as float32. Exported for the test that compares it with the JS function.
 */
export function roundToFp16(x: f32): f32 {
  if (isNaN<f32>(x)) return x;
  const a = abs<f32>(x);
  let r: f32;
  if (a >= 65520) r = Infinity;
  else if (a < 6.103515625e-5) {
    // FP16 subnormals: multiples of 2^-24 (both scalings exact)
    r = nearest<f32>(a * 16777216) * 5.9604644775390625e-8;
  } else {
    // 11 significant bits: the quantum is 2^(e - 10) for a in [2^e, 2^(e + 1))
    const quantum = reinterpret<f32>(((reinterpret<i32>(a) >>> 23) - 10) << 23);
    r = nearest<f32>(a / quantum) * quantum;
  }
  return copysign<f32>(r, x);
}

/**
 * Per sub-block group state between a search's setup and its candidate loop (8 vectors per group): min, max,
 * Σw, Σwx, the lanes that are done ("flat" / "small"), scale, best error, and (Q6_K) the iscale of the best codes.
 */
// @ts-ignore: decorator
@inline const S_MIN: usize = 0;
// @ts-ignore: decorator
@inline const S_MAX: usize = 16;
// @ts-ignore: decorator
@inline const S_SUMW: usize = 32;
// @ts-ignore: decorator
@inline const S_SUMX: usize = 48;
// @ts-ignore: decorator
@inline const S_DONE: usize = 64;
// @ts-ignore: decorator
@inline const S_SCALE: usize = 80;
// @ts-ignore: decorator
@inline const S_BEST: usize = 96;
/** Q6_K: the iscale that gave the best codes so far (they are computed again from it when the search is over). */
// @ts-ignore: decorator
@inline const S_CODES_ISCALE: usize = 112;

/**
 * `make_qkx2_quants(32, 15, x, weights, L, &the_min, Laux, -1, 0.1, 20, false)` (ggmlK.ts `makeQkx2Quants`),
 * first part, for the four sub-blocks of group g: min, max, Σw, Σwx, and the first candidate (its iscale and min
 * in bestCodes) and error.
 */
function qkx2Setup(g: usize): void {
  const X = xt + (g << 9);
  const W = wt + (g << 9);
  const S = state + (g << 7);
  const zero = f32x4.splat(0);
  const magic = v128.load(consts + C_MAGIC);
  const top = v128.load(consts + C_15);
  const x0 = v128.load(X);
  const w0 = v128.load(W);
  let mn = x0;
  let mx = x0;
  let sumW = w0;
  let sumX = f32x4.mul(w0, x0);
  for (let i: usize = 1; i < 32; i++) {
    const xi = v128.load(X + (i << 4));
    const wi = v128.load(W + (i << 4));
    mn = v128.bitselect(xi, mn, f32x4.lt(xi, mn));
    mx = v128.bitselect(xi, mx, f32x4.gt(xi, mx));
    sumW = f32x4.add(sumW, wi);
    sumX = f32x4.add(sumX, f32x4.mul(wi, xi));
  }
  mn = v128.bitselect(zero, mn, f32x4.gt(mn, zero));
  // max == min: codes 0, scale 0, the_min = -min; the lane's other results are discarded
  const flat = f32x4.eq(mx, mn);
  const iscale = f32x4.div(f32x4.splat(15), f32x4.sub(mx, mn));
  const scale = f32x4.div(f32x4.splat(1), iscale);
  let best = zero;
  for (let i: usize = 0; i < 32; i++) {
    const xi = v128.load(X + (i << 4));
    const wi = v128.load(W + (i << 4));
    // the code enters the error (the stored codes come from qkx2BestCodes); +Inf iscale: 0 (nearest_int)
    const v = f32x4.mul(iscale, f32x4.sub(xi, mn));
    const q = zeroWhereNotFinite(clamp(magicRound(v, magic), zero, top), v);
    let diff = f32x4.sub(f32x4.add(f32x4.mul(scale, q), mn), xi);
    diff = f32x4.mul(diff, diff);
    best = f32x4.add(best, f32x4.mul(wi, diff));
  }
  v128.store(S + S_MIN, mn);
  v128.store(S + S_MAX, mx);
  v128.store(S + S_SUMW, sumW);
  v128.store(S + S_SUMX, sumX);
  v128.store(S + S_DONE, flat);
  v128.store(S + S_SCALE, scale);
  v128.store(S + S_BEST, best);
  v128.store(bestCodes + (g << 5), iscale);
  v128.store(bestCodes + (g << 5) + 16, mn);
}

/**
 * The candidate's (scale, min) from its sums (`D > 0` checked by the caller), stored at T (scale) and T + 16
 * (min): the least-squares fit, or min 0 and Σwxl / Σwl² when the fitted min is positive.
 */
// @ts-ignore: decorator
@inline function qkx2Fit(sumW: v128, sumX: v128, sumL: v128, sumL2: v128, sumXL: v128, D: v128, T: usize): void {
  const zero = f32x4.splat(0);
  const thisScale = f32x4.div(f32x4.sub(f32x4.mul(sumW, sumXL), f32x4.mul(sumX, sumL)), D);
  const thisMin = f32x4.div(f32x4.sub(f32x4.mul(sumL2, sumX), f32x4.mul(sumL, sumXL)), D);
  const positive = f32x4.gt(thisMin, zero);
  v128.store(T, v128.bitselect(f32x4.div(sumXL, sumL2), thisScale, positive));
  v128.store(T + 16, v128.bitselect(zero, thisMin, positive));
}

/**
 * Takes the candidate in the lanes of `take`: the iscale and min its codes came from (BEST: see bestCodes), best
 * error, scale and (if it differs) min.
 */
// @ts-ignore: decorator
@inline function qkx2Take(take: v128, cur: v128, iscale: v128, T: usize, BEST: usize, S: usize): void {
  const thisMin = v128.load(T + 16);
  const mn = v128.load(S + S_MIN);
  v128.store(BEST, v128.bitselect(iscale, v128.load(BEST), take));
  v128.store(BEST + 16, v128.bitselect(mn, v128.load(BEST + 16), take));
  v128.store(S + S_BEST, v128.bitselect(cur, v128.load(S + S_BEST), take));
  v128.store(S + S_SCALE, v128.bitselect(v128.load(T), v128.load(S + S_SCALE), take));
  v128.store(S + S_MIN, v128.bitselect(thisMin, mn, v128.and(take, f32x4.ne(thisMin, mn))));
}

/**
 * `make_qkx2_quants`'s candidate codes for one group of a Q4_K super-block: clamp(nearest(iscale * (x - min)), 0,
 * 15) into LA, and the sums Σwl, Σwl², Σwlx at SUMS, + 16, + 32. `mask`: make the codes of a non-finite
 * iscale * (x - min) 0, as `nearest_int` does. `qkx2CodesFor` leaves the mask out when no lane that is not done
 * can have one: x is finite
 * and min is finite and <= 0 (a taken fitted min that is NaN or -Inf would have made the error NaN or Inf), so
 * -FLT_MAX <= x <= x - min <= max - min; with iscale = c / (max - min) neither 0 nor ±Inf, max - min is finite,
 * so is x - min, and |iscale * (x - min)| <= c <= 16. A done lane's codes are never taken and its results are
 * discarded.
 */
// @ts-ignore: decorator
@inline function qkx2Codes(mask: bool, iscale: v128, mn: v128, X: usize, W: usize, LA: usize, SUMS: usize): void {
  const zero = f32x4.splat(0);
  const top = v128.load(consts + C_15);
  let sumL = zero;
  let sumL2 = zero;
  let sumXL = zero;
  for (let i: usize = 0; i < 32; i++) {
    const o = i << 4;
    const x = v128.load(X + o);
    // `f32x4.nearest` (one instruction) rounds half to even as the magic number does, for every value that stays
    // below 15 after the clamp; it gives -0 for values in [-0.5, -0] (a taken min above some x), which the clamp
    // keeps: -0 adds nothing to the sums and the error (+0 + -0 is +0, -0 * x and s * -0 + m change no sum), and
    // the stored codes are computed again with the magic number (qkx2BestCodes)
    const v = f32x4.mul(iscale, f32x4.sub(x, mn));
    let l = clamp(f32x4.nearest(v), zero, top);
    if (mask) l = zeroWhereNotFinite(l, v);
    v128.store(LA + o, l);
    const wl = f32x4.mul(v128.load(W + o), l);
    sumL = f32x4.add(sumL, wl);
    sumL2 = f32x4.add(sumL2, f32x4.mul(wl, l));
    sumXL = f32x4.add(sumXL, f32x4.mul(wl, x));
  }
  v128.store(SUMS, sumL);
  v128.store(SUMS + 16, sumL2);
  v128.store(SUMS + 32, sumXL);
}

/** `qkx2Codes` for group state S with iscale = c / (max - min), NaN-masked only where a NaN can occur. */
// @ts-ignore: decorator
@inline function qkx2CodesFor(iscale: v128, S: usize, X: usize, W: usize, LA: usize, SUMS: usize): void {
  const zero = f32x4.splat(0);
  const mn = v128.load(S + S_MIN);
  const finite = v128.and(f32x4.ne(iscale, zero), f32x4.eq(f32x4.sub(iscale, iscale), zero));
  if (i32x4.all_true(v128.or(finite, v128.load(S + S_DONE)))) qkx2Codes(false, iscale, mn, X, W, LA, SUMS);
  else qkx2Codes(true, iscale, mn, X, W, LA, SUMS);
}

/**
 * Group g's best codes into lb, from the iscale and min that gave them (the same operations as when they were
 * found, so the same codes): clamp(round(iscale * (x - min)), 0, 15), 0 where iscale * (x - min) is ±Inf or NaN
 * (as `nearest_int` and the masked candidate codes), 0 in `flat` lanes.
 */
function qkx2BestCodes(g: usize, flat: v128): void {
  const X = xt + (g << 9);
  const LB = lb + (g << 9);
  const zero = f32x4.splat(0);
  const magic = v128.load(consts + C_MAGIC);
  const top = v128.load(consts + C_15);
  const iscale = v128.load(bestCodes + (g << 5));
  const mn = v128.load(bestCodes + (g << 5) + 16);
  for (let i: usize = 0; i < 32; i++) {
    const v = f32x4.mul(iscale, f32x4.sub(v128.load(X + (i << 4)), mn));
    const q = clamp(magicRound(v, magic), zero, top);
    v128.store(LB + (i << 4), v128.andnot(zeroWhereNotFinite(q, v), flat));
  }
}

/**
 * `make_qkx2_quants`'s candidate loop (rmin + rdelta * is for is = 0 .. 20) for both groups of a Q4_K
 * super-block. The codes and sums are one group at a time (three chains of dependent adds per group are enough,
 * and fewer live vectors spill less); the error pass is both groups interleaved (one chain each). Every
 * candidate is evaluated: ggmlK.ts skips one whose codes repeat the previous one's (it cannot win), but with
 * four sub-blocks per vector that almost never holds for all four lanes (4 of 81,920 candidate pairs at
 * 1024 x 1024), so tracking it costs more than it saves. Results: codes in lb, scale and the_min in subScale /
 * subMin.
 */
function qkx2Search(): void {
  const XA = xt;
  const XB = xt + 512;
  const WA = wt;
  const WB = wt + 512;
  const LAA = la;
  const LAB = la + 512;
  const SA = state;
  const SB = state + 128;
  const TA = fit;
  const TB = fit + 32;
  const zero = f32x4.splat(0);
  for (let is: i32 = 0; is <= 20; is++) {
    // min may have been replaced by a better candidate's (the reference re-reads it)
    const c: f32 = (<f32>-1 + ONE_TENTH * <f32>is) + <f32>15;
    const iscaleA = f32x4.div(f32x4.splat(c), f32x4.sub(v128.load(SA + S_MAX), v128.load(SA + S_MIN)));
    const iscaleB = f32x4.div(f32x4.splat(c), f32x4.sub(v128.load(SB + S_MAX), v128.load(SB + S_MIN)));
    qkx2CodesFor(iscaleA, SA, XA, WA, LAA, sums);
    qkx2CodesFor(iscaleB, SB, XB, WB, LAB, sums + 48);
    const sumLA = v128.load(sums);
    const sumL2A = v128.load(sums + 16);
    const sumXLA = v128.load(sums + 32);
    const sumLB = v128.load(sums + 48);
    const sumL2B = v128.load(sums + 64);
    const sumXLB = v128.load(sums + 80);
    const sumWA = v128.load(SA + S_SUMW);
    const sumWB = v128.load(SB + S_SUMW);
    const DA = f32x4.sub(f32x4.mul(sumWA, sumL2A), f32x4.mul(sumLA, sumLA));
    const DB = f32x4.sub(f32x4.mul(sumWB, sumL2B), f32x4.mul(sumLB, sumLB));
    qkx2Fit(sumWA, v128.load(SA + S_SUMX), sumLA, sumL2A, sumXLA, DA, TA);
    qkx2Fit(sumWB, v128.load(SB + S_SUMX), sumLB, sumL2B, sumXLB, DB, TB);
    const scaleA = v128.load(TA);
    const minA = v128.load(TA + 16);
    const scaleB = v128.load(TB);
    const minB = v128.load(TB + 16);
    let curA = zero;
    let curB = zero;
    for (let i: usize = 0; i < 32; i++) {
      const o = i << 4;
      let da = f32x4.sub(f32x4.add(f32x4.mul(scaleA, v128.load(LAA + o)), minA), v128.load(XA + o));
      let db = f32x4.sub(f32x4.add(f32x4.mul(scaleB, v128.load(LAB + o)), minB), v128.load(XB + o));
      da = f32x4.mul(da, da);
      db = f32x4.mul(db, db);
      curA = f32x4.add(curA, f32x4.mul(v128.load(WA + o), da));
      curB = f32x4.add(curB, f32x4.mul(v128.load(WB + o), db));
    }
    const takeA = v128.andnot(
      v128.and(f32x4.gt(DA, zero), f32x4.lt(curA, v128.load(SA + S_BEST))),
      v128.load(SA + S_DONE),
    );
    const takeB = v128.andnot(
      v128.and(f32x4.gt(DB, zero), f32x4.lt(curB, v128.load(SB + S_BEST))),
      v128.load(SB + S_DONE),
    );
    if (v128.any_true(takeA)) qkx2Take(takeA, curA, iscaleA, TA, bestCodes, SA);
    if (v128.any_true(takeB)) qkx2Take(takeB, curB, iscaleB, TB, bestCodes + 32, SB);
  }
  for (let g: usize = 0; g < 2; g++) {
    const S = state + (g << 7);
    qkx2BestCodes(g, v128.load(S + S_DONE));
    v128.store(subScale + (g << 4), v128.andnot(v128.load(S + S_SCALE), v128.load(S + S_DONE)));
    v128.store(subMin + (g << 4), f32x4.neg(v128.load(S + S_MIN)));
  }
}

/**
 * `make_qx_quants(16, 32, x, L, rmse_type = 1, NULL)` (ggmlK.ts `makeQxQuants`), first part, for the four
 * sub-blocks of group g: the signed largest value, the weights x² and x³, and the first candidate (its iscale,
 * whose codes qxBestCodes writes unless a later one is taken), scale and best.
 */
function qxSetup(g: usize): void {
  const X = xt + (g << 8);
  const W = wt + (g << 8);
  const WX = wxt + (g << 8);
  const S = state + (g << 7);
  const zero = f32x4.splat(0);
  const magic = v128.load(consts + C_MAGIC);
  const bottom = v128.load(consts + C_MINUS_32);
  const top = v128.load(consts + C_31);
  let amax = zero;
  let mx = zero;
  for (let i: usize = 0; i < 16; i++) {
    const xi = v128.load(X + (i << 4));
    const ax = f32x4.abs(xi);
    const larger = f32x4.gt(ax, amax);
    amax = v128.bitselect(ax, amax, larger);
    mx = v128.bitselect(xi, mx, larger);
    const w = f32x4.mul(xi, xi);
    v128.store(W + (i << 4), w);
    v128.store(WX + (i << 4), f32x4.mul(w, xi));
  }
  // amax < GROUP_MAX_EPS: codes 0 and scale 0; the lane's other results are discarded
  const small = f32x4.lt(amax, f32x4.splat(GROUP_MAX_EPS));
  const iscale = f32x4.div(f32x4.splat(-32), mx);
  let sumlx = zero;
  let suml2 = zero;
  for (let i: usize = 0; i < 16; i++) {
    const xi = v128.load(X + (i << 4));
    const w = v128.load(W + (i << 4));
    const wx = v128.load(WX + (i << 4));
    // the float code enters the sums; the stored l + 32 makes NaN 0
    const l = clamp(magicRound(f32x4.mul(iscale, xi), magic), bottom, top);
    sumlx = f32x4.add(sumlx, f32x4.mul(wx, l));
    suml2 = f32x4.add(suml2, f32x4.mul(f32x4.mul(w, l), l));
  }
  // `suml2 ? sumlx / suml2 : 0`: 0 and NaN are falsy
  const truthy = v128.and(f32x4.ne(suml2, zero), f32x4.eq(suml2, suml2));
  const scale = v128.and(f32x4.div(sumlx, suml2), truthy);
  v128.store(S + S_MAX, mx);
  v128.store(S + S_DONE, small);
  v128.store(S + S_SCALE, scale);
  v128.store(S + S_BEST, f32x4.mul(scale, sumlx));
  v128.store(S + S_CODES_ISCALE, iscale);
}

/** Takes the candidate in the lanes of `take`: the iscale its codes come from, scale and best. */
// @ts-ignore: decorator
@inline function qxTake(take: v128, sumlx: v128, suml2: v128, iscale: v128, S: usize): void {
  v128.store(S + S_CODES_ISCALE, v128.bitselect(iscale, v128.load(S + S_CODES_ISCALE), take));
  const newScale = f32x4.div(sumlx, suml2);
  v128.store(S + S_SCALE, v128.bitselect(newScale, v128.load(S + S_SCALE), take));
  v128.store(S + S_BEST, v128.bitselect(f32x4.mul(newScale, sumlx), v128.load(S + S_BEST), take));
}

/**
 * Group g's best codes (l + 32) into lb, from the iscale that gave them (the same operations as when they were
 * found, so the same codes): clamp(round(iscale * x), -32, 31) + 32, NaN as 0 (the Int32Array store), 0 in `small`
 * lanes (the reference's codes there are all 0).
 */
function qxBestCodes(g: usize, small: v128): void {
  const X = xt + (g << 8);
  const LB = lb + (g << 8);
  const magic = v128.load(consts + C_MAGIC);
  const bottom = v128.load(consts + C_MINUS_32);
  const top = v128.load(consts + C_31);
  const nmax = v128.load(consts + C_32);
  const iscale = v128.load(state + (g << 7) + S_CODES_ISCALE);
  for (let i: usize = 0; i < 16; i++) {
    const l = clamp(magicRound(f32x4.mul(iscale, v128.load(X + (i << 4))), magic), bottom, top);
    v128.store(LB + (i << 4), v128.andnot(nanToZero(f32x4.add(l, nmax)), small));
  }
}

/**
 * `make_qx_quants`'s candidate loop (is = -9 .. 9, not 0) for groups gA and gB of a Q6_K super-block,
 * interleaved (two groups' chains of dependent adds side by side). Results: codes (l + 32) in lb, the signed
 * scale in subScale.
 * A candidate's codes are not stored: a taken one's iscale is, and the best codes are computed once at the end
 * (qxBestCodes). They are not NaN-masked either: a lane that is not "small" has |max| >= GROUP_MAX_EPS, so a finite iscale, and |iscale * x| <= 32.9
 * (x is finite, |x| <= |max|); a "small" lane's codes and scale are discarded at the end.
 */
/**
 * A candidate's code clamp(round(iscale * x), -32, 31). `f32x4.nearest` (one instruction) rounds half to even
 * as the magic-number rounding does, but gives -0 for values in [-0.5, -0]: these codes only enter sums that
 * start at +0 (w * -0 and -0 * -0 add nothing there), and a taken candidate's stored codes are computed again
 * with the magic number (qxTake), so no -0 reaches the output.
 */
// @ts-ignore: decorator
@inline function qxCode(x: v128, iscale: v128, bottom: v128, top: v128): v128 {
  return clamp(f32x4.nearest(f32x4.mul(iscale, x)), bottom, top);
}

function qxSearch(gA: usize, gB: usize): void {
  const XA = xt + (gA << 8);
  const XB = xt + (gB << 8);
  const WA = wt + (gA << 8);
  const WB = wt + (gB << 8);
  const WXA = wxt + (gA << 8);
  const WXB = wxt + (gB << 8);
  const SA = state + (gA << 7);
  const SB = state + (gB << 7);
  const zero = f32x4.splat(0);
  const magic = v128.load(consts + C_MAGIC);
  const bottom = v128.load(consts + C_MINUS_32);
  const top = v128.load(consts + C_31);
  const mxA = v128.load(SA + S_MAX);
  const mxB = v128.load(SB + S_MAX);
  for (let is: i32 = -9; is <= 9; is++) {
    if (is == 0) continue;
    const c = f32x4.splat(-(<f32>32 + ONE_TENTH * <f32>is));
    const iscaleA = f32x4.div(c, mxA);
    const iscaleB = f32x4.div(c, mxB);
    let sumlxA = zero;
    let suml2A = zero;
    let sumlxB = zero;
    let suml2B = zero;
    // Group B's arrays are 256 bytes after group A's, and wt / wxt 1024 / 2048 bytes after xt: one pointer and
    // immediate offsets, two elements of each group per iteration (each sum still adds its elements in order).
    for (let p = XA; p < XA + 256; p += 32) {
      const la0 = qxCode(v128.load(p), iscaleA, bottom, top);
      const lb0 = qxCode(v128.load(p, 256), iscaleB, bottom, top);
      sumlxA = f32x4.add(sumlxA, f32x4.mul(v128.load(p, WX_AT), la0));
      sumlxB = f32x4.add(sumlxB, f32x4.mul(v128.load(p, WX_AT + 256), lb0));
      suml2A = f32x4.add(suml2A, f32x4.mul(f32x4.mul(v128.load(p, W_AT), la0), la0));
      suml2B = f32x4.add(suml2B, f32x4.mul(f32x4.mul(v128.load(p, W_AT + 256), lb0), lb0));
      const la1 = qxCode(v128.load(p, 16), iscaleA, bottom, top);
      const lb1 = qxCode(v128.load(p, 272), iscaleB, bottom, top);
      sumlxA = f32x4.add(sumlxA, f32x4.mul(v128.load(p, WX_AT + 16), la1));
      sumlxB = f32x4.add(sumlxB, f32x4.mul(v128.load(p, WX_AT + 272), lb1));
      suml2A = f32x4.add(suml2A, f32x4.mul(f32x4.mul(v128.load(p, W_AT + 16), la1), la1));
      suml2B = f32x4.add(suml2B, f32x4.mul(f32x4.mul(v128.load(p, W_AT + 272), lb1), lb1));
    }
    const takeA = v128.and(
      f32x4.gt(suml2A, zero),
      f32x4.gt(f32x4.mul(sumlxA, sumlxA), f32x4.mul(v128.load(SA + S_BEST), suml2A)),
    );
    const takeB = v128.and(
      f32x4.gt(suml2B, zero),
      f32x4.gt(f32x4.mul(sumlxB, sumlxB), f32x4.mul(v128.load(SB + S_BEST), suml2B)),
    );
    if (v128.any_true(takeA)) qxTake(takeA, sumlxA, suml2A, iscaleA, SA);
    if (v128.any_true(takeB)) qxTake(takeB, sumlxB, suml2B, iscaleB, SB);
  }
  for (let k: i32 = 0; k < 2; k++) {
    const g = k == 0 ? gA : gB;
    const S = state + (g << 7);
    const small = v128.load(S + S_DONE);
    qxBestCodes(g, small);
    v128.store(subScale + (g << 4), v128.andnot(v128.load(S + S_SCALE), small));
  }
}

/**
 * A 4 x 4 transpose of 32-bit lanes: reads four vectors at src, src + srcStride, ..., writes vector j (lane k =
 * lane j of input k) at dst + j * dstStride. Non-finite values become +0 when `sanitize` (a NaN or Inf input
 * counts as 0 in its block).
 */
// @ts-ignore: decorator
@inline function transpose4(src: usize, srcStride: usize, dst: usize, dstStride: usize, sanitize: bool): void {
  let r0 = v128.load(src);
  let r1 = v128.load(src + srcStride);
  let r2 = v128.load(src + 2 * srcStride);
  let r3 = v128.load(src + 3 * srcStride);
  if (sanitize) {
    const zero = f32x4.splat(0);
    r0 = v128.and(r0, f32x4.eq(f32x4.sub(r0, r0), zero));
    r1 = v128.and(r1, f32x4.eq(f32x4.sub(r1, r1), zero));
    r2 = v128.and(r2, f32x4.eq(f32x4.sub(r2, r2), zero));
    r3 = v128.and(r3, f32x4.eq(f32x4.sub(r3, r3), zero));
  }
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStride, v128.shuffle<i32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, v128.shuffle<i32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, v128.shuffle<i32>(t2, t3, 2, 3, 6, 7));
}

/**
 * The block (256 values at src, n per sub-block) into xt, non-finite values as 0: lane k of vector i of group g
 * is element i of sub-block 4g + k.
 */
function transposeIn(src: usize, n: usize): void {
  for (let g: usize = 0; g < 256 / (4 * n); g++) {
    for (let i: usize = 0; i < n; i += 4) {
      transpose4(src + ((4 * g * n + i) << 2), n << 2, xt + ((g * n + i) << 4), 16, true);
    }
  }
}

/** lb (transposed like xt) back to element order in codesF. */
function transposeOut(n: usize): void {
  for (let g: usize = 0; g < 256 / (4 * n); g++) {
    for (let i: usize = 0; i < n; i += 4) {
      transpose4(lb + ((g * n + i) << 4), 16, codesF + ((4 * g * n + i) << 2), n << 2, false);
    }
  }
}

/** `nearestInt` of four lanes (i32 results). */
// @ts-ignore: decorator
@inline function nearestInt4(v: v128, magic: v128): v128 {
  return i32x4.sub(v128.and(f32x4.add(v, magic), i32x4.splat(0x7fffff)), i32x4.splat(0x400000));
}

/** `!dj` is false: dj is neither ±0 nor NaN (those sub-blocks keep the search's codes). */
// @ts-ignore: decorator
@inline function truthy(dj: v128): v128 {
  return v128.and(f32x4.ne(dj, f32x4.splat(0)), f32x4.eq(dj, dj));
}

/** ggmlK.ts `quantizeQ4KBlock` on xt: codes into lb, per sub-block A into blockA, B into blockB. */
function q4kBlock(): void {
  for (let g: usize = 0; g < 2; g++) {
    // weights av_x + |x|, av_x = sqrt(Σx² / 32) summed in order
    const X = xt + (g << 9);
    let sumX2 = f32x4.splat(0);
    for (let i: usize = 0; i < 32; i++) {
      const xi = v128.load(X + (i << 4));
      sumX2 = f32x4.add(sumX2, f32x4.mul(xi, xi));
    }
    const avX = f32x4.sqrt(f32x4.div(sumX2, f32x4.splat(32)));
    for (let i: usize = 0; i < 32; i++) {
      v128.store(wt + (g << 9) + (i << 4), f32x4.add(avX, f32x4.abs(v128.load(X + (i << 4)))));
    }
    qkx2Setup(g);
  }
  qkx2Search();
  let maxScale: f32 = 0;
  let maxMin: f32 = 0;
  for (let j: usize = 0; j < 8; j++) {
    const s = load<f32>(subScale + (j << 2));
    const m = load<f32>(subMin + (j << 2));
    if (s > maxScale) maxScale = s;
    if (m > maxMin) maxMin = m;
  }
  const invScale: f32 = maxScale > 0 ? <f32>63 / maxScale : 0;
  const invMin: f32 = maxMin > 0 ? <f32>63 / maxMin : 0;
  const d = roundToFp16(maxScale / <f32>63);
  const dmin = roundToFp16(maxMin / <f32>63);
  for (let j: usize = 0; j < 8; j++) {
    // `uint8_t ls = nearest_int(...)`: narrowed to uint8 before MIN(63, ls)
    const ls = min<i32>(63, nearestInt(invScale * load<f32>(subScale + (j << 2))) & 0xff);
    const lm = min<i32>(63, nearestInt(invMin * load<f32>(subMin + (j << 2))) & 0xff);
    store<f32>(blockA + (j << 2), d * <f32>ls);
    store<f32>(blockB + (j << 2), -(dmin * <f32>lm));
  }
  // the codes again against the quantized scale and min: clamp(nearest_int((x + mj) / dj), 0, 15), four
  // sub-blocks at a time (element by element: no sums)
  const magic = v128.load(consts + C_MAGIC);
  for (let g: usize = 0; g < 2; g++) {
    const dj = v128.load(blockA + (g << 4));
    const mj = f32x4.neg(v128.load(blockB + (g << 4)));
    const keep = truthy(dj);
    if (!v128.any_true(keep)) continue;
    for (let i: usize = 0; i < 32; i++) {
      const at = (g << 9) + (i << 4);
      const l = nearestInt4(f32x4.div(f32x4.add(v128.load(xt + at), mj), dj), magic);
      const q = f32x4.convert_i32x4_s(i32x4.max_s(i32x4.splat(0), i32x4.min_s(i32x4.splat(15), l)));
      v128.store(lb + at, v128.bitselect(q, v128.load(lb + at), keep));
    }
  }
}

/** ggmlK.ts `quantizeQ6KBlock` on xt: stored codes (l + 32) into lb, per sub-block A into blockA (B = 0). */
function q6kBlock(): void {
  for (let g: usize = 0; g < 4; g++) qxSetup(g);
  qxSearch(0, 1);
  qxSearch(2, 3);
  let maxScale: f32 = 0;
  let maxAbsScale: f32 = 0;
  for (let j: usize = 0; j < 16; j++) {
    const s = load<f32>(subScale + (j << 2));
    if (abs<f32>(s) > maxAbsScale) {
      maxAbsScale = abs<f32>(s);
      maxScale = s;
    }
  }
  memory.fill(blockB, 0, 64);
  if (maxAbsScale < GROUP_MAX_EPS) {
    // memset(&y[i], 0, ...): d = 0, scales 0, every stored code 0
    memory.fill(lb, 0, 1024);
    memory.fill(blockA, 0, 64);
    return;
  }
  const iscale = <f32>-128 / maxScale;
  const d = roundToFp16(<f32>1 / iscale);
  for (let j: usize = 0; j < 16; j++) {
    // int8_t scales[j] = MIN(127, nearest_int(...)): narrowed to int8
    const sc = <i32>(<i8>min<i32>(127, nearestInt(iscale * load<f32>(subScale + (j << 2)))));
    store<f32>(blockA + (j << 2), d * <f32>sc);
  }
  // the codes again: clamp(nearest_int(x / dj), -32, 31) + 32, four sub-blocks at a time
  const magic = v128.load(consts + C_MAGIC);
  for (let g: usize = 0; g < 4; g++) {
    const dj = v128.load(blockA + (g << 4));
    const keep = truthy(dj);
    if (!v128.any_true(keep)) continue;
    for (let i: usize = 0; i < 16; i++) {
      const at = (g << 8) + (i << 4);
      const l = nearestInt4(f32x4.div(v128.load(xt + at), dj), magic);
      const q = i32x4.add(i32x4.max_s(i32x4.splat(-32), i32x4.min_s(i32x4.splat(31), l)), i32x4.splat(32));
      v128.store(lb + at, v128.bitselect(f32x4.convert_i32x4_s(q), v128.load(lb + at), keep));
    }
  }
}

/**
 * One sub-block's output, elements [s0, end) of the block starting at value `base`: i16 codes and
 * x_hat = a * (q - z) (+ off unless off is ±0: skipping "+ 0" keeps the sign of a zero product, as
 * ggmlCommon.ts `ggmlDequant`), and for a non-finite input code -1 and NaN.
 */
// @ts-ignore: decorator
@inline function writeSub(
  x: usize,
  codes: usize,
  deq: usize,
  base: usize,
  s0: usize,
  end: usize,
  a: f32,
  z: f32,
  off: f32,
): void {
  let k = s0;
  const a4 = f32x4.splat(a);
  const z4 = f32x4.splat(z);
  const off4 = f32x4.splat(off);
  const addOff = off != 0;
  const zero = f32x4.splat(0);
  for (; k + 4 <= end; k += 4) {
    const at = base + k;
    const v = v128.load(x + (at << 2));
    const finite = f32x4.eq(f32x4.sub(v, v), zero);
    const q = v128.load(codesF + (k << 2));
    let y = f32x4.mul(a4, f32x4.sub(q, z4));
    if (addOff) y = f32x4.add(y, off4);
    v128.store(deq + (at << 2), v128.bitselect(y, f32x4.splat(NaN), finite));
    const c = v128.bitselect(i32x4.trunc_sat_f32x4_s(q), i32x4.splat(-1), finite);
    store<i64>(codes + (at << 1), i64x2.extract_lane(i16x8.narrow_i32x4_s(c, c), 0));
  }
  for (; k < end; k++) {
    const at = base + k;
    const v = load<f32>(x + (at << 2));
    if (v - v != 0) {
      store<i16>(codes + (at << 1), -1);
      store<f32>(deq + (at << 2), NaN);
    } else {
      const q = load<f32>(codesF + (k << 2));
      store<i16>(codes + (at << 1), <i16>(<i32>q));
      const y = a * (q - z);
      store<f32>(deq + (at << 2), addOff ? y + off : y);
    }
  }
}

/**
 * ggmlCommon.ts `quantizeGgmlRows` for Q4_K (type 0) or Q6_K (type 1) over `rows` rows of `cols` f32 values at
 * x: super-blocks of 256 along each row (a short last one zero-padded; a non-finite value counts as 0 in its
 * block), i16 codes and f32 x_hat = A * (q - Z) (+ B unless B is ±0) at codes / deq (a non-finite input: code
 * -1, NaN), and per sub-block (groups of the row: ceil(cols / 32) or ceil(cols / 16), row after row) A and B at
 * outA / outB. Z is 0 for Q4_K and 32 for Q6_K. `scratch`: `scratchBytes()` bytes, 16-aligned.
 */
export function quantizeRows(
  type: i32,
  x: usize,
  rows: i32,
  cols: i32,
  codes: usize,
  deq: usize,
  outA: usize,
  outB: usize,
  scratch: usize,
): void {
  blk = scratch;
  codesF = scratch + 1024;
  xt = scratch + 2048;
  wt = xt + W_AT;
  wxt = xt + WX_AT;
  la = wxt + 1024;
  lb = la + 1024;
  subScale = lb + 1024;
  subMin = subScale + 64;
  blockA = subMin + 64;
  blockB = blockA + 64;
  consts = blockB + 64;
  state = consts + 5 * 16;
  fit = state + 4 * 128;
  sums = fit + 64;
  bestCodes = sums + 96;
  v128.store(consts + C_MAGIC, f32x4.splat(MAGIC));
  v128.store(consts + C_15, f32x4.splat(15));
  v128.store(consts + C_MINUS_32, f32x4.splat(-32));
  v128.store(consts + C_31, f32x4.splat(31));
  v128.store(consts + C_32, f32x4.splat(32));
  const sub: usize = type == 0 ? 32 : 16;
  const nsub: usize = 256 / sub;
  const zeroPoint: f32 = type == 0 ? 0 : 32;
  const blocks = (cols + 255) >> 8;
  const groupsPerRow = (<usize>cols + sub - 1) / sub;
  for (let r: i32 = 0; r < rows; r++) {
    for (let b: i32 = 0; b < blocks; b++) {
      const c0 = b << 8;
      const len = <usize>min<i32>(256, cols - c0);
      const base = <usize>(r * cols + c0);
      let src = x + (base << 2);
      if (len < 256) {
        // a short last block: zero-padded copy
        for (let k: usize = 0; k < 256; k++) store<f32>(blk + (k << 2), k < len ? load<f32>(src + (k << 2)) : 0);
        src = blk;
      }
      transposeIn(src, sub);
      if (type == 0) q4kBlock();
      else q6kBlock();
      transposeOut(sub);
      const g0 = <usize>r * groupsPerRow + <usize>b * nsub;
      for (let s: usize = 0; s < nsub; s++) {
        const s0 = s * sub;
        if (s0 >= len) break;
        const a = load<f32>(blockA + (s << 2));
        const off = load<f32>(blockB + (s << 2));
        store<f32>(outA + ((g0 + s) << 2), a);
        store<f32>(outB + ((g0 + s) << 2), off);
        writeSub(x, codes, deq, base, s0, min<usize>(len, s0 + sub), a, zeroPoint, off);
      }
    }
  }
}
