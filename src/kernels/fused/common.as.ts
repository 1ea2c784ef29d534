/**
 * What the fused kernel's format families share (src/kernels/fusedKernel.as.ts gathers them into one module): lane
 * reductions, counter bumps, the int16 code store and a block's largest |x|.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

/** The smallest / largest of a vector's four float32 lanes. */
// @ts-ignore: decorator
@inline export function laneMin(v: v128): f32 {
  return min<f32>(min<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), min<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline export function laneMax(v: v128): f32 {
  return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline export function bump(base: usize, index: i32): void {
  const p = base + ((<usize>index) << 2);
  store<u32>(p, load<u32>(p) + 1);
}

// @ts-ignore: decorator
@inline export function bumpLanes(base: usize, indices: v128): void {
  bump(base, i32x4.extract_lane(indices, 0));
  bump(base, i32x4.extract_lane(indices, 1));
  bump(base, i32x4.extract_lane(indices, 2));
  bump(base, i32x4.extract_lane(indices, 3));
}

/** Stores four int32 codes (small: they fit int16) at `codes`. */
// @ts-ignore: decorator
@inline export function storeCodes4(codes: usize, q: v128): void {
  v128.store64_lane(codes, i16x8.narrow_i32x4_s(q, q), 0);
}

/** The largest |x| of n finite values (floatScheme.ts `finiteAbsMax` on finite input). */
export function absMax(x: usize, n: i32): f32 {
  let m0 = f32x4.splat(0);
  let m1 = m0;
  let i: i32 = 0;
  for (; i + 8 <= n; i += 8) {
    m0 = f32x4.pmax(m0, f32x4.abs(v128.load(x + ((<usize>i) << 2))));
    m1 = f32x4.pmax(m1, f32x4.abs(v128.load(x + ((<usize>i) << 2), 16)));
  }
  const m = f32x4.pmax(m0, m1);
  let best = laneMax(m);
  for (; i < n; i++) {
    const a = abs<f32>(load<f32>(x + ((<usize>i) << 2)));
    if (a > best) best = a;
  }
  return best;
}
