/**
 * The dense layers' products in TypeScript, float32 step by step in the order of the WebAssembly SIMD kernel
 * (src/kernels/dense.as.ts), so both paths give the same bits: this one runs where WebAssembly SIMD is missing,
 * and is the reference the kernel is tested against (tests/core/nn/dense.test.ts). `Math.fround` of a float64 add or
 * multiply of float32 operands is the float32 result (float64 is wide enough that rounding twice is harmless).
 *
 * Matrices are row-major float32: x n × inputs, W outputs × inputs (nn.Linear), δ n × outputs.
 */

const f = Math.fround;

/** out (n × outputs) = x · Wᵀ + b: each output sums x[k]·w[k] over k in order, skipping x[k] = 0, then + bias. */
export function denseForwardJs(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  out: Float32Array,
  n: number,
  inputs: number,
  outputs: number,
): void {
  // Wᵀ (inputs × outputs), so a row's outputs advance together over its inputs as the kernel's lanes do
  const wT = new Float32Array(outputs * inputs);
  for (let o = 0; o < outputs; o++)
    for (let k = 0; k < inputs; k++) wT[k * outputs + o] = weight[o * inputs + k];
  const acc = new Float32Array(outputs);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    const xo = i * inputs;
    for (let k = 0; k < inputs; k++) {
      const xk = x[xo + k];
      if (xk === 0) continue;
      const w0 = k * outputs;
      // the Float32Array store rounds each sum to float32, as the kernel's f32x4.add
      for (let o = 0; o < outputs; o++) acc[o] += Math.fround(xk * wT[w0 + o]);
    }
    const oo = i * outputs;
    for (let o = 0; o < outputs; o++) out[oo + o] = acc[o] + bias[o];
  }
}

/** gw (outputs × inputs) = δᵀ · x and gb = Σ_i δ[i, :], each entry summed over the rows i in order. */
export function denseWeightGradJs(
  delta: Float32Array,
  x: Float32Array,
  gw: Float32Array,
  gb: Float32Array,
  n: number,
  inputs: number,
  outputs: number,
): void {
  // One output's column of δ and one input's column of x, made contiguous, so each entry is one running sum.
  const dCol = new Float32Array(n);
  const xT = new Float32Array(n * inputs);
  for (let i = 0; i < n; i++) for (let k = 0; k < inputs; k++) xT[k * n + i] = x[i * inputs + k];
  for (let o = 0; o < outputs; o++) {
    let sb = 0;
    let live = false;
    for (let i = 0; i < n; i++) {
      const d = delta[i * outputs + o];
      dCol[i] = d;
      sb = f(sb + d);
      if (d !== 0) live = true;
    }
    gb[o] = sb;
    const g0 = o * inputs;
    if (!live) {
      gw.fill(0, g0, g0 + inputs); // what the sums of ±0 products give
      continue;
    }
    for (let k = 0; k < inputs; k++) {
      const x0 = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) s = f(s + f(dCol[i] * xT[x0 + i]));
      gw[g0 + k] = s;
    }
  }
}

/** dx (n × inputs) = δ · W, each entry summed over o in order, then 0 where z[i, k] > 0 does not hold. */
export function denseInputGradJs(
  delta: Float32Array,
  weight: Float32Array,
  z: Float32Array,
  dx: Float32Array,
  n: number,
  inputs: number,
  outputs: number,
): void {
  // Wᵀ (inputs × outputs): each entry is one contiguous running sum.
  const wT = new Float32Array(weight.length);
  for (let o = 0; o < outputs; o++)
    for (let k = 0; k < inputs; k++) wT[k * outputs + o] = weight[o * inputs + k];
  for (let i = 0; i < n; i++) {
    const d = i * outputs;
    const xo = i * inputs;
    for (let k = 0; k < inputs; k++) {
      if (!(z[xo + k] > 0)) {
        dx[xo + k] = 0;
        continue;
      }
      const w0 = k * outputs;
      let s = 0;
      for (let o = 0; o < outputs; o++) s = f(s + f(delta[d + o] * wT[w0 + o]));
      dx[xo + k] = s;
    }
  }
}
