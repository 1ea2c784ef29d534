/**
 * The GGUF k-quant searches Q4_K and Q6_K in WebAssembly SIMD (AssemblyScript; compiled by `npm run build:wasm`
 * into src/core/wasm/kquantKernel.wasm.ts). It does what src/core/formats/ggmlK.ts does (llama.cpp
 * `quantize_row_q4_K_ref` with `make_qkx2_quants`, `quantize_row_q6_K_ref` with `make_qx_quants`) and gives the
 * same codes, dequantized values and sub-block parameters bit for bit:
 * - the reference sums each sub-block's values in order, and float32 addition is not associative, so a
 *   sub-block is never split across lanes: the four lanes of a vector are four sub-blocks, each lane doing its
 *   sub-block's float32 operations in the JS (C) order; "is this candidate better" is a per-lane comparison
 *   and `bitselect`;
 * - a float32 add, multiply, divide or square root of float32 operands is the float64 result rounded once, so
 *   WebAssembly's float32 arithmetic equals ggmlK.ts's `Math.fround` of each step;
 * - what JS does beyond IEEE arithmetic is spelled out: min / max keep the first of equal values (compare and
 *   select, not `f32x4.min`), the clamps let NaN through as the ternaries do (`pmin` / `pmax`), an Int32Array
 *   store turns a NaN code into 0 (masked to +0; codes are kept as integer-valued f32), and `nearest_int` reads
 *   the low mantissa bits of x + 1.5 * 2^23 (ggmlCommon.ts), for every input.
 * The scale-of-scales step of each super-block (its FP16 d and dmin, 6-bit or int8 sub-block scales) is scalar;
 * the final codes and the output are element by element, so four at a time. NaN results may differ from JS in
 * sign (neither specifies it). Speed: 1024 x 1024 Q4_K about 10x, Q6_K about 7x the JS search.
 *
 * The module's sources: this entry (`scratchBytes`, `quantizeRows`), src/kernels/kquant/q4k.as.ts (Q4_K's search),
 * q6k.as.ts (Q6_K's) and common.as.ts (scratch layout, helpers, transposes, output).
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

import {
  blk,
  blockA,
  blockB,
  setScratch,
  transposeIn,
  transposeOut,
  writeSub,
} from './kquant/common.as';
import { q4kBlock } from './kquant/q4k.as';
import { q6kBlock } from './kquant/q6k.as';

export { roundToFp16 } from './kquant/common.as';

/** Bytes of scratch `quantizeRows` needs. */
export function scratchBytes(): i32 {
  return 1024 + 1024 + 5 * 1024 + 4 * 64 + 5 * 16 + 4 * 128 + 64 + 96 + 64;
}

/**
 * ggmlCommon.ts `quantizeGgmlRows` for Q4_K (type 0) or Q6_K (type 1) over `rows` rows of `cols` f32 values at
 * x: super-blocks of 256 along each row (a short last one zero-padded; a non-finite value counts as 0 in its
 * block), i16 codes and f32 x_hat = A * (q - Z) (+ B unless B is ±0) at codes / deq (a non-finite input: code
 * -1, NaN), and per sub-block (groups of the row: ceil(cols / 32) or ceil(cols / 16), row after row) A and B at
 * outA / outB. Z is 0 for Q4_K and 32 for Q6_K. `scratch`: `scratchBytes()` bytes, 16-aligned.
 */
export function quantizeRows(
  type: i32,
  x: usize,
  rows: i32,
  cols: i32,
  codes: usize,
  deq: usize,
  outA: usize,
  outB: usize,
  scratch: usize,
): void {
  setScratch(scratch);
  const sub: usize = type == 0 ? 32 : 16;
  const nsub: usize = 256 / sub;
  const zeroPoint: f32 = type == 0 ? 0 : 32;
  const blocks = (cols + 255) >> 8;
  const groupsPerRow = (<usize>cols + sub - 1) / sub;
  for (let r: i32 = 0; r < rows; r++) {
    for (let b: i32 = 0; b < blocks; b++) {
      const c0 = b << 8;
      const len = <usize>min<i32>(256, cols - c0);
      const base = <usize>(r * cols + c0);
      let src = x + (base << 2);
      if (len < 256) {
        // a short last block: zero-padded copy
        for (let k: usize = 0; k < 256; k++) store<f32>(blk + (k << 2), k < len ? load<f32>(src + (k << 2)) : 0);
        src = blk;
      }
      transposeIn(src, sub);
      if (type == 0) q4kBlock();
      else q6kBlock();
      transposeOut(sub);
      const g0 = <usize>r * groupsPerRow + <usize>b * nsub;
      for (let s: usize = 0; s < nsub; s++) {
        const s0 = s * sub;
        if (s0 >= len) break;
        const a = load<f32>(blockA + (s << 2));
        const off = load<f32>(blockB + (s << 2));
        store<f32>(outA + ((g0 + s) << 2), a);
        store<f32>(outB + ((g0 + s) << 2), off);
        writeSub(x, codes, deq, base, s0, min<usize>(len, s0 + sub), a, zeroPoint, off);
      }
    }
  }
}
