/**
 * The model lab's experiments on the digits network, pure and synchronous (generators where a run is long, so the
 * worker can report progress and cancel between epochs): training the float model, PTQ with schemes A and B,
 * accuracy against bits, QAT with the straight-through estimator, and static against dynamic activations.
 */
import { groupOf } from '../groups';
import { quantize } from '../quantView';
import type { Granularity, Scheme } from '../scheme';
import { createTensor } from '../tensor';
import {
  type ActivationScheme,
  type Calibration,
  calibrateRanges,
  dynamicActivationHook,
  hiddenActivations,
  type Range,
  staticActivationHook,
} from './activations';
import type { DigitsSplit } from './data';
import { type Evaluation, evaluate } from './evaluate';
import { cloneMlp, createMlp, type Mlp } from './mlp';
import { dequantizeMlp, fakeQuantizer, type LayerReport, quantizeMlp, sweepProbe } from './quantizeModel';
import {
  type LabActivationSettings,
  type LabModelSettings,
  type LabQatSettings,
  type LabSweepSettings,
  layerSizes,
} from './settings';
import { type EpochReport, trainEpochs } from './train';

export interface ModelReport extends Evaluation {
  /** Per weight matrix SQNR etc. (null for the float model). */
  layers: LayerReport[] | null;
}

/** Trains the float model from its settings; yields each epoch, returns the model. */
export function* trainFloatModel(
  split: DigitsSplit,
  settings: LabModelSettings,
): Generator<EpochReport, Mlp> {
  const model = createMlp(layerSizes(settings), settings.seed);
  yield* trainEpochs(model, split, {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    seed: settings.seed,
  });
  return model;
}

export interface PtqComparison {
  float: ModelReport;
  a: ModelReport;
  b: ModelReport;
}

/** Float against A against B on the test set. */
export function comparePtq(
  model: Mlp,
  split: DigitsSplit,
  schemes: { a: Scheme; b: Scheme },
  biases: boolean,
): PtqComparison {
  const run = (scheme: Scheme): ModelReport => {
    const q = quantizeMlp(model, scheme, { biases });
    return { ...evaluate(q.model, split.test), layers: q.layers };
  };
  return { float: { ...evaluate(model, split.test), layers: null }, a: run(schemes.a), b: run(schemes.b) };
}

export const SWEEP_BITS: readonly number[] = [2, 3, 4, 5, 6, 7, 8];

export interface SweepSeries {
  label: string;
  /** Test accuracy per entry of `bits`. */
  accuracy: number[];
}

export interface BitsSweep {
  bits: number[];
  series: SweepSeries[];
  floatAccuracy: number;
  /** Why a series is not the scheme the user picked (a format with a fixed number of bits). */
  notes: string[];
}

function integerAt(method: 'absmax' | 'zeroPoint', granularity: Granularity): (bits: number) => Scheme {
  return (bits) => ({
    kind: 'integer',
    method,
    bits,
    granularity,
    rounding: { kind: 'halfEven' },
    clipping: { kind: 'none' },
  });
}

const METHOD_LABEL = { absmax: 'absmax', zeroPoint: 'zero-point' } as const;

function granularityLabel(g: Granularity): string {
  return g.kind === 'group' ? `group of ${g.size}` : g.kind === 'tensor' ? 'per tensor' : `per ${g.kind}`;
}

