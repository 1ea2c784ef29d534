/**
 * Minimum / maximum passes of the fused kernel: each group's extremes (groupStats.ts `groupMinMaxInto`, which sets
 * the integer formats' per-row and per-group parameters) and the range of a format's output (formatBridge.ts).
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { laneMax, laneMin } from './common.as';

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
