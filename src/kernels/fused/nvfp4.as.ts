/**
 * NVFP4 (rule: src/core/formats/nvfp4.ts) in the fused kernel: E2M1 elements in blocks of 16 with an E4M3 scale.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { absMax, storeCodes4 } from './common.as';
import { roundToSelectedFormat } from './float.as';

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
