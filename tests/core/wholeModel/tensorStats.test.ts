import { describe, expect, it } from 'vitest';
import { computeTensorStats } from '../../../src/core/wholeModel';

describe('computeTensorStats', () => {
  it('matches hand-computed moments of a small vector', () => {
    // x = [-2, -1, 0, 1, 2]: mean 0, m2 = 10/5 = 2, m4 = (16+1+0+1+16)/5 = 6.8, excess kurtosis 6.8/4 − 3 = −1.3
    const s = computeTensorStats(Float32Array.of(-2, -1, 0, 1, 2));
    expect(s.mean).toBe(0);
    expect(s.absmax).toBe(2);
    expect(s.std).toBeCloseTo(Math.SQRT2, 15);
    expect(s.kurtosis).toBeCloseTo(-1.3, 12);
    expect(s.beyond6Sigma).toBe(0);
  });

  it('counts values beyond 6σ and leaves non-finite values out', () => {
    // 999 zeros and one 1000: mean 1, std = sqrt((999·1 + 999²)/1000) ≈ 31.6, so only the spike is beyond 6σ.
    const x = new Float32Array(1002);
    x[0] = 1000;
    x[1000] = Number.NaN;
    x[1001] = Number.POSITIVE_INFINITY;
    const s = computeTensorStats(x);
    expect(s.count).toBe(1000);
    expect(s.nonFinite).toBe(2);
    expect(s.mean).toBe(1);
    expect(s.std).toBeCloseTo(Math.sqrt((999 + 999 * 999) / 1000), 9);
    expect(s.beyond6Sigma).toBe(1 / 1000);
    expect(s.absmax).toBe(1000);
  });

  it('gives zeros for a constant tensor rather than NaN', () => {
    const s = computeTensorStats(new Float32Array(10).fill(3));
    expect(s).toMatchObject({ mean: 3, std: 0, kurtosis: 0, beyond6Sigma: 0, absmax: 3 });
  });

  it('has excess kurtosis near 0 for normal and near 3 for Laplace samples', () => {
    const n = 200_000;
    const normal = new Float32Array(n);
    const laplace = new Float32Array(n);
    let seed = 12345;
    const u = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed + 0.5) / 2 ** 32;
    };
    for (let i = 0; i < n; i++) {
      normal[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      const v = u() - 0.5;
      laplace[i] = -Math.sign(v) * Math.log(1 - 2 * Math.abs(v));
    }
    expect(Math.abs(computeTensorStats(normal).kurtosis)).toBeLessThan(0.1);
    expect(computeTensorStats(laplace).kurtosis).toBeGreaterThan(2.5);
    expect(computeTensorStats(laplace).kurtosis).toBeLessThan(3.5);
  });
});
