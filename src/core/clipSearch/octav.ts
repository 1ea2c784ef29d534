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
 * current s. Expectations are over the finite values, sums in float64.
 */

export interface OctavSearch {
  threshold: number;
  iterations: number;
  converged: boolean;
}

export const OCTAV_MAX_ITERATIONS = 100;
export const OCTAV_RELATIVE_TOLERANCE = 1e-6;

/** Runs the OCTAV recursion (see the module notes) and reports how it ended. */
export function octavSearch(values: Float32Array, bits: number): OctavSearch {
  // One pass per iteration over the finite |x| (a typical run takes 5 to 15 iterations, cheaper than a sort).
  const abs = new Float32Array(values.length);
  let n = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a - a !== 0) continue;
    abs[n++] = a;
    sum += a;
    if (a > max) max = a;
  }
  if (n === 0 || max === 0) return { threshold: 0, iterations: 0, converged: true };
  const noise = 4 ** -bits / 3;
  let s = sum / n;
  for (let iter = 1; iter <= OCTAV_MAX_ITERATIONS; iter++) {
    let aboveCount = 0;
    let aboveSum = 0;
    for (let i = 0; i < n; i++) {
      const a = abs[i];
      if (a > s) {
        aboveCount++;
        aboveSum += a;
      }
    }
    if (aboveCount === 0) return { threshold: s, iterations: iter, converged: true };
    const next = aboveSum / n / ((noise * (n - aboveCount)) / n + aboveCount / n);
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
