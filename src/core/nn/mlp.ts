/**
 * A small multilayer perceptron for the model lab: dense layers with ReLU between them, softmax cross-entropy on
 * the last. Weights are stored [out, in] row-major as `torch.nn.Linear.weight` is, so a row is an output channel
 * and the engine's per-row granularity means per output channel, as in the explorer.
 *
 * Arithmetic: float32 storage, float64 accumulation inside each dot product, one rounding to float32 when stored
 * (NumPy's float32 matmul accumulates in float32 with blocked sums; the two agree to float32 tolerance, which is
 * what tests/core/nn/mlp.test.ts checks against the NumPy reference).
 */
import { createRng } from '../random';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** outputs × inputs, row-major (nn.Linear layout). */
  weight: Float32Array;
  bias: Float32Array;
}

export interface Mlp {
  layers: DenseLayer[];
}

/**
 * A fresh network with layer sizes `sizes` (e.g. [64, 32, 10]), initialised as nn.Linear's reset_parameters
 * does: weight and bias uniform in ±1/√inputs (kaiming_uniform with a = √5 gives that bound), from one seeded
 * generator in a fixed order (layer by layer, weight then bias), so a seed gives the same network everywhere.
 */
export function createMlp(sizes: readonly number[], seed: number): Mlp {
  const rng = createRng(seed);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    const bound = 1 / Math.sqrt(inputs);
    const weight = new Float32Array(outputs * inputs);
    for (let i = 0; i < weight.length; i++) weight[i] = (rng.uniform() * 2 - 1) * bound;
    const bias = new Float32Array(outputs);
    for (let i = 0; i < outputs; i++) bias[i] = (rng.uniform() * 2 - 1) * bound;
    layers.push({ inputs, outputs, weight, bias });
  }
  return { layers };
}

export function cloneMlp(model: Mlp): Mlp {
  return {
    layers: model.layers.map((l) => ({ ...l, weight: l.weight.slice(), bias: l.bias.slice() })),
  };
}

/** Called on each hidden layer's activations (after ReLU, n × width) before the next layer reads them. */
export type ActivationHook = (activations: Float32Array, n: number, width: number, layer: number) => void;

/** What the backward pass needs: each layer's input and pre-activation (n × outputs). */
export interface ForwardTrace {
  n: number;
  inputs: Float32Array[];
  preActivations: Float32Array[];
  logits: Float32Array;
}

/** out = x · Wᵀ + b for n rows of x (n × inputs) into out (n × outputs). */
export function denseInto(layer: DenseLayer, x: Float32Array, n: number, out: Float32Array): void {
  const { inputs, outputs, weight, bias } = layer;
  for (let i = 0; i < n; i++) {
    const xo = i * inputs;
    const oo = i * outputs;
    for (let o = 0; o < outputs; o++) {
      const wo = o * inputs;
      let s = 0;
      let k = 0;
      // four partial sums: independent chains the engine can overlap (the order is fixed, so results are stable)
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (; k + 3 < inputs; k += 4) {
        s += x[xo + k] * weight[wo + k];
        s1 += x[xo + k + 1] * weight[wo + k + 1];
        s2 += x[xo + k + 2] * weight[wo + k + 2];
        s3 += x[xo + k + 3] * weight[wo + k + 3];
      }
      for (; k < inputs; k++) s += x[xo + k] * weight[wo + k];
      out[oo + o] = s + s1 + (s2 + s3) + bias[o];
    }
  }
}

/** The forward pass over n inputs (n × 64), keeping what backward needs. */
export function forward(model: Mlp, x: Float32Array, n: number, hook?: ActivationHook): ForwardTrace {
  const inputs: Float32Array[] = [];
  const preActivations: Float32Array[] = [];
  let current = x;
  const last = model.layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const layer = model.layers[l];
    const z = new Float32Array(n * layer.outputs);
    denseInto(layer, current, n, z);
    inputs.push(current);
    preActivations.push(z);
    if (l < last) {
      const h = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) h[i] = z[i] > 0 ? z[i] : 0;
      hook?.(h, n, layer.outputs, l);
      current = h;
    } else current = z;
  }
  return { n, inputs, preActivations, logits: current };
}

export interface LossResult {
  /** Mean cross-entropy over the n rows. */
  loss: number;
  /** Softmax probabilities, n × classes. */
  probabilities: Float32Array;
  /** ∂loss/∂logits = (softmax − one-hot) / n. */
  gradient: Float32Array;
  /** Rows whose largest logit is the label (the first largest on ties, as argmax). */
  correct: number;
}

