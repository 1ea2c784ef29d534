import { describe, expect, it } from 'vitest';
import { octavSearch, octavThreshold } from '../../../src/core/clipSearch';

/** Seeded standard normal sample (LCG + Box-Muller; only the distribution matters here). */
function gaussian(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/** The clipping + quantization noise OCTAV minimises: 4^-B / 3 s^2 P(|x| <= s) + E[(|x| - s)^2 1{|x| > s}]. */
function noise(values: Float32Array, bits: number, s: number): number {
  let sum = 0;
  for (const v of values) {
    const a = Math.abs(v);
    sum += a <= s ? (4 ** -bits / 3) * s * s : (a - s) ** 2;
  }
  return sum / values.length;
}

describe('OCTAV (Sakr et al. 2022, eq. 6)', () => {
  it('reaches the fixed point by hand: |x| = {1, 1, 1, 4}, B = 1', () => {
    // s0 = E|x| = 1.75; only 4 lies above: s1 = (4/4) / (1/12 * 3/4 + 1/4) = 1 / (5/16) = 3.2; s2 = 3.2.
    const r = octavSearch(Float32Array.of(1, -1, 1, -4), 1);
    expect(r.threshold).toBeCloseTo(3.2, 12);
    expect(r.iterations).toBe(2);
    expect(r.converged).toBe(true);
  });

  it('is (close to) the minimum of the clipping + quantization noise for Gaussian data', () => {
    // Eq. 6 drops the s^2 dP(|x| <= s)/ds term of the derivative, negligible from 4 bits up (at 2 bits it is not,
    // so the fixed point sits a little off the true minimum there).
    const x = gaussian(50000, 3);
    for (const bits of [4, 6, 8]) {
      const s = octavThreshold(x, bits);
      const j = noise(x, bits, s);
      expect(j).toBeLessThanOrEqual(noise(x, bits, s * 1.02));
      expect(j).toBeLessThanOrEqual(noise(x, bits, s * 0.98));
    }
    // More bits: less quantization noise, so a wider clip (and a 4-bit clip near 2.5 sigma).
    expect(octavThreshold(x, 2)).toBeLessThan(octavThreshold(x, 4));
    expect(octavThreshold(x, 4)).toBeLessThan(octavThreshold(x, 8));
    expect(octavThreshold(x, 4)).toBeGreaterThan(2.3);
    expect(octavThreshold(x, 4)).toBeLessThan(2.8);
  });

  it('satisfies the recursion at the returned value (relative change below 1e-6)', () => {
    const x = gaussian(20000, 9);
    const s = octavThreshold(x, 3);
    let above = 0;
    let sumAbove = 0;
    for (const v of x) {
      if (Math.abs(v) > s) {
        above++;
        sumAbove += Math.abs(v);
      }
    }
    const n = x.length;
    const next = sumAbove / n / ((4 ** -3 / 3) * ((n - above) / n) + above / n);
    expect(Math.abs(next - s) / s).toBeLessThan(1e-5);
  });

  it('handles degenerate inputs: all zero -> 0, all |x| equal -> that value, non-finite ignored', () => {
    expect(octavThreshold(new Float32Array(5), 4)).toBe(0);
    expect(octavThreshold(Float32Array.of(2, -2, 2), 4)).toBe(2);
    expect(
      octavThreshold(Float32Array.of(1, -1, 1, -4, Number.NaN, Number.NEGATIVE_INFINITY), 1),
    ).toBeCloseTo(3.2, 12);
  });
});
