/**
 * LLM.int8() mixed-precision matrix multiplication (Dettmers et al. 2022, arXiv:2208.07339 §3.2; bitsandbytes
 * `int8_vectorwise_quant` / `int8_mixed_scaled_mm`, backends/default/ops.py), simulated exactly enough to show
 * what the decomposition buys: Y = X W with X [tokens x features] and W [features x out]. Pure ES2022.
 *
 * - Outlier features: columns of X holding any |x| >= threshold (6.0 by default). Those columns of X and rows of
 *   W are multiplied in FP16 (each value rounded to FP16, products accumulated in float64).
 * - Everything else is int8 with vector-wise absmax scales: per row of X (over the non-outlier columns, as
 *   bitsandbytes zeroes the outliers before taking row_stats) and per column of W (over all features: the weight
 *   is quantized once, before any activation is seen, as bitsandbytes stores it). q = round-half-even(fround(v *
 *   fround(127 / absmax))) as `torch.round(A * (127.0 / row_stats))` on float32.
 * - C = Xq Wq is exact (int32 range); Y = C * sx * sw / 127^2 in float64 (bitsandbytes' CUDA constant
 *   MM_DEQUANT_CONST is 1/127^2; its pure-PyTorch fallback writes 6.200124e-05, a digit short, and rounds to FP16).
 * The reference Y_ref and both approximations are float64, so the differences shown are the quantization error only.
 */
import { EngineError } from './engineError';
import { roundToFormat } from './formats/floatFormat';
import { createRng } from './random';
import { createTensor, type Tensor2D } from './tensor';

const f = Math.fround;
const RNE_MAGIC = 6755399441055744;
const INT8_MAX = 127;

export const LLM_INT8_DEFAULT_THRESHOLD = 6;

export interface MatmulError {
  /** mean((Y - Y_ref)^2) over all tokens x out entries. */
  mse: number;
  /** max |Y - Y_ref|. */
  maxAbs: number;
}

export interface LlmInt8Result {
  tokens: number;
  out: number;
  /** Ascending feature (column of X) indices kept in FP16. */
  outlierColumns: Int32Array;
  /** Share of the values of X and W kept in FP16: (tokens + out) * outliers / ((tokens + out) * features). */
  fp16Fraction: number;
  /** X W accumulated in float64, [tokens x out] row-major. */
  yRef: Float64Array;
  /** Int8 vector-wise for the regular features + FP16 for the outlier features. */
  yMixed: Float64Array;
  /** Plain int8 vector-wise for everything (no decomposition). */
  yInt8: Float64Array;
  errorMixed: MatmulError;
  errorInt8: MatmulError;
  /**
   * Per-row scales of X (mixed: over regular columns; plain: over all columns) and per-column scales of W: the
   * absmax values (bitsandbytes' row_stats / col_stats), so a code q stands for q * scale / 127.
   */
  rowScalesMixed: Float32Array;
  rowScalesInt8: Float32Array;
  colScales: Float32Array;
  /** X's int8 codes [tokens x features], mixed: 0 in the outlier columns (those go through FP16 instead). */
  xCodesMixed: Int8Array;
  /** X's int8 codes [tokens x features] without the decomposition. */
  xCodesInt8: Int8Array;
  /** W's int8 codes [features x out] (the same in both products). */
  wCodes: Int8Array;
}

/** round-half-even(fround(v * fround(127 / absmax))); an all-zero vector (absmax 0) gives 0. */
function quantizeInt8(v: number, factor: number): number {
  if (factor === 0) return 0;
  const t = f(v * factor);
  return t + RNE_MAGIC - RNE_MAGIC;
}

function scaleFactor(absmax: number): number {
  return absmax > 0 ? f(INT8_MAX / absmax) : 0;
}

function errorOf(y: Float64Array, ref: Float64Array): MatmulError {
  let sse = 0;
  let maxAbs = 0;
  for (let i = 0; i < y.length; i++) {
    const e = Math.abs(y[i] - ref[i]);
    sse += e * e;
    if (e > maxAbs) maxAbs = e;
  }
  return { mse: sse / y.length, maxAbs };
}

