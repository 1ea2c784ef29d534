/**
 * Choosing each group's clipping range before quantizing (SEMANTICS.md "Clipping"): none, manual,
 * percentile (NumPy 'linear'), and the MSE-optimal search. KL and OCTAV thresholds come from clipSearch/.
 */
import { EngineError } from './engineError';
import { absmaxStep, type CodeRange, dequantizeCode, quantizeValue, zeroPointParams } from './integer';
import { percentileInPlace } from './selection';

/** Values per group the MSE search evaluates: larger groups are subsampled with an even stride (deterministic). */
export const MSE_SEARCH_SAMPLE = 4096;
/** Candidate thresholds of the coarse grid, then of the refinement around the best. */
const COARSE_STEPS = 40;
const FINE_STEPS = 20;

/** MSE of quantizing values[0, n) with the given step / zero point, round half to even. */
export function mseOf(values: Float32Array, n: number, step: number, zero: number, range: CodeRange): number {
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const e = dequantizeCode(quantizeValue(x, step, zero, range), step, zero) - x;
    sse += e * e;
  }
  return n > 0 ? sse / n : 0;
}

/**
 * Copies values[0, n) into `out`, or an even-stride subsample of `out.length` of them when n is larger
 * (deterministic); returns how many were written.
 */
export function sampleInto(values: Float32Array, n: number, out: Float32Array): number {
  const limit = out.length;
  if (n <= limit) {
    out.set(values.subarray(0, n));
    return n;
  }
  const stride = n / limit;
  for (let k = 0; k < limit; k++) out[k] = values[Math.floor(k * stride)];
  return limit;
}

/**
 * The absmax threshold alpha in (0, amax] that minimises the MSE of values[0, n): a grid of COARSE_STEPS
 * candidates amax*k/COARSE_STEPS, then FINE_STEPS between the best one's neighbours. The error curve is not
 * convex in general, so a grid (not a bisection) is used. Returns alpha and the MSE on the values searched.
 */
export function searchAbsmaxAlpha(
  values: Float32Array,
  n: number,
  amax: number,
  range: CodeRange,
): { alpha: number; mse: number } {
  if (!(amax > 0)) return { alpha: 0, mse: 0 };
  const evaluate = (alpha: number) => mseOf(values, n, absmaxStep(alpha, range.qmax), 0, range);
  let best = { alpha: amax, mse: evaluate(amax) };
  for (let k = 1; k < COARSE_STEPS; k++) {
    const alpha = Math.fround((amax * k) / COARSE_STEPS);
    const mse = evaluate(alpha);
    if (mse < best.mse) best = { alpha, mse };
  }
  const width = amax / COARSE_STEPS;
  const from = Math.max(width / FINE_STEPS, best.alpha - width);
  const to = Math.min(amax, best.alpha + width);
  for (let k = 0; k <= FINE_STEPS; k++) {
    const alpha = Math.fround(from + ((to - from) * k) / FINE_STEPS);
    const mse = evaluate(alpha);
    if (mse < best.mse) best = { alpha, mse };
  }
  return best;
}

/**
 * Zero-point range [lo, hi] inside [min, max] minimising the MSE: coordinate descent, shrinking the upper end
 * with the lower fixed and then the lower end, twice, each over a grid of fractions of the span.
 */
export function searchZeroPointRange(
  values: Float32Array,
  n: number,
  min: number,
  max: number,
  bits: number,
  range: CodeRange,
): { lo: number; hi: number; mse: number } {
  const evaluate = (lo: number, hi: number) => {
    const p = zeroPointParams(lo, hi, bits);
    return mseOf(values, n, p.step, p.zero, range);
  };
  let lo = min;
  let hi = max;
  let mse = evaluate(lo, hi);
  if (!(max > min)) return { lo, hi, mse };
  const span = max - min;
  for (let round = 0; round < 2; round++) {
    for (const end of ['hi', 'lo'] as const) {
      for (let k = 0; k <= COARSE_STEPS; k++) {
        const cut = (span * k) / (COARSE_STEPS * 2); // shrink one end by up to half the span
        const candLo = end === 'lo' ? Math.fround(min + cut) : lo;
        const candHi = end === 'hi' ? Math.fround(max - cut) : hi;
        if (!(candHi > candLo)) continue;
        const m = evaluate(candLo, candHi);
        if (m < mse) {
          mse = m;
          lo = candLo;
          hi = candHi;
        }
      }
    }
  }
  return { lo, hi, mse };
}

/** Percentile threshold of |x| (absmax). `values` is reordered. */
export function absPercentile(values: Float32Array, n: number, percentile: number): number {
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i]);
  return n > 0 ? percentileInPlace(values, percentile, 0, n) : 0;
}

/** The (100 - p)-th and p-th percentiles of x (zero-point); p < 50 is mirrored so that lo <= hi. */
export function twoSidedPercentile(
  values: Float32Array,
  n: number,
  percentile: number,
): { lo: number; hi: number } {
  if (n === 0) return { lo: 0, hi: 0 };
  const p = Math.max(percentile, 100 - percentile);
  const hi = percentileInPlace(values, p, 0, n);
  const lo = percentileInPlace(values, 100 - p, 0, n);
  // Near p = 50 NumPy's two lerp branches (a + d·t below t = 0.5, b − d·(1 − t) above) can put the lower percentile
  // an ulp above the upper one; a range must not be negative.
  return lo <= hi ? { lo, hi } : { lo: hi, hi: lo };
}

export function checkPercentile(percentile: number): void {
  if (!(percentile > 0 && percentile <= 100)) {
    throw new EngineError('clipping.percentile', `percentile must be in (0, 100] (got ${percentile})`);
  }
}
