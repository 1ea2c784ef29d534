/**
 * Post-training quantization of the lab's network through the engine's own `quantize`, the code the explorer's
 * charts use, so a scheme means the same thing everywhere: every weight matrix ([out, in], rows = output
 * channels) is quantized and dequantized; biases stay float32 unless asked (then each bias vector is quantized
 * as a 1 × n tensor with the same scheme). `quantizeMlp` also measures each matrix (SQNR, MSE, bits per weight) for
 * the PTQ table; `dequantizeMlp` and the QAT forward take the same values through `quantizeValues`, without the
 * measuring the explorer's charts need, since they run many times (the sweep, every QAT batch).
 */
import { groupOf } from '../groups';
import { type LeanIntegerParams, leanIntegerParams, quantize, quantizeValues } from '../quantView';
import type { Granularity, Scheme } from '../scheme';
import { createTensor, type Tensor2D } from '../tensor';
import { denseKernel, type Sweeper } from '../wasm/denseKernel';
import type { SplitSet } from './data';
import { accuracyProbe } from './evaluate';
import type { DenseLayer, Mlp } from './mlp';
import type { FakeQuantized } from './train';

export interface LayerReport {
  /** "fc1", "fc2", … as in a PyTorch module. */
  name: string;
  shape: [number, number];
  /** Weight SQNR in dB (the engine's metric: 10·log10(Σx² / Σ(x − x̂)²)). */
  sqnrDb: number;
  mse: number;
  bitsPerWeight: number;
}

export interface QuantizedModel {
  model: Mlp;
  layers: LayerReport[];
}

export function layerName(index: number): string {
  return `fc${index + 1}`;
}

function quantizeLayer(layer: DenseLayer, scheme: Scheme, biases: boolean) {
  const result = quantize(createTensor(layer.outputs, layer.inputs, layer.weight), scheme);
  const bias = biases
    ? quantize(createTensor(1, layer.outputs, layer.bias), scheme).dequantized
    : layer.bias.slice();
  return { result, layer: { ...layer, weight: result.dequantized, bias } };
}

/** The layer's weights (and, if `biases`, its bias) through `quantizeValues`: quantize's values, not measured. */
function dequantizeLayer(layer: DenseLayer, scheme: Scheme, biases: boolean) {
  const result = quantizeValues(createTensor(layer.outputs, layer.inputs, layer.weight), scheme);
  const bias = biases
    ? quantizeValues(createTensor(1, layer.outputs, layer.bias), scheme).dequantized
    : layer.bias.slice();
  return { result, layer: { ...layer, weight: result.dequantized, bias } };
}

/** The network as `quantizeMlp` makes it (the same bits), without measuring the layers. */
export function dequantizeMlp(model: Mlp, scheme: Scheme, options: { biases?: boolean } = {}): Mlp {
  return { layers: model.layers.map((l) => dequantizeLayer(l, scheme, options.biases ?? false).layer) };
}

/**
 * `dequantizeMlp` into buffers allocated once: each call returns the network for `scheme` (the same bits as
 * dequantizeMlp), whose weights and biases the next call overwrites. For the accuracy-against-bits sweep, which
 * evaluates each network before it makes the next.
 */
export function reusableDequantizer(model: Mlp, options: { biases?: boolean } = {}): (scheme: Scheme) => Mlp {
  const biases = options.biases ?? false;
  const weights = model.layers.map((l) => createTensor(l.outputs, l.inputs, l.weight));
  const biasTensors = model.layers.map((l) => createTensor(1, l.outputs, l.bias));
  const layers: DenseLayer[] = model.layers.map((l) => ({
    ...l,
    weight: new Float32Array(l.weight.length),
    bias: l.bias.slice(),
  }));
  const out: Mlp = { layers };
  return (scheme) => {
    layers.forEach((layer, i) => {
      quantizeValues(weights[i], scheme, layer.weight);
      if (biases) quantizeValues(biasTensors[i], scheme, layer.bias);
    });
    return out;
  };
}

