/**
 * The forward pass's matrix product in TypeScript, float32 step by step in the order of the WebAssembly SIMD
 * kernel (src/kernels/matmul.as.ts), so both paths give the same bits: this one runs where WebAssembly SIMD is
 * missing, and is the reference the kernel is tested against (tests/core/gpt2/matmul.test.ts). `Math.fround` of a
 * float64 add or multiply of float32 operands is the float32 result.
 *
 * Each output: four float32 lane sums (lane k takes the products of i ≡ k mod 4 below in4 = in − in mod 4), a
 * float32 tail sum of the last in mod 4 products, then ((L0 + L1) + (L2 + L3)) + T + b in float64, rounded once.
 * Pure; no DOM.
 */

const f = Math.fround;

/**
 * out[t·outStride + outOffset + o] = x[t, :]·w[o, :] + bias[o] for t < rows, o < outDim; x rows × inDim, w
 * outDim × inDim (nn.Linear's [out, in]), row-major float32. Two tokens per pass over a weight row.
 */
export function matmulJs(
  x: Float32Array,
  rows: number,
  inDim: number,
  w: Float32Array,
  outDim: number,
  bias: Float32Array | null,
  out: Float32Array,
  outStride = outDim,
  outOffset = 0,
): void {
  const in4 = inDim - (inDim % 4);
  const t2 = rows - (rows % 2);
  for (let o = 0; o < outDim; o++) {
    const wo = o * inDim;
    const b = bias ? bias[o] : 0;
    for (let t = 0; t < t2; t += 2) {
      const xa = t * inDim;
      const xb = xa + inDim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let i = 0; i < in4; i += 4) {
        const p0 = w[wo + i];
        const p1 = w[wo + i + 1];
        const p2 = w[wo + i + 2];
        const p3 = w[wo + i + 3];
        a0 = f(a0 + f(x[xa + i] * p0));
        a1 = f(a1 + f(x[xa + i + 1] * p1));
        a2 = f(a2 + f(x[xa + i + 2] * p2));
        a3 = f(a3 + f(x[xa + i + 3] * p3));
        c0 = f(c0 + f(x[xb + i] * p0));
        c1 = f(c1 + f(x[xb + i + 1] * p1));
        c2 = f(c2 + f(x[xb + i + 2] * p2));
        c3 = f(c3 + f(x[xb + i + 3] * p3));
      }
      let ta = 0;
      let tb = 0;
      for (let i = in4; i < inDim; i++) {
        ta = f(ta + f(x[xa + i] * w[wo + i]));
        tb = f(tb + f(x[xb + i] * w[wo + i]));
      }
      const ra = t * outStride + outOffset + o;
      out[ra] = a0 + a1 + (a2 + a3) + ta + b;
      out[ra + outStride] = c0 + c1 + (c2 + c3) + tb + b;
    }
    for (let t = t2; t < rows; t++) {
      const xa = t * inDim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < in4; i += 4) {
        a0 = f(a0 + f(x[xa + i] * w[wo + i]));
        a1 = f(a1 + f(x[xa + i + 1] * w[wo + i + 1]));
        a2 = f(a2 + f(x[xa + i + 2] * w[wo + i + 2]));
        a3 = f(a3 + f(x[xa + i + 3] * w[wo + i + 3]));
      }
      let ta = 0;
      for (let i = in4; i < inDim; i++) ta = f(ta + f(x[xa + i] * w[wo + i]));
      out[t * outStride + outOffset + o] = a0 + a1 + (a2 + a3) + ta + b;
    }
  }
}