/** The two series' schemes as functions of the bit width, with a note where a scheme had to be replaced. */
export function sweepSeriesSchemes(
  settings: LabSweepSettings,
  schemes: { a: Scheme; b: Scheme },
): { label: string; at: (bits: number) => Scheme }[] & { notes?: string[] } {
  const notes: string[] = [];
  if (settings.mode === 'methods') {
    const g = settings.granularity;
    return Object.assign(
      (['absmax', 'zeroPoint'] as const).map((m) => ({
        label: `${METHOD_LABEL[m]}, ${granularityLabel(g)}`,
        at: integerAt(m, g),
      })),
      { notes },
    );
  }
  const series = (['a', 'b'] as const).map((c, i) => {
    const s = schemes[c];
    const name = c.toUpperCase();
    if (s.kind === 'integer') {
      return {
        label: `${name}: ${METHOD_LABEL[s.method]}, ${granularityLabel(s.granularity)}`,
        at: (bits: number): Scheme => ({ ...s, bits }),
      };
    }
    if (s.kind === 'kmeans') {
      return {
        label: `${name}: k-means, ${granularityLabel(s.granularity)}`,
        at: (bits: number): Scheme => ({ ...s, bits }),
      };
    }
    const method = i === 0 ? 'absmax' : 'zeroPoint';
    notes.push(
      `Scheme ${name} has a fixed number of bits; its series is ${METHOD_LABEL[method]} ${granularityLabel(settings.granularity)} instead.`,
    );
    return {
      label: `${name}→${METHOD_LABEL[method]}, ${granularityLabel(settings.granularity)}`,
      at: integerAt(method, settings.granularity),
    };
  });
  return Object.assign(series, { notes });
}

/** Test accuracy of PTQ at 2..8 bits for two series of schemes. */
export function sweepBits(
  model: Mlp,
  split: DigitsSplit,
  settings: LabSweepSettings,
  schemes: { a: Scheme; b: Scheme },
  biases: boolean,
): BitsSweep {
  const plan = sweepSeriesSchemes(settings, schemes);
  // 14 networks on one test set, made and evaluated in the dense kernel's memory where it runs (the same figures as
  // accuracyOf(dequantizeMlp(...)), in a fraction of the time)
  const probe = sweepProbe(model, split.test, biases);
  try {
    const series = plan.map(({ label, at }) => {
      const accuracy = SWEEP_BITS.map((bits) => probe.accuracy(at(bits)));
      return { label, accuracy };
    });
    return {
      bits: [...SWEEP_BITS],
      series,
      floatAccuracy: probe.floatAccuracy(),
      notes: plan.notes ?? [],
    };
  } finally {
    probe.release();
  }
}

/** A histogram of values with a grid of quantization levels, for "weights gather at the levels". */
export interface WeightHistogram {
  edges: Float64Array;
  before: Uint32Array;
  after: Uint32Array;
  /** The grid of group 0 (the whole tensor when per tensor) before and after. */
  levelsBefore: Float32Array;
  levelsAfter: Float32Array;
  /** What the values are: "fc1, all weights" or "fc1, group 0". */
  label: string;
}

function groupValues(weight: Float32Array, rows: number, cols: number, g: Granularity): Float32Array {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (groupOf(g, cols, r, c) === 0) out.push(weight[r * cols + c]);
  }
  return Float32Array.from(out);
}

/** Group 0 of fc1 before and after, on shared bins, with each one's grid. */
export function weightHistogram(before: Mlp, after: Mlp, scheme: Scheme, bins = 80): WeightHistogram {
  const l0 = before.layers[0];
  const l1 = after.layers[0];
  const qb = quantize(createTensor(l0.outputs, l0.inputs, l0.weight), scheme);
  const qa = quantize(createTensor(l1.outputs, l1.inputs, l1.weight), scheme);
  const vb = groupValues(l0.weight, l0.outputs, l0.inputs, qb.granularity);
  const va = groupValues(l1.weight, l1.outputs, l1.inputs, qa.granularity);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of [vb, va]) {
    for (const x of v) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + ((hi - lo) * i) / bins;
  const count = (v: Float32Array) => {
    const out = new Uint32Array(bins);
    for (const x of v) out[Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * bins)))]++;
    return out;
  };
  const all = qb.granularity.kind === 'tensor';
  return {
    edges,
    before: count(vb),
    after: count(va),
    levelsBefore: qb.levelsOf(0).slice(),
    levelsAfter: qa.levelsOf(0).slice(),
    label: all ? 'fc1, all weights' : 'fc1, group 0',
  };
}

export interface QatEpoch extends EpochReport {}

export interface QatResult {
  /** Test accuracy of the PTQ model the run starts from (epoch 0). */
  startAccuracy: number;
  epochs: EpochReport[];
  final: ModelReport;
  histogram: WeightHistogram;
}

