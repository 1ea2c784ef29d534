/**
 * OCTAV (Sakr et al. 2022, "Optimal Clipping and Magnitude-aware Differentiation for Improved
 * Quantization-aware Training", arXiv:2206.06501, eq. 6): the MSE-optimal clipping scalar s of symmetric
 * B-bit quantization is a fixed point of
 *   s <- E[|x| 1{|x| > s}] / ( 4^(-B) / 3 * E[1{|x| <= s}] + E[1{|x| > s}] ),
 * the Newton-Raphson step on clipping noise + quantization noise (SEMANTICS.md "Clipping"). Pure ES2022.
 *
 * Choices (the paper leaves them open): start at s0 = E|x| (positive whenever x is not all zero, and below the
 * optimum for the bell-shaped data it is meant for, so the iteration climbs to it); stop when the relative change
 * is below 1e-6 or after 100 iterations; if an update would give 0 (nothing above s, e.g. all |x| equal), keep the
 * current s. Expectations are over the finite values, computed exactly from sorted |x| and float64 prefix sums.
 */

export interface OctavSearch {
  threshold: number;
  iterations: number;
  converged: boolean;
}

export const OCTAV_MAX_ITERATIONS = 100;
export const OCTAV_RELATIVE_TOLERANCE = 1e-6;

/** First index i in sorted[0, n) with sorted[i] > v. */
function countAtMost(sorted: Float32Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Runs the OCTAV recursion (see the module notes) and reports how it ended. */
export function octavSearch(values: Float32Array, bits: number): OctavSearch {
  const abs = new Float32Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a - a === 0) abs[n++] = a;
  }
  const sorted = abs.subarray(0, n).sort();
  if (n === 0 || sorted[n - 1] === 0) return { threshold: 0, iterations: 0, converged: true };
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  const noise = 4 ** -bits / 3;
  let s = prefix[n] / n;
  for (let iter = 1; iter <= OCTAV_MAX_ITERATIONS; iter++) {
    const below = countAtMost(sorted, n, s); // |x| <= s
    const aboveCount = n - below;
    if (aboveCount === 0) return { threshold: s, iterations: iter, converged: true };
    const numerator = (prefix[n] - prefix[below]) / n;
    const next = numerator / ((noise * below) / n + aboveCount / n);
    const change = Math.abs(next - s) / s;
    s = next;
    if (change < OCTAV_RELATIVE_TOLERANCE) return { threshold: s, iterations: iter, converged: true };
  }
  return { threshold: s, iterations: OCTAV_MAX_ITERATIONS, converged: false };
}

/**
 * OCTAV clipping threshold for symmetric `bits`-bit quantization of `values` (non-finite values ignored;
 * 0 for an all-zero input). E.g. for a standard normal sample and 4 bits it is about 2.5.
 */
export function octavThreshold(values: Float32Array, bits: number): number {
  return octavSearch(values, bits).threshold;
}
