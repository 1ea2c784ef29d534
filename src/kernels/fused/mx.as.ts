/**
 * MX formats MXFP8, MXFP6, MXFP4, MXINT8 (rule: src/core/formats/mx.ts) in the fused kernel: a shared power-of-two
 * scale per block of 32, the elements encoded with the selected float format or as MXINT8.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { absMax } from './common.as';
import { encodeFloat } from './float.as';

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
