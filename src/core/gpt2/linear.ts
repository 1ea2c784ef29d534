/**
 * The matrix products of the forward pass: `out = x·Wᵀ + b` with W held as [out, in] (rows are output channels,
 * as nn.Linear; GPT-2's [in, out] Conv1D weights are transposed once when loaded, weights.ts), so each output is
 * a dot product of two contiguous rows. Float32 inputs and outputs, **float64 accumulation** (JS numbers): each
 * dot product is rounded to float32 once, at the end. Pure; no DOM.
 */

/**
 * out[t·outStride + outOffset + o] = fround(Σ_i x[t·inDim + i] · w[o·inDim + i] + bias[o]) for t < rows,
 * o < outDim (outStride defaults to outDim: a whole output row). Register-blocked: 4 outputs × 2 tokens per
 * inner loop (8 accumulators, 6 loads for 8 multiply-adds), and the 4 weight rows of a block stay in L1 while
 * every token passes over them. Every output is the same sequential sum over i in every branch, so a matrix
 * multiplied a few rows of W at a time (outOffset, outStride) gives the same bits as multiplied whole.
 */
export function linearInto(
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
  const o4 = outDim - (outDim % 4);
  const t2 = rows - (rows % 2);
  for (let o = 0; o < o4; o += 4) {
    const w0 = o * inDim;
    const w1 = w0 + inDim;
    const w2 = w1 + inDim;
    const w3 = w2 + inDim;
    const b0 = bias ? bias[o] : 0;
    const b1 = bias ? bias[o + 1] : 0;
    const b2 = bias ? bias[o + 2] : 0;
    const b3 = bias ? bias[o + 3] : 0;
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
      for (let i = 0; i < inDim; i++) {
        const u = x[xa + i];
        const v = x[xb + i];
        const p0 = w[w0 + i];
        const p1 = w[w1 + i];
        const p2 = w[w2 + i];
        const p3 = w[w3 + i];
        a0 += u * p0;
        a1 += u * p1;
        a2 += u * p2;
        a3 += u * p3;
        c0 += v * p0;
        c1 += v * p1;
        c2 += v * p2;
        c3 += v * p3;
      }
      const ra = t * outStride + outOffset + o;
      const rb = ra + outStride;
      out[ra] = a0 + b0;
      out[ra + 1] = a1 + b1;
      out[ra + 2] = a2 + b2;
      out[ra + 3] = a3 + b3;
      out[rb] = c0 + b0;
      out[rb + 1] = c1 + b1;
      out[rb + 2] = c2 + b2;
      out[rb + 3] = c3 + b3;
    }
    for (let t = t2; t < rows; t++) {
      const xa = t * inDim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < inDim; i++) {
        const u = x[xa + i];
        a0 += u * w[w0 + i];
        a1 += u * w[w1 + i];
        a2 += u * w[w2 + i];
        a3 += u * w[w3 + i];
      }
      const ra = t * outStride + outOffset + o;
      out[ra] = a0 + b0;
      out[ra + 1] = a1 + b1;
      out[ra + 2] = a2 + b2;
      out[ra + 3] = a3 + b3;
    }
  }
  for (let o = o4; o < outDim; o++) {
    const wo = o * inDim;
    const b = bias ? bias[o] : 0;
    for (let t = 0; t < rows; t++) {
      const xa = t * inDim;
      let a = 0;
      for (let i = 0; i < inDim; i++) a += x[xa + i] * w[wo + i];
      out[t * outStride + outOffset + o] = a + b;
    }
  }
}
