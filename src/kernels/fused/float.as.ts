/**
 * Float element formats (FP16, BF16, FP8, FP6, FP4; rule: src/core/formats/floatFormat.ts, floatScheme.ts) in the
 * fused kernel: the selected format (`setFloatFormat`), its encoder and the per-row / per-block scaled rows. The
 * MX, NVFP4 and GGUF kernels round their scales with the selected format too (`roundToSelectedFormat`).
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { absMax } from './common.as';

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

/**
 * x rounded to the selected float format and back (non-saturating), as floatFormat.ts `roundToFormat`: the
 * GGUF types store their block scales as FP16 (select FP16 first with `setFloatFormat` and its value table).
 */
// @ts-ignore: decorator
@inline export function roundToSelectedFormat(x: f32): f32 {
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
