/**
 * Scheme-independent statistics of one weight tensor for the whole-model table: absmax, standard deviation,
 * excess kurtosis and the share of values beyond 6 standard deviations of the mean (the outliers that make a
 * tensor hard to quantize). Pure: two float64 passes over the float32 values; NaN / ±Inf are left out and counted.
 */

export interface TensorStats {
  /** Finite values measured. */
  count: number;
  /** NaN / ±Inf values (left out of every statistic). */
  nonFinite: number;
  mean: number;
  absmax: number;
  /** Population standard deviation (divides by n, as numpy.std does by default). */
  std: number;
  /**
   * Excess kurtosis m4 / m2² − 3 (population moments, scipy.stats.kurtosis's default `fisher=True, bias=True`):
   * 0 for a normal distribution, 3 for Laplace, large for heavy tails. 0 when the tensor is constant.
   */
  kurtosis: number;
  /** Share (0..1) of the finite values with |x − mean| > 6·std; 0 when the tensor is constant. */
  beyond6Sigma: number;
}

/**
 * E.g. computeTensorStats(Float32Array.of(-1, 1)) → { mean 0, absmax 1, std 1, kurtosis −2, beyond6Sigma 0 }.
 * The central moments are taken around the mean of a first pass (two-pass: stable for tensors whose mean is large
 * against their spread, where Σx² − n·mean² would cancel).
 */
export function computeTensorStats(values: Float32Array): TensorStats {
  let count = 0;
  let sum = 0;
  let absmax = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    count++;
    sum += x;
    const a = x < 0 ? -x : x;
    if (a > absmax) absmax = a;
  }
  const nonFinite = values.length - count;
  if (count === 0) return { count, nonFinite, mean: 0, absmax: 0, std: 0, kurtosis: 0, beyond6Sigma: 0 };
  const mean = sum / count;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    const d = x - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= count;
  m4 /= count;
  const std = Math.sqrt(m2);
  if (m2 === 0) return { count, nonFinite, mean, absmax, std: 0, kurtosis: 0, beyond6Sigma: 0 };
  // A third pass rather than a histogram: the threshold depends on the std, known only after the second pass.
  const limit = 6 * std;
  let beyond = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    const d = x - mean;
    if (d > limit || d < -limit) beyond++;
  }
  return { count, nonFinite, mean, absmax, std, kurtosis: m4 / (m2 * m2) - 3, beyond6Sigma: beyond / count };
}
