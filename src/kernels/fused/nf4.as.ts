/**
 * NF4 (rule: src/core/formats/nf4.ts) in the fused kernel: the selected 16-entry codebook (`setCodebook`), a row's
 * codes by block absmax (`nf4CodesRow`) and a row's values from codes and block scales (`decodeRow`).
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import { absMax } from './common.as';

/**
 * One row of NF4 codes (nf4.ts): blocks of 64 (a short last one), each block's absmax into outAbsmax and its
 * elements bucketized with inv = 1 / max(absmax, floor) (float32; rounding the float64 quotient to float32, as
 * the JS does, gives the same bits). The selected codebook must be NF4's. Finite input.
 */
export function nf4CodesRow(x: usize, codes: usize, cols: i32, floor: f32, outAbsmax: usize): void {
  const blocks = (cols + 63) >> 6;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b << 6;
    const len = min(64, cols - c0);
    const xb = x + ((<usize>c0) << 2);
    const amax = absMax(xb, len);
    store<f32>(outAbsmax + ((<usize>b) << 2), amax);
    bucketizeCodes(xb, codes + ((<usize>c0) << 1), len, <f32>1 / max<f32>(amax, floor));
  }
}

/** One row of codebook values: blocks of `block` (a short last one), block b decoded with scales[b]. */
export function decodeRow(codes: usize, deq: usize, cols: i32, block: i32, scales: usize): void {
  const blocks = (cols + block - 1) / block;
  for (let b: i32 = 0; b < blocks; b++) {
    const c0 = b * block;
    decodeCodebook(codes + ((<usize>c0) << 1), deq + ((<usize>c0) << 2), min(block, cols - c0), load<f32>(scales + ((<usize>b) << 2)));
  }
}

/**
 * A 16-entry codebook (NF4) at `cbValues` (f32), its decision thresholds at `cbBounds` (f32, +Inf last) and a cell
 * table at `cbCells` (u8, 2 * 1024 + 1 entries: the code of -1 + j / 1024), set by `setCodebook`.
 */
let cbValues: usize = 0;
let cbBounds: usize = 0;
let cbCells: usize = 0;

export function setCodebook(values: usize, bounds: usize, cells: usize): void {
  cbValues = values;
  cbBounds = bounds;
  cbCells = cells;
}

/**
 * nf4.ts's element loop: scaled = clamp(fround(x * inv), -1, 1), code = the number of thresholds strictly below
 * it (`torch.bucketize`). Four elements at a time: each compared with the 15 finite thresholds (all inside
 * (-1, 1), so the clamp changes no count) and the comparisons counted; the tail from the cell of
 * (scaled + 1) * 1024 (computed in float64, as the JS does) and one comparison. Finite input only.
 */
function bucketizeCodes(x: usize, codes: usize, n: i32, inv: f32): void {
  const iv = f32x4.splat(inv);
  const b0 = v128.load32_splat(cbBounds);
  const b1 = v128.load32_splat(cbBounds, 4);
  const b2 = v128.load32_splat(cbBounds, 8);
  const b3 = v128.load32_splat(cbBounds, 12);
  const b4 = v128.load32_splat(cbBounds, 16);
  const b5 = v128.load32_splat(cbBounds, 20);
  const b6 = v128.load32_splat(cbBounds, 24);
  const b7 = v128.load32_splat(cbBounds, 28);
  const b8 = v128.load32_splat(cbBounds, 32);
  const b9 = v128.load32_splat(cbBounds, 36);
  const b10 = v128.load32_splat(cbBounds, 40);
  const b11 = v128.load32_splat(cbBounds, 44);
  const b12 = v128.load32_splat(cbBounds, 48);
  const b13 = v128.load32_splat(cbBounds, 52);
  const b14 = v128.load32_splat(cbBounds, 56);
  let i: i32 = 0;
  for (; i + 8 <= n; i += 8) {
    const s0 = f32x4.mul(v128.load(x + ((<usize>i) << 2)), iv);
    const s1 = f32x4.mul(v128.load(x + ((<usize>i) << 2), 16), iv);
    // each true comparison is -1: the code is minus the sum
    let c0 = i32x4.add(f32x4.gt(s0, b0), f32x4.gt(s0, b1));
    let c1 = i32x4.add(f32x4.gt(s1, b0), f32x4.gt(s1, b1));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b2), f32x4.gt(s0, b3)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b2), f32x4.gt(s1, b3)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b4), f32x4.gt(s0, b5)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b4), f32x4.gt(s1, b5)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b6), f32x4.gt(s0, b7)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b6), f32x4.gt(s1, b7)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b8), f32x4.gt(s0, b9)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b8), f32x4.gt(s1, b9)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b10), f32x4.gt(s0, b11)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b10), f32x4.gt(s1, b11)));
    c0 = i32x4.add(c0, i32x4.add(f32x4.gt(s0, b12), f32x4.gt(s0, b13)));
    c1 = i32x4.add(c1, i32x4.add(f32x4.gt(s1, b12), f32x4.gt(s1, b13)));
    c0 = i32x4.add(c0, f32x4.gt(s0, b14));
    c1 = i32x4.add(c1, f32x4.gt(s1, b14));
    v128.store(codes + ((<usize>i) << 1), i16x8.neg(i16x8.narrow_i32x4_s(c0, c1)));
  }
  for (; i < n; i++) {
    let scaled = load<f32>(x + ((<usize>i) << 2)) * inv;
    if (scaled > 1) scaled = 1;
    else if (scaled < -1) scaled = -1;
    let c = <i32>load<u8>(cbCells + <usize>(<i32>((<f64>scaled + 1) * 1024)));
    if (scaled > load<f32>(cbBounds + ((<usize>c) << 2))) c++;
    store<i16>(codes + ((<usize>i) << 1), <i16>c);
  }
}

/** x_hat = values[code] * scale for n codes (no negative codes: finite input). */
function decodeCodebook(codes: usize, deq: usize, n: i32, scale: f32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = <usize>load<i16>(codes + ((<usize>i) << 1));
    store<f32>(deq + ((<usize>i) << 2), load<f32>(cbValues + (c << 2)) * scale);
  }
}
