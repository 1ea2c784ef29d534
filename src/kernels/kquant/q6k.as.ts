/**
 * GGUF Q6_K (rule: src/core/formats/ggmlK.ts `quantizeQ6KBlock`, `makeQxQuants`) in the k-quant kernel: the search
 * of each sub-block's scale over four sub-blocks at a time, and a super-block's int8 scales.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import {
  C_31,
  C_32,
  C_MAGIC,
  C_MINUS_32,
  GROUP_MAX_EPS,
  ONE_TENTH,
  S_BEST,
  S_CODES_ISCALE,
  S_DONE,
  S_MAX,
  S_SCALE,
  WX_AT,
  W_AT,
  blockA,
  blockB,
  clamp,
  consts,
  lb,
  magicRound,
  nanToZero,
  nearestInt,
  nearestInt4,
  roundToFp16,
  state,
  subScale,
  sums,
  truthy,
  wt,
  wxt,
  xt,
} from './common.as';

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
 * A candidate's code clamp(round(iscale * x), -32, 31). `f32x4.nearest` (one instruction) rounds half to even
 * as the magic-number rounding does, but gives -0 for values in [-0.5, -0]: these codes only enter sums that
 * start at +0 (w * -0 and -0 * -0 add nothing there), and a taken candidate's stored codes are computed again
 * with the magic number (qxBestCodes), so no -0 reaches the output.
 */
// @ts-ignore: decorator
@inline function qxCode(x: v128, iscale: v128, bottom: v128, top: v128): v128 {
  return clamp(f32x4.nearest(f32x4.mul(iscale, x)), bottom, top);
}

/**
 * `make_qx_quants`'s candidate loop (is = -9 .. 9, not 0) for groups gA and gB of a Q6_K super-block,
 * interleaved (two groups' chains of dependent adds side by side). Results: codes (l + 32) in lb, the signed
 * scale in subScale.
 * A candidate's codes are not stored: a taken one's iscale is, and the best codes are computed once at the end
 * (qxBestCodes). They are not NaN-masked either: a lane that is not "small" has |max| >= GROUP_MAX_EPS, so a finite iscale, and |iscale * x| <= 32.9
 * (x is finite, |x| <= |max|); a "small" lane's codes and scale are discarded at the end.
 */
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

/** ggmlK.ts `quantizeQ6KBlock` on xt: stored codes (l + 32) into lb, per sub-block A into blockA (B = 0). */
export function q6kBlock(): void {
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
