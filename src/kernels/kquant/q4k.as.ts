/**
 * GGUF Q4_K (rule: src/core/formats/ggmlK.ts `quantizeQ4KBlock`, `makeQkx2Quants`) in the k-quant kernel: the
 * search of each sub-block's scale and min over four sub-blocks at a time, and a super-block's 6-bit scales.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import {
  C_15,
  C_MAGIC,
  ONE_TENTH,
  S_BEST,
  S_DONE,
  S_MAX,
  S_MIN,
  S_SCALE,
  S_SUMW,
  S_SUMX,
  bestCodes,
  blockA,
  blockB,
  clamp,
  consts,
  fit,
  la,
  lb,
  magicRound,
  nearestInt,
  nearestInt4,
  roundToFp16,
  state,
  subMin,
  subScale,
  sums,
  truthy,
  wt,
  xt,
  zeroWhereNotFinite,
} from './common.as';

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

/** ggmlK.ts `quantizeQ4KBlock` on xt: codes into lb, per sub-block A into blockA, B into blockB. */
export function q4kBlock(): void {
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
