import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { absHistogram, KL_BINS, klSearchHistogram, klThreshold } from '../../../src/core/clipSearch';
import { numpySum } from '../../../src/core/clipSearch/numpySum';

interface KlFixture {
  samples: Record<string, number[]>;
  cases: {
    name: string;
    bits: number;
    histogram: number[];
    threshold: number;
    divergences: (number | string)[];
  }[];
}
const fixture: KlFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/formats/kl_fixtures.json', import.meta.url)), 'utf8'),
);
const toNumber = (v: number | string) => (typeof v === 'number' ? v : Number(v));

describe("KL threshold against a NumPy port of TensorRT's _compute_amax_entropy (make_kl_fixtures.py)", () => {
  for (const c of fixture.cases) {
    it(`${c.name}, ${c.bits} bits: same histogram, same threshold, divergences within 1e-12`, () => {
      const values = Float32Array.from(fixture.samples[c.name]);
      const search = klSearchHistogram(absHistogram(values), c.bits);
      expect(Array.from(search.histogram.counts)).toEqual(c.histogram);
      expect(search.threshold).toBe(c.threshold);
      expect(search.divergences.length).toBe(c.divergences.length);
      search.divergences.forEach((d, k) => {
        const ref = toNumber(c.divergences[k]);
        if (!Number.isFinite(ref)) expect(d).toBe(ref);
        else expect(Math.abs(d - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1e-300, Math.abs(ref)) + 1e-300);
      });
      expect(klThreshold(values, c.bits)).toBe(c.threshold);
    });
  }
});

describe('KL threshold: hand-checked behaviour', () => {
  it('puts |x| = amax in the last of 2048 bins and ignores non-finite values', () => {
    const h = absHistogram(Float32Array.of(0, -1, 0.5, 1, Number.NaN, Number.POSITIVE_INFINITY));
    expect(h.amax).toBe(1);
    expect(h.total).toBe(4);
    expect(h.counts[0]).toBe(1);
    expect(h.counts[1024]).toBe(1);
    expect(h.counts[KL_BINS - 1]).toBe(2);
    expect(h.edges[KL_BINS]).toBe(1);
    expect(h.edges[1024]).toBe(0.5);
  });

  it('returns 0 for an all-zero or empty input', () => {
    expect(klThreshold(new Float32Array(10), 8)).toBe(0);
    expect(klThreshold(Float32Array.of(Number.NaN), 8)).toBe(0);
  });

  it('keeps every value when the histogram has no tail: uniform data clips at (almost) its maximum', () => {
    const values = Float32Array.from({ length: 4096 }, (_, i) => (i + 0.5) / 4096 - 0.5);
    const t = klThreshold(values, 8);
    expect(t).toBeGreaterThan(0.49);
    expect(t).toBeLessThanOrEqual(0.5);
  });

  it('sums in NumPy pairwise order (8 accumulators, split at multiples of 8)', () => {
    // Large terms of both signs make the result depend on the order of additions. np.sum(a) gives
    // -5.099999999999873e17; a left-to-right sum gives -5.099999999999874e17.
    const a = Float64Array.from({ length: 200 }, (_, i) =>
      i % 17 === 0 ? 1e16 : i % 3 === 0 ? -1e16 : 1.25 + i,
    );
    expect(numpySum(a)).toBe(-5.099999999999873e17);
    expect(a.reduce((s, v) => s + v, 0)).toBe(-5.099999999999874e17);
  });
});
