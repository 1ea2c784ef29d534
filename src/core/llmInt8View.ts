/**
 * What the LLM.int8() view draws, from `simulateLlmInt8` (llmInt8.ts) on the resident weight matrix and seeded
 * activations with outlier features. Orientation: the matrix is an `nn.Linear.weight` [out, in] (tensor.ts), so
 * W = weight^T is [features = in = cols, out = rows] and Y = X W is [tokens, out], as the layer computes
 * x @ weight.T. Only small arrays leave: per-feature max |x|, two downsampled |Y error| grids and a histogram of
 * Y error for both products over shared edges. Pure ES2022.
 */
import { EngineError } from './engineError';
import { binOf, createBinner, createEdges } from './histogram';
import {
  generateOutlierActivations,
  LLM_INT8_DEFAULT_THRESHOLD,
  type MatmulError,
  simulateLlmInt8,
} from './llmInt8';
import type { Tensor2D } from './tensor';
import type { Heatmap } from './view';

export interface LlmInt8Params {
  /** Rows of X (tokens), 1..4096. */
  tokens: number;
  /** Feature columns of X that carry outliers, 0..features. */
  outlierFeatures: number;
  /** Typical outlier magnitude (LLM.int8() §4 sees up to 20x the usual values), (0, 1e4]. */
  outlierMagnitude: number;
  /** |x| at or above which a feature column is kept in FP16 (bitsandbytes default 6.0), > 0. */
  threshold: number;
  seed: number;
}

export const DEFAULT_LLM_INT8_PARAMS: LlmInt8Params = {
  tokens: 64,
  outlierFeatures: 4,
  outlierMagnitude: 20,
  threshold: LLM_INT8_DEFAULT_THRESHOLD,
  seed: 7,
};

/** Y - Y_ref of both products over the same edges. */
export interface ErrorHistogramPair {
  edges: Float64Array;
  int8: Uint32Array;
  mixed: Uint32Array;
}

export interface LlmInt8View {
  tokens: number;
  features: number;
  /** Output channels of the matrix, and how many were used (the first ones). */
  out: number;
  outUsed: number;
  threshold: number;
  /** Ascending feature indices kept in FP16. */
  outlierColumns: Int32Array;
  /** max |x| of each feature column of X (length features). */
  featureAbsMax: Float32Array;
  /** Share of the values of X and W kept in FP16. */
  fp16Fraction: number;
  errorMixed: MatmulError;
  errorInt8: MatmulError;
  /** sqrt(mean(Y_ref^2)), for scale. */
  yRms: number;
  /** |Y - Y_ref| averaged over cells (rows = tokens, cols = outputs), same geometry for both products. */
  heatmapMixed: Heatmap;
  heatmapInt8: Heatmap;
  errorHistogram: ErrorHistogramPair;
  elapsedMs: number;
}

/** Multiply-adds one call may spend (tokens x features x outputs used): about 0.1 s per product in V8. */
export const LLM_INT8_MAX_WORK = 1 << 24;
const HEATMAP_MAX_CELLS = 96;
const ERROR_BINS = 60;

/** The parameters' bounds (validateLlmInt8Params checks them; a link's `llm.*` fields read them from here). */
export const LLM_INT8_LIMITS = {
  tokens: { min: 1, max: 4096 },
  /** Outlier magnitude in (0, max]. */
  outlierMagnitudeMax: 1e4,
  seed: { min: 0, max: 0xffffffff },
} as const;

function check(field: string, ok: boolean, message: string): void {
  if (!ok) throw new EngineError(field, message);
}

/** Refuses parameters the simulation cannot use, naming the field. */
export function validateLlmInt8Params(p: LlmInt8Params, features: number): void {
  check(
    'tokens',
    Number.isInteger(p.tokens) &&
      p.tokens >= LLM_INT8_LIMITS.tokens.min &&
      p.tokens <= LLM_INT8_LIMITS.tokens.max,
    `tokens must be an integer in ${LLM_INT8_LIMITS.tokens.min}..${LLM_INT8_LIMITS.tokens.max} (got ${p.tokens})`,
  );
  check(
    'outlierFeatures',
    Number.isInteger(p.outlierFeatures) && p.outlierFeatures >= 0 && p.outlierFeatures <= features,
    `outlier features must be an integer in 0..${features} (got ${p.outlierFeatures})`,
  );
  check(
    'outlierMagnitude',
    p.outlierMagnitude > 0 && p.outlierMagnitude <= LLM_INT8_LIMITS.outlierMagnitudeMax,
    `outlier magnitude must be in (0, ${LLM_INT8_LIMITS.outlierMagnitudeMax}] (got ${p.outlierMagnitude})`,
  );
  check(
    'threshold',
    p.threshold > 0 && Number.isFinite(p.threshold),
    `threshold must be a positive number (got ${p.threshold})`,
  );
  check(
    'seed',
    Number.isInteger(p.seed) && p.seed >= LLM_INT8_LIMITS.seed.min && p.seed <= LLM_INT8_LIMITS.seed.max,
    `seed must be an integer in ${LLM_INT8_LIMITS.seed.min}..${LLM_INT8_LIMITS.seed.max} (got ${p.seed})`,
  );
}