/**
 * Fills a layer's Δ and z tables for the dense kernel's quantizeTransposed (rows of `padded` lanes, row j for the
 * inputs k with k / groupSize = j, lane o for output o; padding lanes Δ = 1, z = 0) and returns groupSize, or null
 * where the kernel would not give quantizeValues' bits: half-away rounding (its s + 0.5 is exact in float64, not in
 * float32) or a zero point that is not an integer under 2^23 (then z or q − z is not a float32 exactly).
 */
function kernelTables(
  p: LeanIntegerParams,
  inputs: number,
  outputs: number,
  padded: number,
  stepTable: Float32Array,
  zeroTable: Float32Array,
): number | null {
  if (p.rounding === 1) return null;
  for (const z of p.zero) if (!(Number.isInteger(z) && Math.abs(z) < 2 ** 23)) return null;
  const g = p.granularity;
  const groupSize = g.kind === 'group' ? g.size : g.kind === 'column' ? 1 : inputs;
  const rows = Math.ceil(inputs / groupSize);
  for (let j = 0; j < rows; j++) {
    const r = j * padded;
    for (let o = 0; o < padded; o++) {
      let at = 0;
      if (o >= outputs) at = -1;
      else if (g.kind === 'row') at = o;
      else if (g.kind === 'group') at = o * rows + j;
      else if (g.kind === 'column') at = j;
      stepTable[r + o] = at < 0 ? 1 : p.step[at];
      zeroTable[r + o] = at < 0 ? 0 : p.zero[at];
    }
  }
  return groupSize;
}

/**
 * Layer l of the sweeper's quantized network: `weight` (that layer's float weights, outputs × inputs) quantized by
 * `scheme`, with quantizeValues' bits. In the kernel (quantizeTransposed, from quantizeValues' own parameters) where
 * kernelTables allows, else by quantizeValues into `buffer` and copied in. Returns whether the kernel made them.
 */
export function quantizeOnSweeper(
  sweeper: Sweeper,
  l: number,
  weight: Tensor2D,
  scheme: Scheme,
  buffer: Float32Array,
): boolean {
  const p = leanIntegerParams(weight, scheme);
  const { padded, stepTable, zeroTable } = sweeper;
  const groupSize = p && kernelTables(p, weight.cols, weight.rows, padded[l], stepTable[l], zeroTable[l]);
  if (p && groupSize) {
    sweeper.quantizeLayer(l, groupSize, p.qmin, p.qmax, p.rounding as 0 | 2);
    return true;
  }
  sweeper.setWeights(l, quantizeValues(weight, scheme, buffer).dequantized);
  return false;
}

/** Test accuracy of `model` and of its quantized networks (see sweepProbe). */
export interface SweepProbe {
  floatAccuracy(): number;
  /** accuracyOf(dequantizeMlp(model, scheme, { biases }), set). */
  accuracy(scheme: Scheme): number;
  /** Gives the kernel memory back (see denseKernel.ts `Sweeper`): nothing may use the probe after. */
  release(): void;
}

/**
 * The accuracy-against-bits sweep's evaluations of one network on one set: the figures of
 * accuracyOf(dequantizeMlp(model, scheme, { biases }), set), made on the dense kernel's sweeper where it runs (the set
 * and the float network's Wᵀ stay in its memory; each network is made there: quantizeOnSweeper), else through
 * accuracyProbe and reusableDequantizer.
 */
export function sweepProbe(
  model: Mlp,
  set: Pick<SplitSet, 'n' | 'x' | 'labels'>,
  biases: boolean,
): SweepProbe {
  const sweeper = set.n > 0 ? (denseKernel()?.sweeper(model.layers, set.x, set.n, set.labels) ?? null) : null;
  if (!sweeper) {
    const accuracyOf = accuracyProbe(set);
    const dequantized = reusableDequantizer(model, { biases });
    return {
      floatAccuracy: () => accuracyOf(model),
      accuracy: (scheme) => accuracyOf(dequantized(scheme)),
      release: () => {},
    };
  }
  const weights = model.layers.map((l) => createTensor(l.outputs, l.inputs, l.weight));
  const biasTensors = model.layers.map((l) => createTensor(1, l.outputs, l.bias));
  const weightBuffers = model.layers.map((l) => new Float32Array(l.weight.length));
  const biasBuffers = model.layers.map((l) => new Float32Array(l.bias.length));
  return {
    floatAccuracy: () => sweeper.correctFloat() / set.n,
    accuracy(scheme) {
      model.layers.forEach((_, i) => {
        quantizeOnSweeper(sweeper, i, weights[i], scheme, weightBuffers[i]);
        if (biases) sweeper.setBias(i, quantizeValues(biasTensors[i], scheme, biasBuffers[i]).dequantized);
      });
      return sweeper.correctQuantized() / set.n;
    },
    release: sweeper.release,
  };
}

