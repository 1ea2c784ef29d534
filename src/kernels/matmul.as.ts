/**
 * The GPT-2 forward pass's matrix products in WebAssembly SIMD (AssemblyScript; compiled by `npm run build:wasm`
 * into src/core/wasm/matmul.wasm.ts, loaded by src/core/wasm/matmulKernel.ts): out = x·Wᵀ + b with W held
 * [out, in] (nn.Linear), used by the linear layers and the tied output head.
 *
 * Accumulation is **float32** in four lanes, then float64 across lanes, in a fixed order that
 * src/core/gpt2/matmulJs.ts repeats with `Math.fround` (same bits where SIMD is missing):
 *   lane k (k = 0..3) sums fround(x[i]·w[i]) for i ≡ k (mod 4), i < in4 = in − in mod 4, in order, in float32;
 *   the tail T sums fround(x[i]·w[i]) for in4 ≤ i < in, in order, in float32;
 *   out = fround(((L0 + L1) + (L2 + L3)) + T + b), the last three adds in float64.
 * (A float32 add or multiply of float32 operands is the float64 result rounded once, so `fround` of each JS step
 * is what WebAssembly computes. No fused multiply-add: results are the same on every machine.)
 *
 * Register blocking: 4 outputs × 2 tokens per inner loop (8 vector accumulators, 6 vector loads for 8
 * multiply-adds), the 4 weight rows walked contiguously and kept in L1 while the tokens pass over them.
 *
 * Memory is the caller's (imported); every pointer is a byte offset into it, 4-byte aligned (16 is faster).
 */

/**
 * out[t·outStride + o] = x[t, :]·w[o, :] + bias[o] for t < rows, o < outCount (bias 0: none). x is rows × inDim,
 * w outCount × inDim, row-major float32.
 */
export function linear(
  x: usize,
  rows: i32,
  inDim: i32,
  w: usize,
  outCount: i32,
  bias: usize,
  out: usize,
  outStride: i32,
): void {
  const rowBytes = <usize>inDim << 2;
  const in4Bytes = <usize>(inDim & ~3) << 2;
  const strideBytes = <usize>outStride << 2;
  const o4 = outCount & ~3;
  const t2 = rows & ~1;
  for (let o = 0; o < o4; o += 4) {
    const w0 = w + <usize>o * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    for (let t = 0; t < t2; t += 2) {
      const xa = x + <usize>t * rowBytes;
      const xb = xa + rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let c0 = f32x4.splat(0);
      let c1 = f32x4.splat(0);
      let c2 = f32x4.splat(0);
      let c3 = f32x4.splat(0);
      for (let i: usize = 0; i < in4Bytes; i += 16) {
        const u = v128.load(xa + i);
        const v = v128.load(xb + i);
        const p0 = v128.load(w0 + i);
        const p1 = v128.load(w1 + i);
        const p2 = v128.load(w2 + i);
        const p3 = v128.load(w3 + i);
        a0 = f32x4.add(a0, f32x4.mul(u, p0));
        a1 = f32x4.add(a1, f32x4.mul(u, p1));
        a2 = f32x4.add(a2, f32x4.mul(u, p2));
        a3 = f32x4.add(a3, f32x4.mul(u, p3));
        c0 = f32x4.add(c0, f32x4.mul(v, p0));
        c1 = f32x4.add(c1, f32x4.mul(v, p1));
        c2 = f32x4.add(c2, f32x4.mul(v, p2));
        c3 = f32x4.add(c3, f32x4.mul(v, p3));
      }
      const ra = out + <usize>t * strideBytes + (<usize>o << 2);
      const rb = ra + strideBytes;
      store<f32>(ra, finish(a0, xa, w0, in4Bytes, rowBytes, bias, o));
      store<f32>(ra, finish(a1, xa, w1, in4Bytes, rowBytes, bias, o + 1), 4);
      store<f32>(ra, finish(a2, xa, w2, in4Bytes, rowBytes, bias, o + 2), 8);
      store<f32>(ra, finish(a3, xa, w3, in4Bytes, rowBytes, bias, o + 3), 12);
      store<f32>(rb, finish(c0, xb, w0, in4Bytes, rowBytes, bias, o));
      store<f32>(rb, finish(c1, xb, w1, in4Bytes, rowBytes, bias, o + 1), 4);
      store<f32>(rb, finish(c2, xb, w2, in4Bytes, rowBytes, bias, o + 2), 8);
      store<f32>(rb, finish(c3, xb, w3, in4Bytes, rowBytes, bias, o + 3), 12);
    }
    for (let t = t2; t < rows; t++) {
      const xa = x + <usize>t * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let i: usize = 0; i < in4Bytes; i += 16) {
        const u = v128.load(xa + i);
        a0 = f32x4.add(a0, f32x4.mul(u, v128.load(w0 + i)));
        a1 = f32x4.add(a1, f32x4.mul(u, v128.load(w1 + i)));
        a2 = f32x4.add(a2, f32x4.mul(u, v128.load(w2 + i)));
        a3 = f32x4.add(a3, f32x4.mul(u, v128.load(w3 + i)));
      }
      const ra = out + <usize>t * strideBytes + (<usize>o << 2);
      store<f32>(ra, finish(a0, xa, w0, in4Bytes, rowBytes, bias, o));
      store<f32>(ra, finish(a1, xa, w1, in4Bytes, rowBytes, bias, o + 1), 4);
      store<f32>(ra, finish(a2, xa, w2, in4Bytes, rowBytes, bias, o + 2), 8);
      store<f32>(ra, finish(a3, xa, w3, in4Bytes, rowBytes, bias, o + 3), 12);
    }
  }
  for (let o = o4; o < outCount; o++) {
    const wo = w + <usize>o * rowBytes;
    for (let t = 0; t < rows; t++) {
      const xa = x + <usize>t * rowBytes;
      let a = f32x4.splat(0);
      for (let i: usize = 0; i < in4Bytes; i += 16) a = f32x4.add(a, f32x4.mul(v128.load(xa + i), v128.load(wo + i)));
      store<f32>(out + <usize>t * strideBytes + (<usize>o << 2), finish(a, xa, wo, in4Bytes, rowBytes, bias, o));
    }
  }
}