/** Softmax cross-entropy (log-sum-exp with the row maximum subtracted, as torch.nn.functional.cross_entropy). */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  n: number,
  classes: number,
): LossResult {
  const probabilities = new Float32Array(n * classes);
  const gradient = new Float32Array(n * classes);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * classes;
    let max = logits[o];
    let arg = 0;
    for (let c = 1; c < classes; c++) {
      if (logits[o + c] > max) {
        max = logits[o + c];
        arg = c;
      }
    }
    if (arg === labels[i]) correct++;
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[o + c] - max);
      probabilities[o + c] = e;
      sum += e;
    }
    total += Math.log(sum) - (logits[o + labels[i]] - max);
    for (let c = 0; c < classes; c++) {
      const p = probabilities[o + c] / sum;
      probabilities[o + c] = p;
      gradient[o + c] = (p - (c === labels[i] ? 1 : 0)) / n;
    }
  }
  return { loss: total / n, probabilities, gradient, correct };
}

export interface Gradients {
  weight: Float32Array[];
  bias: Float32Array[];
}

/** Backpropagation from ∂loss/∂logits through the layers (ReLU's derivative taken as 0 at 0, as PyTorch). */
export function backward(model: Mlp, trace: ForwardTrace, dLogits: Float32Array): Gradients {
  const { n } = trace;
  const L = model.layers.length;
  const weight: Float32Array[] = new Array(L);
  const bias: Float32Array[] = new Array(L);
  let delta = dLogits; // ∂loss/∂z of layer l, n × outputs
  for (let l = L - 1; l >= 0; l--) {
    const { inputs, outputs, weight: w } = model.layers[l];
    const x = trace.inputs[l];
    // ∂loss/∂W[o, k] = Σ_i delta[i, o]·x[i, k]: both transposed once, so each entry is one contiguous dot product
    // over the batch (register accumulators instead of a read-modify-write of W's gradient per input row)
    const dT = transpose(delta, n, outputs);
    const xT = transpose(x, n, inputs);
    const gw = new Float32Array(outputs * inputs);
    const gb = new Float32Array(outputs);
    for (let o = 0; o < outputs; o++) {
      const d0 = o * n;
      let sb = 0;
      for (let i = 0; i < n; i++) sb += dT[d0 + i];
      gb[o] = sb;
      if (sb === 0 && allZero(dT, d0, n)) continue;
      for (let k = 0; k < inputs; k++) {
        const x0 = k * n;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let i = 0;
        for (; i + 3 < n; i += 4) {
          s0 += dT[d0 + i] * xT[x0 + i];
          s1 += dT[d0 + i + 1] * xT[x0 + i + 1];
          s2 += dT[d0 + i + 2] * xT[x0 + i + 2];
          s3 += dT[d0 + i + 3] * xT[x0 + i + 3];
        }
        for (; i < n; i++) s0 += dT[d0 + i] * xT[x0 + i];
        gw[o * inputs + k] = s0 + s1 + (s2 + s3);
      }
    }
    weight[l] = gw;
    bias[l] = gb;
    if (l > 0) {
      // ∂loss/∂x = delta · W, then through the previous layer's ReLU
      const z = trace.preActivations[l - 1];
      const next = new Float32Array(n * inputs);
      const wT = transpose(w, outputs, inputs); // inputs × outputs: ∂loss/∂x[i, k] = Σ_o delta[i, o]·W[o, k]
      for (let i = 0; i < n; i++) {
        const d = i * outputs;
        const xo = i * inputs;
        for (let k = 0; k < inputs; k++) {
          if (!(z[xo + k] > 0)) continue; // ReLU: no gradient where it was off
          const w0 = k * outputs;
          let s0 = 0;
          let s1 = 0;
          let o = 0;
          for (; o + 1 < outputs; o += 2) {
            s0 += delta[d + o] * wT[w0 + o];
            s1 += delta[d + o + 1] * wT[w0 + o + 1];
          }
          for (; o < outputs; o++) s0 += delta[d + o] * wT[w0 + o];
          next[xo + k] = s0 + s1;
        }
      }
      delta = next;
    }
  }
  return { weight, bias };
}

/** rows × cols → cols × rows. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[o + c];
  }
  return out;
}

function allZero(a: Float32Array, start: number, n: number): boolean {
  for (let i = start; i < start + n; i++) if (a[i] !== 0) return false;
  return true;
}