/** The network with every weight matrix (and, if `biases`, every bias) quantized and dequantized by `scheme`. */
export function quantizeMlp(model: Mlp, scheme: Scheme, options: { biases?: boolean } = {}): QuantizedModel {
  const layers: DenseLayer[] = [];
  const reports: LayerReport[] = [];
  model.layers.forEach((l, i) => {
    const { result, layer } = quantizeLayer(l, scheme, options.biases ?? false);
    layers.push(layer);
    reports.push({
      name: layerName(i),
      shape: [l.outputs, l.inputs],
      sqnrDb: result.metrics.sqnrDb,
      mse: result.metrics.mse,
      bitsPerWeight: result.metrics.bitsPerWeight,
    });
  });
  return { model: { layers }, layers: reports };
}

/** The QAT forward's weights, made anew before each batch (see `fakeQuantizer`). */
export interface FakeQuantizer {
  (model: Mlp): FakeQuantized;
  /**
   * The same weights and biases written into `out`'s arrays (a network of `model`'s shapes, other arrays than
   * model's), allocating none: what the resident trainer uses, `out` being the kernel's forward weights. Returns the
   * masks of the clipped STE (`pass`).
   */
  into(model: Mlp, out: Mlp): FakeQuantized['pass'];
}

/**
 * The QAT forward's weights: Ŵ = dequant(quant(W)) with the scheme's parameters measured on the current W (as a
 * PTQ of this step's weights). With `clipped`, the straight-through gradient passes only where W lies inside its
 * group's clipping range [lo, hi] (it differs from the plain STE when the scheme clips: a percentile, MSE-optimal,
 * KL or OCTAV range, or a manual one).
 */
export function fakeQuantizer(
  scheme: Scheme,
  options: { biases?: boolean; clipped?: boolean } = {},
): FakeQuantizer {
  const biases = options.biases ?? false;
  /** Layer l of `model` quantized into `out` (quantizeValues' values), and its mask where clipped. */
  const layerInto = (l: DenseLayer, out: DenseLayer): Uint8Array | null => {
    const result = quantizeValues(createTensor(l.outputs, l.inputs, l.weight), scheme, out.weight);
    if (biases) quantizeValues(createTensor(1, l.outputs, l.bias), scheme, out.bias);
    else out.bias.set(l.bias);
    return options.clipped ? passMask(l, result) : null;
  };
  const into = (model: Mlp, out: Mlp): FakeQuantized['pass'] => {
    const pass = model.layers.map((l, i) => layerInto(l, out.layers[i]));
    return options.clipped ? pass : null;
  };
  const fresh = (model: Mlp): FakeQuantized => {
    const out: Mlp = {
      layers: model.layers.map((l) => ({
        ...l,
        weight: new Float32Array(l.weight.length),
        bias: new Float32Array(l.bias.length),
      })),
    };
    return { model: out, pass: into(model, out) };
  };
  return Object.assign(fresh, { into });
}

/** 1 where the weight lies inside its group's clipping range [lo, hi], else 0 (the clipped STE). */
function passMask(l: DenseLayer, result: { granularity: Granularity; lo: Float32Array; hi: Float32Array }) {
  const mask = new Uint8Array(l.weight.length);
  for (let r = 0; r < l.outputs; r++) {
    for (let c = 0; c < l.inputs; c++) {
      const g = groupOf(result.granularity, l.inputs, r, c);
      const w = l.weight[r * l.inputs + c];
      mask[r * l.inputs + c] = w >= result.lo[g] && w <= result.hi[g] ? 1 : 0;
    }
  }
  return mask;
}
