/**
 * Post-training quantization of the lab's network through the engine's own `quantize`, the code the explorer's
 * charts use, so a scheme means the same thing everywhere: every weight matrix ([out, in], rows = output
 * channels) is quantized and dequantized; biases stay float32 unless asked (then each bias vector is quantized
 * as a 1 × n tensor with the same scheme). `quantizeMlp` also measures each matrix (SQNR, MSE, bits per weight) for
 * the PTQ table; `dequantizeMlp` and the QAT forward take the same values through `quantizeValues`, without the
 * measuring the explorer's charts need, since they run many times (the sweep, every QAT batch).
 */
import { groupOf } from '../groups';
import { quantize, quantizeValues } from '../quantView';
import type { Scheme } from '../scheme';
import { createTensor } from '../tensor';
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

/**
 * The QAT forward's weights: Ŵ = dequant(quant(W)) with the scheme's parameters measured on the current W (as a
 * PTQ of this step's weights). With `clipped`, the straight-through gradient passes only where W lies inside its
 * group's clipping range [lo, hi] (it differs from the plain STE when the scheme clips: a percentile, MSE-optimal,
 * KL or OCTAV range, or a manual one).
 */
export function fakeQuantizer(
  scheme: Scheme,
  options: { biases?: boolean; clipped?: boolean } = {},
): (model: Mlp) => FakeQuantized {
  return (model) => {
    const layers: DenseLayer[] = [];
    const pass: (Uint8Array | null)[] = [];
    for (const l of model.layers) {
      const { result, layer } = dequantizeLayer(l, scheme, options.biases ?? false);
      layers.push(layer);
      if (!options.clipped) {
        pass.push(null);
        continue;
      }
      const mask = new Uint8Array(l.weight.length);
      for (let r = 0; r < l.outputs; r++) {
        for (let c = 0; c < l.inputs; c++) {
          const g = groupOf(result.granularity, l.inputs, r, c);
          const w = l.weight[r * l.inputs + c];
          mask[r * l.inputs + c] = w >= result.lo[g] && w <= result.hi[g] ? 1 : 0;
        }
      }
      pass.push(mask);
    }
    return { model: { layers }, pass: options.clipped ? pass : null };
  };
}