/**
 * QAT for one scheme: from the trained float model (fine-tuning) or from the random initialisation (from
 * scratch), `settings.epochs` epochs of training with fake-quantized weights and the (clipped) STE. Yields each
 * epoch; returns the quantized model's report and the weight histograms before and after.
 */
export function* runQat(
  floatModel: Mlp,
  split: DigitsSplit,
  modelSettings: LabModelSettings,
  settings: LabQatSettings,
  scheme: Scheme,
  biases: boolean,
): Generator<EpochReport, QatResult> {
  const start =
    settings.start === 'float'
      ? cloneMlp(floatModel)
      : createMlp(layerSizes(modelSettings), modelSettings.seed);
  const before = cloneMlp(start);
  const startAccuracy = evaluate(dequantizeMlp(start, scheme, { biases }), split.test).accuracy;
  const fq = fakeQuantizer(scheme, { biases, clipped: settings.ste === 'clipped' });
  const epochs: EpochReport[] = [];
  for (const report of trainEpochs(start, split, {
    epochs: settings.epochs,
    batchSize: modelSettings.batchSize,
    learningRate: settings.learningRate,
    seed: modelSettings.seed + 1,
    fakeQuantize: fq,
  })) {
    epochs.push(report);
    yield report;
  }
  const q = quantizeMlp(start, scheme, { biases });
  return {
    startAccuracy,
    epochs,
    final: { ...evaluate(q.model, split.test), layers: q.layers },
    histogram: weightHistogram(before, start, scheme),
  };
}

export interface ActivationResult {
  /** Accuracy with float activations (and the chosen weights). */
  baseline: { accuracy: number; loss: number };
  dynamic: { accuracy: number; loss: number };
  static: { accuracy: number; loss: number };
  /** The calibrated range per hidden layer. */
  ranges: Range[];
  /** fc1's activations over the test set, with the calibrated range, for the histogram. */
  histogram: { edges: Float64Array; counts: Uint32Array; layer: string };
  /** Share of fc1's test activations outside the static range (clipped by static quantization). */
  clippedFraction: number;
}

export function calibrationOf(settings: LabActivationSettings): Calibration {
  if (settings.calibration === 'percentile') return { kind: 'percentile', percentile: settings.percentile };
  if (settings.calibration === 'ema')
    return { kind: 'ema', averagingConstant: settings.averagingConstant, batchSize: 16 };
  return { kind: 'minmax' };
}

/** Static against dynamic quantization of the hidden activations. */
export function compareActivations(
  floatModel: Mlp,
  split: DigitsSplit,
  settings: LabActivationSettings,
  schemeA: Scheme,
  biases: boolean,
  bins = 60,
): ActivationResult {
  const model = settings.weights === 'a' ? quantizeMlp(floatModel, schemeA, { biases }).model : floatModel;
  const scheme: ActivationScheme = { bits: settings.bits, method: settings.method };
  const ranges = calibrateRanges(model, split.train, settings.samples, calibrationOf(settings));
  const pick = (e: Evaluation) => ({ accuracy: e.accuracy, loss: e.loss });
  const acts = hiddenActivations(model, split.test, split.test.n)[0];
  let hi = ranges[0][1];
  for (const v of acts) if (v > hi) hi = v;
  const lo = Math.min(0, ranges[0][0]);
  const edges = new Float64Array(bins + 1);
  const top = hi > lo ? hi : lo + 1;
  for (let i = 0; i <= bins; i++) edges[i] = lo + ((top - lo) * i) / bins;
  const counts = new Uint32Array(bins);
  let clipped = 0;
  for (const v of acts) {
    counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (top - lo)) * bins)))]++;
    if (v < ranges[0][0] || v > ranges[0][1]) clipped++;
  }
  return {
    baseline: pick(evaluate(model, split.test)),
    dynamic: pick(evaluate(model, split.test, dynamicActivationHook(scheme))),
    static: pick(evaluate(model, split.test, staticActivationHook(ranges, scheme))),
    ranges,
    histogram: { edges, counts, layer: 'fc1 (after ReLU), test set' },
    clippedFraction: acts.length ? clipped / acts.length : 0,
  };
}