/**
 * Simulates LLM.int8() on Y = X W and measures both int8 variants against the float64 product.
 * E.g. with threshold 6 and one activation column of magnitude 60, plain int8 spends its 127 levels per token on
 * that outlier, while the mixed product keeps it in FP16 and quantizes the rest with a 10x finer step.
 */
export function simulateLlmInt8(
  x: Tensor2D,
  w: Tensor2D,
  threshold = LLM_INT8_DEFAULT_THRESHOLD,
): LlmInt8Result {
  const tokens = x.rows;
  const features = x.cols;
  const out = w.cols;
  if (w.rows !== features) {
    throw new EngineError('w', `W must have ${features} rows (one per feature of X), got ${w.rows}`);
  }
  if (!(threshold > 0)) throw new EngineError('threshold', `threshold must be positive (got ${threshold})`);
  for (const [name, t] of [
    ['x', x],
    ['w', w],
  ] as const) {
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]))
        throw new EngineError(name, `${name.toUpperCase()} holds a non-finite value at ${i}`);
    }
  }
  const X = x.data;
  const W = w.data;

  const isOutlier = new Uint8Array(features);
  for (let t = 0; t < tokens; t++) {
    for (let c = 0; c < features; c++) if (Math.abs(X[t * features + c]) >= threshold) isOutlier[c] = 1;
  }
  const outliers: number[] = [];
  for (let c = 0; c < features; c++) if (isOutlier[c]) outliers.push(c);
  const outlierColumns = Int32Array.from(outliers);

  // Scales: per row of X (mixed: regular columns only; plain: all), per column of W (all features).
  const rowScalesMixed = new Float32Array(tokens);
  const rowScalesInt8 = new Float32Array(tokens);
  for (let t = 0; t < tokens; t++) {
    let regular = 0;
    let all = 0;
    for (let c = 0; c < features; c++) {
      const a = Math.abs(X[t * features + c]);
      if (a > all) all = a;
      if (!isOutlier[c] && a > regular) regular = a;
    }
    rowScalesMixed[t] = regular;
    rowScalesInt8[t] = all;
  }
  const colScales = new Float32Array(out);
  for (let c = 0; c < features; c++) {
    for (let o = 0; o < out; o++) {
      const a = Math.abs(W[c * out + o]);
      if (a > colScales[o]) colScales[o] = a;
    }
  }

  const Wq = new Int8Array(features * out);
  for (let o = 0; o < out; o++) {
    const k = scaleFactor(colScales[o]);
    for (let c = 0; c < features; c++) Wq[c * out + o] = quantizeInt8(W[c * out + o], k);
  }
  const W16 = new Float64Array(outlierColumns.length * out);
  outlierColumns.forEach((c, j) => {
    for (let o = 0; o < out; o++) W16[j * out + o] = roundToFormat('fp16', W[c * out + o]);
  });

  const yRef = new Float64Array(tokens * out);
  const yMixed = new Float64Array(tokens * out);
  const yInt8 = new Float64Array(tokens * out);
  const xCodesMixed = new Int8Array(tokens * features);
  const xCodesInt8 = new Int8Array(tokens * features);
  const x16 = new Float64Array(outlierColumns.length);
  const cMixed = new Float64Array(out);
  const cPlain = new Float64Array(out);
  const dequant = 1 / (INT8_MAX * INT8_MAX);

  for (let t = 0; t < tokens; t++) {
    const row = t * features;
    const kMixed = scaleFactor(rowScalesMixed[t]);
    const kPlain = scaleFactor(rowScalesInt8[t]);
    const xqMixed = xCodesMixed.subarray(row, row + features);
    const xqPlain = xCodesInt8.subarray(row, row + features);
    for (let c = 0; c < features; c++) {
      const v = X[row + c];
      xqMixed[c] = isOutlier[c] ? 0 : quantizeInt8(v, kMixed);
      xqPlain[c] = quantizeInt8(v, kPlain);
    }
    outlierColumns.forEach((c, j) => {
      x16[j] = roundToFormat('fp16', X[row + c]);
    });
    cMixed.fill(0);
    cPlain.fill(0);
    const ref = yRef.subarray(t * out, (t + 1) * out);
    const mixed = yMixed.subarray(t * out, (t + 1) * out);
    for (let c = 0; c < features; c++) {
      const v = X[row + c];
      const qm = xqMixed[c];
      const qp = xqPlain[c];
      const wRow = c * out;
      for (let o = 0; o < out; o++) {
        ref[o] += v * W[wRow + o];
        const wq = Wq[wRow + o];
        cMixed[o] += qm * wq; // integers: exact in float64 (|C| < 2^53)
        cPlain[o] += qp * wq;
      }
    }
    for (let j = 0; j < x16.length; j++) {
      const v = x16[j];
      for (let o = 0; o < out; o++) mixed[o] += v * W16[j * out + o];
    }
    for (let o = 0; o < out; o++) {
      mixed[o] += cMixed[o] * rowScalesMixed[t] * colScales[o] * dequant;
      yInt8[t * out + o] = cPlain[o] * rowScalesInt8[t] * colScales[o] * dequant;
    }
  }

  return {
    tokens,
    out,
    outlierColumns,
    fp16Fraction: (outlierColumns.length * (tokens + out)) / (features * (tokens + out)),
    yRef,
    yMixed,
    yInt8,
    errorMixed: errorOf(yMixed, yRef),
    errorInt8: errorOf(yInt8, yRef),
    rowScalesMixed,
    rowScalesInt8,
    colScales,
    xCodesMixed,
    xCodesInt8,
    wCodes: Wq,
  };
}

