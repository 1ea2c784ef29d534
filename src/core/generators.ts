/**
 * Seeded weight-matrix generators. The same parameters give the same bytes on every machine
 * (see random.ts), so a shared link reproduces the matrix exactly.
 */
import { EngineError } from './engineError';
import { FLOAT32_MAX, float32ValueProblem } from './float32Limits';
import { type GeneratorParams, MAX_GENERATED_VALUES, MAX_SEED, type TensorSummary } from './generators.types';
import { createRng, type Rng, sampleLaplace, sampleStudentT } from './random';
import type { Tensor2D } from './tensor';

export type { Distribution, GeneratorParams, TensorSummary } from './generators.types';
export { DEFAULT_GENERATOR, MAX_GENERATED_VALUES } from './generators.types';

/**
 * Generates a rows x cols float32 matrix.
 * - normal: N(shift, scale^2); uniform: U(shift - scale, shift + scale); laplace: Laplace(shift, b = scale);
 * - studentT: shift + scale * t(df) (heavy tails for small df);
 * - bimodal: modes at shift +- 4 scale, each with std `scale`, equal weight;
 * - transformer: N(shift, scale^2) (scale 0.02 as in GPT-2 init) whose `outlierCols` columns (chosen by the seed)
 *   are multiplied by `outlierFactor`, plus isolated spikes (a `spikeFraction` share of elements) set to
 *   +-scale * outlierFactor * U(3, 6).
 */
export function generateTensor(params: GeneratorParams): Tensor2D {
  validateGenerator(params);
  const tensor = generateValidated(params);
  refuseOverflow(tensor.data, params);
  return tensor;
}

/**
 * A scale whose samples (tails of a few scales, ×6 × factor for outliers, unbounded for Student-t) leave the
 * float32 range gives ±Infinity values: refused, naming the scale (or the shift when the scale is small).
 */
function refuseOverflow(data: Float32Array, p: GeneratorParams): void {
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    const field = p.scale >= Math.abs(p.shift) ? 'scale' : 'shift';
    throw new EngineError(
      field,
      `scale ${p.scale} and shift ${p.shift} give values beyond the float32 range (±${FLOAT32_MAX.toExponential(3)}): lower the ${field}`,
    );
  }
}

function generateValidated(params: GeneratorParams): Tensor2D {
  const { rows, cols, distribution, scale, shift } = params;
  const rng = createRng(params.seed);
  const data = new Float32Array(rows * cols);
  const n = data.length;
  switch (distribution) {
    case 'normal':
    case 'transformer':
      for (let i = 0; i < n; i++) data[i] = shift + scale * rng.normal();
      break;
    case 'uniform':
      for (let i = 0; i < n; i++) data[i] = shift + scale * (2 * rng.uniform() - 1);
      break;
    case 'laplace':
      for (let i = 0; i < n; i++) data[i] = shift + sampleLaplace(rng, scale);
      break;
    case 'studentT':
      for (let i = 0; i < n; i++) data[i] = shift + scale * sampleStudentT(rng, params.df);
      break;
    case 'bimodal':
      for (let i = 0; i < n; i++) {
        const mode = rng.uniform() < 0.5 ? -4 : 4;
        data[i] = shift + scale * (mode + rng.normal());
      }
      break;
  }
  if (distribution === 'transformer') addOutliers(data, rows, cols, params, rng);
  return { rows, cols, data };
}

function addOutliers(data: Float32Array, rows: number, cols: number, p: GeneratorParams, rng: Rng): void {
  const outlierCols = chooseDistinct(rng, cols, Math.min(p.outlierCols, cols));
  for (const c of outlierCols) {
    for (let r = 0; r < rows; r++) {
      const i = r * cols + c;
      data[i] = p.shift + (data[i] - p.shift) * p.outlierFactor;
    }
  }
  const spikes = Math.round(p.spikeFraction * rows * cols);
  for (let k = 0; k < spikes; k++) {
    const i = Math.floor(rng.uniform() * rows * cols);
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    data[i] = p.shift + sign * p.scale * p.outlierFactor * (3 + 3 * rng.uniform());
  }
}

