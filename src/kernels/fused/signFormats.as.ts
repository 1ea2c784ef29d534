/**
 * Binary and ternary weights (rule: src/core/formats/signFormats.ts) in the fused kernel.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { storeCodes4 } from './common.as';

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
