/**
 * The model lab's settings as plain JSON (they live in the URL, cross the worker boundary and key the results),
 * their defaults, limits, and the checks of untrusted input: the first bad field is named in an EngineError.
 */
import { EngineError } from '../engineError';
import type { Granularity, IntegerMethod } from '../scheme';
import { validateGranularity } from '../validate';

/** What a trained float model is made from; the same settings give the same model on every machine. */
export interface LabModelSettings {
  /** Units of the first hidden layer (16..128). */
  hidden: number;
  /** Units of an optional second hidden layer (0 = none, else 8..128). */
  hidden2: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/**
 * 64-32-10 with Adam at 1e-2, batches of 64, 20 epochs: test accuracy about 97-98 % in a few hundred ms (the NumPy
 * prototype of MODELS.md used 30 epochs; 20 reach the same accuracy here with less time).
 */
export const DEFAULT_LAB_MODEL: LabModelSettings = {
  hidden: 32,
  hidden2: 0,
  epochs: 20,
  batchSize: 64,
  learningRate: 0.01,
  seed: 1,
};

export const LAB_LIMITS = {
  hidden: [16, 128],
  hidden2: [8, 128],
  epochs: [1, 200],
  batchSize: [1, 1437],
  learningRate: [1e-5, 1],
  qatEpochs: [1, 50],
  samples: [1, 1437],
  percentile: [50, 100],
  averagingConstant: [0.001, 1],
} as const;

export type SweepMode = 'methods' | 'schemes';

/** "Accuracy against bits": absmax against zero-point at one granularity, or A's family against B's. */
export interface LabSweepSettings {
  mode: SweepMode;
  granularity: Granularity;
}

export type SteKind = 'plain' | 'clipped';

export interface LabQatSettings {
  /** Which scheme (the explorer's A or B) the network is trained for. */
  scheme: 'a' | 'b';
  epochs: number;
  learningRate: number;
  ste: SteKind;
  /** Fine-tune the trained float model, or train from the random initialisation with fake quantization. */
  start: 'float' | 'scratch';
}

export type CalibrationKind = 'minmax' | 'percentile' | 'ema';

export interface LabActivationSettings {
  bits: number;
  method: IntegerMethod;
  calibration: CalibrationKind;
  /** Calibration images (the first N of the shuffled training set). */
  samples: number;
  percentile: number;
  averagingConstant: number;
  /** The weights under the quantized activations: float, or quantized with scheme A. */
  weights: 'float' | 'a';
}

export interface LabSettings {
  model: LabModelSettings;
  /** Quantize biases too (else float32). */
  biases: boolean;
  sweep: LabSweepSettings;
  qat: LabQatSettings;
  activations: LabActivationSettings;
}

export const DEFAULT_LAB_SETTINGS: LabSettings = {
  model: DEFAULT_LAB_MODEL,
  biases: false,
  sweep: { mode: 'methods', granularity: { kind: 'tensor' } },
  qat: { scheme: 'b', epochs: 5, learningRate: 0.003, ste: 'plain', start: 'float' },
  activations: {
    bits: 8,
    method: 'zeroPoint',
    calibration: 'minmax',
    samples: 256,
    percentile: 99.9,
    averagingConstant: 0.1,
    weights: 'float',
  },
};

type Obj = Record<string, unknown>;

function objectAt(v: unknown, field: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new EngineError(field, `${field} must be an object`);
  return v as Obj;
}

export function intIn(v: unknown, field: string, [lo, hi]: readonly [number, number]): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new EngineError(field, `${field} must be an integer in ${lo}..${hi} (got ${String(v)})`);
  }
  return v;
}

export function numberIn(v: unknown, field: string, [lo, hi]: readonly [number, number]): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new EngineError(field, `${field} must be a number in ${lo}..${hi} (got ${String(v)})`);
  }
  return v;
}

export function oneOf<T extends string>(v: unknown, field: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw new EngineError(field, `${field} must be one of ${options.join(', ')} (got ${String(v)})`);
  }
  return v as T;
}

export function validateLabModel(input: unknown): LabModelSettings {
  const o = objectAt(input, 'model');
  const hidden2 = o.hidden2 === 0 ? 0 : intIn(o.hidden2, 'hidden2', LAB_LIMITS.hidden2);
  return {
    hidden: intIn(o.hidden, 'hidden', LAB_LIMITS.hidden),
    hidden2,
    epochs: intIn(o.epochs, 'epochs', LAB_LIMITS.epochs),
    batchSize: intIn(o.batchSize, 'batchSize', LAB_LIMITS.batchSize),
    learningRate: numberIn(o.learningRate, 'learningRate', LAB_LIMITS.learningRate),
    seed: intIn(o.seed, 'seed', [0, 2 ** 31 - 1]),
  };
}

export function validateSweepSettings(input: unknown): LabSweepSettings {
  const o = objectAt(input, 'sweep');
  return {
    mode: oneOf(o.mode, 'sweep.mode', ['methods', 'schemes'] as const),
    granularity: validateGranularity(o.granularity, 'sweep.granularity'),
  };
}

export function validateQatSettings(input: unknown): LabQatSettings {
  const o = objectAt(input, 'qat');
  return {
    scheme: oneOf(o.scheme, 'qat.scheme', ['a', 'b'] as const),
    epochs: intIn(o.epochs, 'qat.epochs', LAB_LIMITS.qatEpochs),
    learningRate: numberIn(o.learningRate, 'qat.learningRate', LAB_LIMITS.learningRate),
    ste: oneOf(o.ste, 'qat.ste', ['plain', 'clipped'] as const),
    start: oneOf(o.start, 'qat.start', ['float', 'scratch'] as const),
  };
}

export function validateActivationSettings(input: unknown): LabActivationSettings {
  const o = objectAt(input, 'activations');
  return {
    bits: intIn(o.bits, 'act.bits', [2, 8]),
    method: oneOf(o.method, 'act.method', ['absmax', 'zeroPoint'] as const),
    calibration: oneOf(o.calibration, 'act.calibration', ['minmax', 'percentile', 'ema'] as const),
    samples: intIn(o.samples, 'act.samples', LAB_LIMITS.samples),
    percentile: numberIn(o.percentile, 'act.percentile', LAB_LIMITS.percentile),
    averagingConstant: numberIn(o.averagingConstant, 'act.averagingConstant', LAB_LIMITS.averagingConstant),
    weights: oneOf(o.weights, 'act.weights', ['float', 'a'] as const),
  };
}

/** The layer sizes of a model's settings: 64 → hidden (→ hidden2) → 10. */
export function layerSizes(model: LabModelSettings): number[] {
  return model.hidden2 > 0 ? [64, model.hidden, model.hidden2, 10] : [64, model.hidden, 10];
}

/** A stable key of a model's settings (the worker's cache of trained models). */
export function modelKey(model: LabModelSettings): string {
  const m = model;
  return `${m.hidden}-${m.hidden2}-${m.epochs}-${m.batchSize}-${m.learningRate}-${m.seed}`;
}