/** `count` distinct indices in [0, n), in the order drawn (partial Fisher-Yates over a sparse map). */
function chooseDistinct(rng: Rng, n: number, count: number): number[] {
  const swapped = new Map<number, number>();
  const chosen: number[] = [];
  for (let k = 0; k < count; k++) {
    const j = k + Math.floor(rng.uniform() * (n - k));
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(k) ?? k);
    chosen.push(atJ);
  }
  return chosen;
}

function validateGenerator(p: GeneratorParams): void {
  const positiveInt = (field: keyof GeneratorParams, v: number) => {
    if (!Number.isInteger(v) || v < 1)
      throw new EngineError(field, `${field} must be a positive integer (got ${v})`);
  };
  positiveInt('rows', p.rows);
  positiveInt('cols', p.cols);
  if (p.rows * p.cols > MAX_GENERATED_VALUES) {
    throw new EngineError(
      'rows',
      `${p.rows} x ${p.cols} is larger than the ${MAX_GENERATED_VALUES.toLocaleString('en-US')} values a generator makes`,
    );
  }
  const finite = (field: keyof GeneratorParams, v: number) => {
    if (!Number.isFinite(v)) throw new EngineError(field, `${field} must be a finite number (got ${v})`);
  };
  finite('scale', p.scale);
  finite('shift', p.shift);
  if (!(p.scale > 0)) throw new EngineError('scale', `scale must be > 0 (got ${p.scale})`);
  for (const field of ['scale', 'shift'] as const) {
    const problem = float32ValueProblem(p[field]);
    if (problem) throw new EngineError(field, `${field} ${problem} (got ${p[field]})`);
  }
  if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed > MAX_SEED) {
    throw new EngineError('seed', `seed must be an integer in 0..4294967295 (got ${p.seed})`);
  }
  if (p.distribution === 'studentT' && !(p.df > 0 && Number.isFinite(p.df))) {
    throw new EngineError('df', `degrees of freedom must be > 0 (got ${p.df})`);
  }
  if (p.distribution === 'transformer') {
    if (!Number.isInteger(p.outlierCols) || p.outlierCols < 0) {
      throw new EngineError('outlierCols', `outlier columns must be an integer >= 0 (got ${p.outlierCols})`);
    }
    finite('outlierFactor', p.outlierFactor);
    if (!(p.spikeFraction >= 0 && p.spikeFraction <= 1)) {
      throw new EngineError('spikeFraction', `spike fraction must be in [0, 1] (got ${p.spikeFraction})`);
    }
  }
  const known = ['normal', 'uniform', 'laplace', 'studentT', 'bimodal', 'transformer'];
  if (!known.includes(p.distribution)) {
    throw new EngineError(
      'distribution',
      `unknown distribution "${String(p.distribution)}" (one of ${known.join(', ')})`,
    );
  }
}

/** Shape, range and moments over the finite values; NaN and +-Inf are counted, not used. */
export function summarizeTensor(t: Tensor2D): TensorSummary {
  return summarizeWithSquares(t).summary;
}

/** The summary plus Σx² over the finite values, from the same two passes (the TensorCache needs both). */
export function summarizeWithSquares(t: Tensor2D): { summary: TensorSummary; sumSquares: number } {
  const { data } = t;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x - x !== 0) continue; // NaN or +-Inf
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    count++;
  }
  const mean = count > 0 ? sum / count : Number.NaN;
  let squares = 0;
  let sumSquares = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x - x !== 0) continue;
    const d = x - mean;
    squares += d * d;
    sumSquares += x * x;
  }
  const summary: TensorSummary = {
    rows: t.rows,
    cols: t.cols,
    count,
    nonFinite: data.length - count,
    min: count > 0 ? min : Number.NaN,
    max: count > 0 ? max : Number.NaN,
    mean,
    std: count > 0 ? Math.sqrt(squares / count) : Number.NaN,
    absmax: count > 0 ? Math.max(Math.abs(min), Math.abs(max)) : Number.NaN,
  };
  return { summary, sumSquares };
}
