/**
 * What the k-quant searches share (src/kernels/kquantKernel.as.ts gathers them into one module): the scratch layout,
 * the loops' constants, the rounding and clamping helpers of ggmlCommon.ts, the 4 x 4 transposes into and out of
 * the four-sub-blocks-per-vector layout, and the output of a sub-block.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

// @ts-ignore: decorator
@inline export const MAGIC: f32 = 12582912;
// @ts-ignore: decorator
@inline export const GROUP_MAX_EPS: f32 = 1e-15;
// @ts-ignore: decorator
@inline export const ONE_TENTH: f32 = 0.1;

/** Scratch (set by `quantizeRows`): a short block zero-padded, the block's codes (f32), the transposed arrays. */
export let blk: usize = 0;
export let codesF: usize = 0;
/** x, weights and weights * x transposed: vector i of group g holds element i of sub-blocks 4g .. 4g + 3. */
export let xt: usize = 0;
export let wt: usize = 0;
export let wxt: usize = 0;
/** wt and wxt at fixed distances from xt (set from these in quantizeRows; qxSearch addresses the three from one pointer). */
// @ts-ignore: decorator
@inline export const W_AT: usize = 1024;
// @ts-ignore: decorator
@inline export const WX_AT: usize = 2048;
/** A candidate's codes and the best codes so far, transposed like xt (integer-valued f32 lanes, NaN as 0). */
export let la: usize = 0;
export let lb: usize = 0;
/** Per sub-block: the search's scale and min (Q4_K: the_min = -min). */
export let subScale: usize = 0;
export let subMin: usize = 0;
/** The block's per sub-block A and B (the caller's arrays get the sub-blocks inside the row). */
export let blockA: usize = 0;
export let blockB: usize = 0;
/** Per group search state (see S_MIN ...), and a candidate's fitted scale and min for two groups. */
export let state: usize = 0;
export let fit: usize = 0;
/** A Q4_K candidate's sums for two groups (`qkx2Codes`). */
export let sums: usize = 0;
/**
 * Per Q4_K group, the iscale and min that gave its best codes so far (two vectors): the codes are computed again
 * from them once the search is over, instead of copied on every candidate taken.
 */
export let bestCodes: usize = 0;
/**
 * The loops' vector constants, read from memory once per sub-block group: as `v128.const` (what the optimizer
 * makes of a splat of a constant) V8 rebuilds them on every iteration of the loop.
 */
export let consts: usize = 0;
// @ts-ignore: decorator
@inline export const C_MAGIC: usize = 0;
// @ts-ignore: decorator
@inline export const C_15: usize = 16;
// @ts-ignore: decorator
@inline export const C_MINUS_32: usize = 32;
// @ts-ignore: decorator
@inline export const C_31: usize = 48;
// @ts-ignore: decorator
@inline export const C_32: usize = 64;

/** ggmlCommon.ts `nearestInt`: the low mantissa bits of fround(v + 1.5 * 2^23) (exact RNE for |v| <= 2^22). */
// @ts-ignore: decorator
@inline export function nearestInt(v: f32): i32 {
  return (reinterpret<i32>(v + MAGIC) & 0x7fffff) - 0x400000;
}

/** ggmlK.ts's float rounding `fround(fround(v + 1.5 * 2^23) - 1.5 * 2^23)`, four lanes (+0 for 0, never -0). */
// @ts-ignore: decorator
@inline export function magicRound(v: v128, magic: v128): v128 {
  return f32x4.sub(f32x4.add(v, magic), magic);
}

/**
 * `q < lo ? lo : q > hi ? hi : q`, exactly: `pmax(q, lo)` is `q < lo ? lo : q` and `pmin(r, hi)` is
 * `hi < r ? hi : r`, so NaN goes through as in the ternaries (and each is one instruction on x86 and Arm).
 */
// @ts-ignore: decorator
@inline export function clamp(q: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(q, lo), hi);
}

/** An integer-valued float code as an Int32Array stores it and reads it back: NaN becomes +0. */
// @ts-ignore: decorator
@inline export function nanToZero(q: v128): v128 {
  return v128.and(q, f32x4.eq(q, q));
}

/**
 * A code rounded from v, made 0 where v is ±Inf or NaN, as ggml's `nearest_int` gives (the low mantissa bits of
 * ±Inf / NaN + 1.5 * 2^23, then the clamp): when max - min is below 15 / FLT_MAX, iscale is +Inf.
 */
// @ts-ignore: decorator
@inline export function zeroWhereNotFinite(q: v128, v: v128): v128 {
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
@inline export const S_MIN: usize = 0;
// @ts-ignore: decorator
@inline export const S_MAX: usize = 16;
// @ts-ignore: decorator
@inline export const S_SUMW: usize = 32;
// @ts-ignore: decorator
@inline export const S_SUMX: usize = 48;
// @ts-ignore: decorator
@inline export const S_DONE: usize = 64;
// @ts-ignore: decorator
@inline export const S_SCALE: usize = 80;
// @ts-ignore: decorator
@inline export const S_BEST: usize = 96;
/** Q6_K: the iscale that gave the best codes so far (they are computed again from it when the search is over). */
// @ts-ignore: decorator
@inline export const S_CODES_ISCALE: usize = 112;

/**
 * A 4 x 4 transpose of 32-bit lanes: reads four vectors at src, src + srcStride, ..., writes vector j (lane k =
 * lane j of input k) at dst + j * dstStride. Non-finite values become +0 when `sanitize` (a NaN or Inf input
 * counts as 0 in its block).
 */
// @ts-ignore: decorator
@inline export function transpose4(src: usize, srcStride: usize, dst: usize, dstStride: usize, sanitize: bool): void {
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
export function transposeIn(src: usize, n: usize): void {
  for (let g: usize = 0; g < 256 / (4 * n); g++) {
    for (let i: usize = 0; i < n; i += 4) {
      transpose4(src + ((4 * g * n + i) << 2), n << 2, xt + ((g * n + i) << 4), 16, true);
    }
  }
}

/** lb (transposed like xt) back to element order in codesF. */
export function transposeOut(n: usize): void {
  for (let g: usize = 0; g < 256 / (4 * n); g++) {
    for (let i: usize = 0; i < n; i += 4) {
      transpose4(lb + ((g * n + i) << 4), 16, codesF + ((4 * g * n + i) << 2), n << 2, false);
    }
  }
}

/** `nearestInt` of four lanes (i32 results). */
// @ts-ignore: decorator
@inline export function nearestInt4(v: v128, magic: v128): v128 {
  return i32x4.sub(v128.and(f32x4.add(v, magic), i32x4.splat(0x7fffff)), i32x4.splat(0x400000));
}

/** `!dj` is false: dj is neither ±0 nor NaN (those sub-blocks keep the search's codes). */
// @ts-ignore: decorator
@inline export function truthy(dj: v128): v128 {
  return v128.and(f32x4.ne(dj, f32x4.splat(0)), f32x4.eq(dj, dj));
}

/**
 * One sub-block's output, elements [s0, end) of the block starting at value `base`: i16 codes and
 * x_hat = a * (q - z) (+ off unless off is ±0: skipping "+ 0" keeps the sign of a zero product, as
 * ggmlCommon.ts `ggmlDequant`), and for a non-finite input code -1 and NaN.
 */
// @ts-ignore: decorator
@inline export function writeSub(
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

/** Lays the scratch out at `scratch` (`scratchBytes()` bytes, 16-aligned) and writes the loops' constants. */
// @ts-ignore: decorator
@inline export function setScratch(scratch: usize): void {
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
}
