/**
 * Activation quantization of the hidden layers (after ReLU), as integer codes through the engine's own absmax /
 * zero-point arithmetic (integer.ts): **dynamic**, the range measured on each input at inference (each image's
 * activation vector, as dynamic quantization does per input), against **static**, one range per layer
 * calibrated beforehand on N training images, as post-training static quantization does with an observer:
 * - `minmax`: the smallest and largest activation seen (PyTorch's MinMaxObserver);
 * - `percentile`: the p-th percentile of the activations as the top (and the (100 − p)-th as the bottom), so rare
 *   large activations are clipped (a histogram observer's idea, simplified to a quantile);
 * - `ema`: an exponential moving average of each calibration batch's min and max (PyTorch's
 *   MovingAverageMinMaxObserver: the first batch sets the range, then range += c·(batch range − range)).
 */
import { absmaxStep, codeRange, dequantizeCode, quantizeValue, zeroPointParams } from '../integer';
import type { IntegerMethod } from '../scheme';
import { INPUT_SIZE, type SplitSet } from './data';
import { type ActivationHook, forward, type Mlp } from './mlp';

export type Calibration =
  | { kind: 'minmax' }
  | { kind: 'percentile'; percentile: number }
  | { kind: 'ema'; averagingConstant: number; batchSize: number };

export interface ActivationScheme {
  bits: number;
  method: IntegerMethod;
}

export type Range = [number, number];

/** Quantizes `values[start, end)` in place to the integer grid of [lo, hi] (values outside clamp to its ends). */
export function quantizeActivationsInto(
  values: Float32Array,
  start: number,
  end: number,
  range: Range,
  scheme: ActivationScheme,
): void {
  const codes = codeRange(scheme.method, scheme.bits);
  let step: number;
  let zero: number;
  if (scheme.method === 'absmax') {
    step = absmaxStep(Math.max(Math.abs(range[0]), Math.abs(range[1])), codes.qmax);
    zero = 0;
  } else {
    ({ step, zero } = zeroPointParams(range[0], range[1], scheme.bits));
  }
  for (let i = start; i < end; i++) {
    values[i] = dequantizeCode(quantizeValue(values[i], step, zero, codes), step, zero);
  }
}

/** Dynamic quantization: each input's activation vector quantized to its own [min, max]. */
export function dynamicActivationHook(scheme: ActivationScheme): ActivationHook {
  return (h, n, width) => {
    for (let i = 0; i < n; i++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let k = i * width; k < (i + 1) * width; k++) {
        if (h[k] < lo) lo = h[k];
        if (h[k] > hi) hi = h[k];
      }
      quantizeActivationsInto(h, i * width, (i + 1) * width, [lo, hi], scheme);
    }
  };
}

/** Static quantization: every input quantized to its layer's calibrated range. */
export function staticActivationHook(ranges: Range[], scheme: ActivationScheme): ActivationHook {
  return (h, _n, _width, layer) => quantizeActivationsInto(h, 0, h.length, ranges[layer], scheme);
}

/** Linear-interpolated quantile of sorted values (NumPy's default "linear" method). */
export function quantileSorted(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * f : sorted[i];
}

/** Every hidden layer's activations over the first `count` rows of `set` (float weights, no quantization). */
export function hiddenActivations(model: Mlp, set: Pick<SplitSet, 'n' | 'x'>, count: number): Float32Array[] {
  const n = Math.max(1, Math.min(count, set.n));
  const out: Float32Array[] = [];
  forward(model, set.x.subarray(0, n * INPUT_SIZE), n, (h) => {
    out.push(h.slice());
  });
  return out;
}

/** One range per hidden layer, calibrated on the first `count` rows of `set`. */
export function calibrateRanges(
  model: Mlp,
  set: Pick<SplitSet, 'n' | 'x'>,
  count: number,
  calibration: Calibration,
): Range[] {
  const activations = hiddenActivations(model, set, count);
  const n = Math.max(1, Math.min(count, set.n));
  return activations.map((h) => {
    if (calibration.kind === 'minmax') return minMax(h, 0, h.length);
    if (calibration.kind === 'percentile') {
      const sorted = h.slice().sort();
      const p = calibration.percentile / 100;
      return [quantileSorted(sorted, 1 - p), quantileSorted(sorted, p)];
    }
    const width = h.length / n;
    const batch = Math.max(1, calibration.batchSize);
    const c = calibration.averagingConstant;
    let range: Range | null = null;
    for (let start = 0; start < n; start += batch) {
      const end = Math.min(n, start + batch);
      const [lo, hi] = minMax(h, start * width, end * width);
      range = range ? [range[0] + c * (lo - range[0]), range[1] + c * (hi - range[1])] : [lo, hi];
    }
    return range ?? [0, 0];
  });
}

function minMax(values: Float32Array, start: number, end: number): Range {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}
