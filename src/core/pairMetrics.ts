/**
 * The error metrics of a pair (x, x_hat) with the definitions the views use: the engine's own measuring loop
 * (fusedPass.ts `runSegment`, the path every non-integer format takes) and its own summary (Σx² and the finite
 * count from `summarizeWithSquares`), so a dequantized tensor made elsewhere (a GPTQ checkpoint, another tool)
 * is measured exactly as the explorer measures its own. Pure ES2022.
 */
import { EngineError } from './engineError';
import { ACC, type PassContext, runSegment } from './fusedPass';
import { summarizeWithSquares } from './generators';
import type { Metrics } from './view';

/** The error part of `Metrics` (the storage part needs a scheme). */
export type ErrorMetrics = Pick<
  Metrics,
  'count' | 'nonFinite' | 'mse' | 'rmse' | 'maxAbsError' | 'meanError' | 'sqnrDb' | 'clippedFraction'
>;

/**
 * The error metrics from the pass's accumulators (indexed by ACC), the finite count, Σx² over the finite values
 * and the non-finite count: the one place these definitions live (quantView.ts builds the views' metrics here).
 */
export function errorMetricsOf(
  acc: Float64Array,
  count: number,
  sumSquares: number,
  nonFinite: number,
): ErrorMetrics {
  const sse = acc[ACC.sse];
  const mse = count > 0 ? sse / count : 0;
  return {
    count,
    nonFinite,
    mse,
    rmse: Math.sqrt(mse),
    maxAbsError: Math.sqrt(acc[ACC.maxErr2]),
    meanError: count > 0 ? acc[ACC.sumErr] / count : 0,
    sqnrDb: sse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(sumSquares / sse),
    clippedFraction: count > 0 ? acc[ACC.clipped] / count : 0,
  };
}

export interface PairMetricsOptions {
  /**
   * The clipping range [lo, hi] for `clippedFraction` (the share of x outside it). Default: the span of the
   * finite x_hat values paired with finite x, i.e. the grid's reached ends.
   */
  clipRange?: { lo: number; hi: number };
}

/**
 * Measures x_hat against x (same length, read as float32 as the engine reads tensors): MSE, RMSE, max |error|,
 * mean error (bias, mean(x_hat - x)), SQNR in dB and the clipped share, over the positions where x is finite
 * (NaN / ±Inf in x are counted in `nonFinite` and left out, as the views do; a non-finite x_hat where x is
 * finite makes the error metrics non-finite, which is what it is).
 * E.g. measurePair([1, 2, 3, 4], [1, 2, 3, 5]) -> mse 0.25, maxAbsError 1, meanError 0.25, sqnrDb 10 log10(30).
 */
export function measurePair(
  x: ArrayLike<number>,
  xHat: ArrayLike<number>,
  options: PairMetricsOptions = {},
): ErrorMetrics {
  if (x.length !== xHat.length)
    throw new EngineError('xHat', `x_hat has ${xHat.length} values but x has ${x.length}: they must pair up`);
  const n = x.length;
  if (n === 0) throw new EngineError('x', 'x is empty: there is nothing to measure');
  const xs = x instanceof Float32Array ? x : Float32Array.from(x);
  const deq = xHat instanceof Float32Array ? xHat : Float32Array.from(xHat);
  const { summary, sumSquares } = summarizeWithSquares({ rows: 1, cols: n, data: xs });
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (options.clipRange) {
    ({ lo, hi } = options.clipRange);
    if (!(lo <= hi)) throw new EngineError('clipRange', `clipRange needs lo <= hi (got [${lo}, ${hi}])`);
  } else {
    for (let i = 0; i < n; i++) {
      const v = deq[i];
      if (xs[i] - xs[i] !== 0 || v - v !== 0) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const ctx: PassContext = {
    x: xs,
    codes: new Int16Array(n),
    deq,
    step: new Float32Array(1),
    zero: new Float64Array(1),
    lo: Float32Array.of(lo),
    hi: Float32Array.of(hi),
    qmin: 0,
    qmax: 0,
    rounding: 0,
    rng: null,
    codeCounts: new Uint32Array(1 << 16),
    codeOffset: 0,
    deqHist: null,
    segCounts: null,
    deqEdges: Float64Array.of(0, 1),
    errHist: new Uint32Array(1),
    errEdges: Float64Array.of(0, 1),
    rowSse: new Float64Array(1),
    heat: new Float64Array(1),
    colsPerCell: n + 1,
    acc: new Float64Array(Object.keys(ACC).length),
  };
  runSegment(ctx, false, 0, 0, n, 0, 0, false, 0);
  return errorMetricsOf(ctx.acc, summary.count, sumSquares, summary.nonFinite);
}