/** W = the first `outUsed` rows of weight, transposed: [cols x outUsed] row-major. */
export function transposeRows(weight: Tensor2D, outUsed: number): Tensor2D {
  const { cols } = weight;
  const data = new Float32Array(cols * outUsed);
  for (let o = 0; o < outUsed; o++) {
    const row = o * cols;
    for (let c = 0; c < cols; c++) data[c * outUsed + o] = weight.data[row + c];
  }
  return { rows: cols, cols: outUsed, data };
}

/** Mean |y - ref| over cells of at most maxCells per side, each covering whole rows and columns. */
export function downsampleAbsError(
  y: Float64Array,
  ref: Float64Array,
  rows: number,
  cols: number,
  maxCells = HEATMAP_MAX_CELLS,
): Heatmap {
  const rowsPerCell = Math.ceil(rows / Math.min(rows, maxCells));
  const colsPerCell = Math.ceil(cols / Math.min(cols, maxCells));
  const gridRows = Math.ceil(rows / rowsPerCell);
  const gridCols = Math.ceil(cols / colsPerCell);
  const sums = new Float64Array(gridRows * gridCols);
  const counts = new Float64Array(gridRows * gridCols);
  for (let r = 0; r < rows; r++) {
    const gr = Math.floor(r / rowsPerCell) * gridCols;
    for (let c = 0; c < cols; c++) {
      const k = gr + Math.floor(c / colsPerCell);
      sums[k] += Math.abs(y[r * cols + c] - ref[r * cols + c]);
      counts[k]++;
    }
  }
  const meanAbsError = new Float32Array(sums.length);
  let max = 0;
  for (let k = 0; k < sums.length; k++) {
    meanAbsError[k] = sums[k] / counts[k];
    if (meanAbsError[k] > max) max = meanAbsError[k];
  }
  return { gridRows, gridCols, rowsPerCell, colsPerCell, meanAbsError, max };
}

function errorHistogram(a: Float64Array, b: Float64Array, ref: Float64Array): ErrorHistogramPair {
  let bound = 0;
  for (let i = 0; i < ref.length; i++) {
    bound = Math.max(bound, Math.abs(a[i] - ref[i]), Math.abs(b[i] - ref[i]));
  }
  const edges = createEdges(-bound, bound, ERROR_BINS);
  const binner = createBinner(edges);
  const int8 = new Uint32Array(ERROR_BINS);
  const mixed = new Uint32Array(ERROR_BINS);
  const put = (out: Uint32Array, e: number) => {
    let k = binOf(binner, e);
    // The float32 outer edges can round inward past the largest error: count it in the end bin.
    if (k < 0) k = e < 0 ? 0 : ERROR_BINS - 1;
    out[k]++;
  };
  for (let i = 0; i < ref.length; i++) {
    put(int8, a[i] - ref[i]);
    put(mixed, b[i] - ref[i]);
  }
  return { edges, int8, mixed };
}

/**
 * Runs LLM.int8() on Y = X W with W = weight^T (first `outUsed` output channels, so tokens x features x outUsed
 * stays within LLM_INT8_MAX_WORK) and X = generateOutlierActivations(tokens x features, seeded).
 * E.g. on a 256 x 256 N(0, 0.02) weight with 4 outlier features of magnitude 20 and threshold 6, the 4 outlier
 * columns are found and the mixed product's MSE is far below plain int8's.
 */
export function computeLlmInt8View(
  weight: Tensor2D,
  params: LlmInt8Params,
  maxWork = LLM_INT8_MAX_WORK,
): LlmInt8View {
  const started = now();
  const features = weight.cols;
  validateLlmInt8Params(params, features);
  const out = weight.rows;
  const outUsed = Math.max(1, Math.min(out, Math.floor(maxWork / (params.tokens * features))));
  const w = transposeRows(weight, outUsed);
  const x = generateOutlierActivations({
    tokens: params.tokens,
    features,
    outlierFeatures: params.outlierFeatures,
    outlierMagnitude: params.outlierMagnitude,
    seed: params.seed,
  });
  const r = simulateLlmInt8(x, w, params.threshold);

  const featureAbsMax = new Float32Array(features);
  for (let t = 0; t < params.tokens; t++) {
    for (let c = 0; c < features; c++) {
      const a = Math.abs(x.data[t * features + c]);
      if (a > featureAbsMax[c]) featureAbsMax[c] = a;
    }
  }
  let sumSq = 0;
  for (let i = 0; i < r.yRef.length; i++) sumSq += r.yRef[i] * r.yRef[i];

  return {
    tokens: params.tokens,
    features,
    out,
    outUsed,
    threshold: params.threshold,
    outlierColumns: r.outlierColumns,
    featureAbsMax,
    fp16Fraction: r.fp16Fraction,
    errorMixed: r.errorMixed,
    errorInt8: r.errorInt8,
    yRms: Math.sqrt(sumSq / r.yRef.length),
    heatmapMixed: downsampleAbsError(r.yMixed, r.yRef, params.tokens, outUsed),
    heatmapInt8: downsampleAbsError(r.yInt8, r.yRef, params.tokens, outUsed),
    errorHistogram: errorHistogram(r.yInt8, r.yMixed, r.yRef),
    elapsedMs: now() - started,
  };
}

/** A monotonic clock without DOM or Node typings (the core's tsconfig has neither). */
function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}