export interface OutlierActivationParams {
  tokens: number;
  features: number;
  /** How many feature columns carry outliers (LLM.int8() §4: few, systematic, e.g. 6 of 4096). */
  outlierFeatures: number;
  /** Typical outlier magnitude (the paper sees up to 20x the usual values; default 20). */
  outlierMagnitude?: number;
  /** Share of tokens in which an outlier column is large (default 0.5). */
  outlierTokenShare?: number;
  seed: number;
}

/**
 * Seeded activations with a few outlier features: N(0, 1) everywhere; in `outlierFeatures` columns (spread evenly
 * over the features), a share of tokens holds magnitude * (0.75 .. 1.25) with the column's fixed sign, as the
 * systematic outliers of LLM.int8() §4 do. Deterministic across machines (the engine's seeded generator).
 * E.g. generateOutlierActivations({ tokens: 64, features: 256, outlierFeatures: 3, seed: 1 }) -> 64 x 256.
 */
export function generateOutlierActivations(params: OutlierActivationParams): Tensor2D {
  const { tokens, features, outlierFeatures, seed } = params;
  const magnitude = params.outlierMagnitude ?? 20;
  const share = params.outlierTokenShare ?? 0.5;
  if (!(Number.isInteger(outlierFeatures) && outlierFeatures >= 0 && outlierFeatures <= features)) {
    throw new EngineError(
      'outlierFeatures',
      `outlierFeatures must be an integer 0..${features} (got ${outlierFeatures})`,
    );
  }
  const rng = createRng(seed);
  const data = new Float32Array(tokens * features);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  for (let k = 0; k < outlierFeatures; k++) {
    const c = Math.floor(((k + 0.5) * features) / outlierFeatures);
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    for (let t = 0; t < tokens; t++) {
      if (rng.uniform() < share) data[t * features + c] = sign * magnitude * (0.75 + 0.5 * rng.uniform());
    }
  }
  return createTensor(tokens, features, data);
}

/** Seeded weights W [features x out], N(0, 1 / features) (a variance-preserving linear layer). */
export function generateLinearWeights(features: number, out: number, seed: number): Tensor2D {
  const rng = createRng(seed);
  const std = 1 / Math.sqrt(features);
  return createTensor(
    features,
    out,
    Float32Array.from({ length: features * out }, () => rng.normal() * std),
  );
}
