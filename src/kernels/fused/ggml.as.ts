/**
 * GGUF legacy types Q8_0, Q4_0, Q5_0, Q4_1, Q5_1 (rule: src/core/formats/ggml.ts) in the fused kernel. The
 * k-quants Q4_K and Q6_K have their own kernel (src/kernels/kquantKernel.as.ts; src/kernels/kquant/q4k.as.ts, q6k.as.ts).
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { storeCodes4 } from './common.as';
import { roundToSelectedFormat } from './float.as';

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