/** fround(((L0 + L1) + (L2 + L3)) + T + b) (see the module comment): the lanes, the tail, the bias. */
// @ts-ignore: decorator
@inline
function finish(acc: v128, x: usize, w: usize, from: usize, to: usize, bias: usize, o: i32): f32 {
  let tail: f32 = 0;
  for (let i = from; i < to; i += 4) tail += load<f32>(x + i) * load<f32>(w + i);
  const lanes =
    (<f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1)) +
    (<f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3));
  const b: f64 = bias == 0 ? 0 : <f64>load<f32>(bias + (<usize>o << 2));
  return <f32>(lanes + <f64>tail + b);
}

/**
 * out[i] = (codes[i] + offset)·step for i < n, each in float32: a compact tensor's integer codes (bytes) back to
 * the engine's dequantized values. `offset` = base − zero point; where it is an integer and |code + offset| <
 * 2^24 (the host checks), the sum is exact and the float32 product is the float64 product rounded once, which is
 * what the engine's dequantizeCode computes: the same bits. 16 codes per step, then one at a time.
 */
export function dequantAffine(codes: usize, n: i32, offset: f32, step: f32, out: usize): void {
  const n16 = <usize>(n & ~15);
  const off = f32x4.splat(offset);
  const s = f32x4.splat(step);
  for (let i: usize = 0; i < n16; i += 16) {
    const q = v128.load(codes + i);
    const lo = i16x8.extend_low_i8x16_u(q);
    const hi = i16x8.extend_high_i8x16_u(q);
    const o = out + (i << 2);
    v128.store(o, f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), off), s));
    v128.store(o, f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), off), s), 16);
    v128.store(o, f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), off), s), 32);
    v128.store(o, f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), off), s), 48);
  }
  for (let i = n16; i < <usize>n; i++) store<f32>(out + (i << 2), (<f32>load<u8>(codes + i) + offset) * step);
}

/** out[i] = table[codes[i]] for i < n: a compact tensor's codes through one group's 256-value table. */
export function dequantTable(codes: usize, n: i32, table: usize, out: usize): void {
  const n4 = <usize>(n & ~3);
  for (let i: usize = 0; i < n4; i += 4) {
    const o = out + (i << 2);
    store<f32>(o, load<f32>(table + (<usize>load<u8>(codes + i) << 2)));
    store<f32>(o, load<f32>(table + (<usize>load<u8>(codes + i + 1) << 2)), 4);
    store<f32>(o, load<f32>(table + (<usize>load<u8>(codes + i + 2) << 2)), 8);
    store<f32>(o, load<f32>(table + (<usize>load<u8>(codes + i + 3) << 2)), 12);
  }
  for (let i = n4; i < <usize>n; i++) store<f32>(out + (i << 2), load<f32>(table + (<usize>load<u8>(codes + i) << 2)));
}

/** (hi << 16) | (lo & 0xffff): the smallest and largest of n int16 codes (n ≥ 1), 8 at a time. */
export function minMaxI16(codes: usize, n: i32): i32 {
  const n8 = <usize>(n & ~7);
  let lo = i16x8.splat(32767);
  let hi = i16x8.splat(-32768);
  for (let i: usize = 0; i < n8 << 1; i += 16) {
    const v = v128.load(codes + i);
    lo = i16x8.min_s(lo, v);
    hi = i16x8.max_s(hi, v);
  }
  let l: i32 = 32767;
  let h: i32 = -32768;
  for (let k = 0; k < 8; k++) {
    const a = <i32>i16x8.extract_lane_s(lo, 0);
    const b = <i32>i16x8.extract_lane_s(hi, 0);
    if (a < l) l = a;
    if (b > h) h = b;
    lo = v128.shuffle<i16>(lo, lo, 1, 2, 3, 4, 5, 6, 7, 0);
    hi = v128.shuffle<i16>(hi, hi, 1, 2, 3, 4, 5, 6, 7, 0);
  }
  for (let i = n8; i < <usize>n; i++) {
    const c = <i32>load<i16>(codes + (i << 1));
    if (c < l) l = c;
    if (c > h) h = c;
  }
  return (h << 16) | (l & 0xffff);
}

/** out[i] = codes[i] − lo as a byte, for i < n (every code − lo in 0..255: the caller checked the span). */
export function packI16(codes: usize, n: i32, lo: i32, out: usize): void {
  const n16 = <usize>(n & ~15);
  const base = i16x8.splat(<i16>lo);
  for (let i: usize = 0; i < n16; i += 16) {
    const a = i16x8.sub(v128.load(codes + (i << 1)), base);
    const b = i16x8.sub(v128.load(codes + (i << 1), 16), base);
    v128.store(out + i, i8x16.narrow_i16x8_u(a, b));
  }
  for (let i = n16; i < <usize>n; i++) store<u8>(out + i, <u8>(<i32>load<i16>(codes + (i << 1)) - lo));
}
