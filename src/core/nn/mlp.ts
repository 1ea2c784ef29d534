/**
 * A small multilayer perceptron for the model lab: dense layers with ReLU between them, softmax cross-entropy on
 * the last. Weights are stored [out, in] row-major as `torch.nn.Linear.weight` is, so a row is an output channel
 * and the engine's per-row granularity means per output channel, as in the explorer.
 *
 * Arithmetic: float32 throughout, as NumPy's float32 matmuls; the products run on the dense-layer kernel
 * (WebAssembly SIMD) or its TypeScript twin, which give the same bits (denseOps.ts). Their sums are in a fixed order
 * other than NumPy's blocked one, so the two agree to float32 tolerance, which is what tests/core/nn/mlp.test.ts
 * checks against the NumPy reference.
 */
import { createRng } from '../random';
import { type DenseOps, defaultDenseOps } from './denseOps';

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
export function denseInto(
  layer: DenseLayer,
  x: Float32Array,
  n: number,
  out: Float32Array,
  ops: DenseOps = defaultDenseOps(),
): void {
  ops.forward(x, layer.weight, layer.bias, out, n, layer.inputs, layer.outputs);
}

/** The forward pass over n inputs (n × 64), keeping what backward needs. */
export function forward(
  model: Mlp,
  x: Float32Array,
  n: number,
  hook?: ActivationHook,
  ops: DenseOps = defaultDenseOps(),
): ForwardTrace {
  const inputs: Float32Array[] = [];
  const preActivations: Float32Array[] = [];
  let current = x;
  const last = model.layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const layer = model.layers[l];
    const z = new Float32Array(n * layer.outputs);
    denseInto(layer, current, n, z, ops);
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
  const { loss, correct } = softmaxCrossEntropyInto(logits, labels, n, classes, probabilities, gradient);
  return { loss, probabilities, gradient, correct };
}

/**
 * softmaxCrossEntropy into the caller's arrays (n × classes each, or null where not wanted): the same arithmetic,
 * so the same loss, count, probabilities and gradient. The training loop writes the gradient straight into the dense
 * kernel's memory, and the per-epoch test figures need neither array.
 */
export function softmaxCrossEntropyInto(
  logits: Float32Array,
  labels: ArrayLike<number>,
  n: number,
  classes: number,
  probabilities: Float32Array | null,
  gradient: Float32Array | null,
): { loss: number; correct: number } {
  // each e rounded to float32 as the probabilities array stores it (a row of its own where none is given)
  const row = probabilities ?? new Float32Array(classes);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * classes;
    const r = probabilities ? o : 0;
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
      row[r + c] = e;
      sum += e;
    }
    total += Math.log(sum) - (logits[o + labels[i]] - max);
    if (!probabilities && !gradient) continue;
    for (let c = 0; c < classes; c++) {
      const p = row[r + c] / sum;
      row[r + c] = p;
      if (gradient) gradient[o + c] = (p - (c === labels[i] ? 1 : 0)) / n;
    }
  }
  return { loss: total / n, correct };
}

export interface Gradients {
  weight: Float32Array[];
  bias: Float32Array[];
}

/** Backpropagation from ∂loss/∂logits through the layers (ReLU's derivative taken as 0 at 0, as PyTorch). */
export function backward(
  model: Mlp,
  trace: ForwardTrace,
  dLogits: Float32Array,
  ops: DenseOps = defaultDenseOps(),
): Gradients {
  const { n } = trace;
  const L = model.layers.length;
  const weight: Float32Array[] = new Array(L);
  const bias: Float32Array[] = new Array(L);
  let delta = dLogits; // ∂loss/∂z of layer l, n × outputs
  for (let l = L - 1; l >= 0; l--) {
    const { inputs, outputs, weight: w } = model.layers[l];
    const gw = new Float32Array(outputs * inputs);
    const gb = new Float32Array(outputs);
    ops.weightGrad(delta, trace.inputs[l], gw, gb, n, inputs, outputs);
    weight[l] = gw;
    bias[l] = gb;
    if (l > 0) {
      // ∂loss/∂x = delta · W, then through the previous layer's ReLU (no gradient where it was off)
      const next = new Float32Array(n * inputs);
      ops.inputGrad(delta, w, trace.preActivations[l - 1], next, n, inputs, outputs);
      delta = next;
    }
  }
  return { weight, bias };
}
