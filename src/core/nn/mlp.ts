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
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c] - max);
    const logSum = Math.log(sum);
    total += logSum - (logits[o + labels[i]] - max);
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(logits[o + c] - max - logSum);
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
    const gw = new Float64Array(outputs * inputs);
    const gb = new Float64Array(outputs);
    for (let i = 0; i < n; i++) {
      const d = i * outputs;
      const xo = i * inputs;
      for (let o = 0; o < outputs; o++) {
        const g = delta[d + o];
        if (g === 0) continue;
        gb[o] += g;
        const wo = o * inputs;
        for (let k = 0; k < inputs; k++) gw[wo + k] += g * x[xo + k];
      }
    }
    weight[l] = Float32Array.from(gw);
    bias[l] = Float32Array.from(gb);
    if (l > 0) {
      // ∂loss/∂x = delta · W, then through the previous layer's ReLU
      const z = trace.preActivations[l - 1];
      const next = new Float32Array(n * inputs);
      const acc = new Float64Array(inputs);
      for (let i = 0; i < n; i++) {
        acc.fill(0);
        const d = i * outputs;
        for (let o = 0; o < outputs; o++) {
          const g = delta[d + o];
          if (g === 0) continue;
          const wo = o * inputs;
          for (let k = 0; k < inputs; k++) acc[k] += g * w[wo + k];
        }
        const xo = i * inputs;
        for (let k = 0; k < inputs; k++) next[xo + k] = z[xo + k] > 0 ? acc[k] : 0;
      }
      delta = next;
    }
  }
  return { weight, bias };
}
