import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GENERATOR,
  EngineError,
  type GeneratorParams,
  generateTensor,
  summarizeTensor,
} from '../../src/core';
import { detExp, detLog } from '../../src/core/detMath';
import { createRng } from '../../src/core/random';

describe('xoshiro128** seeded by splitmix32', () => {
  // Expected words from an independent Python transcription of the reference C (prng.di.unimi.it), run once:
  // python3 -c "...xo(42, 6)" (see the comment in src/core/random.ts for the algorithm).
  it.each([
    [42, [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]],
    [0, [3809008728, 1133695204, 53579671]],
    [4294967295, [835879718, 1921286648, 2356205009]],
  ])('seed %d gives the reference words', (seed, words) => {
    const rng = createRng(seed);
    expect(words.map(() => rng.nextUint32())).toEqual(words);
  });

  it('uniform() stays in [0, 1) and has mean 1/2', () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01); // std of the mean ≈ 0.002
  });
});

describe('deterministic log and exp', () => {
  it('agree with Math.log / Math.exp to a few ulp over a wide range', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        const ref = Math.log(x);
        expect(Math.abs(detLog(x) - ref)).toBeLessThanOrEqual(Math.abs(ref) * 4e-16 + 1e-300);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
        const ref = Math.exp(x);
        expect(Math.abs(detExp(x) - ref) / ref).toBeLessThan(1e-14);
      }),
    );
  });
});

const base: GeneratorParams = { ...DEFAULT_GENERATOR, rows: 64, cols: 96 };

describe('generators', () => {
  it('the same seed and parameters give the same bytes; another seed does not', () => {
    const a = generateTensor(base);
    const b = generateTensor(base);
    expect(new Uint8Array(a.data.buffer)).toEqual(new Uint8Array(b.data.buffer));
    const c = generateTensor({ ...base, seed: 43 });
    expect(new Uint8Array(c.data.buffer)).not.toEqual(new Uint8Array(a.data.buffer));
  });

  it.each([
    ['normal', 1, 1],
    ['uniform', 1, 1 / Math.sqrt(3)],
    ['laplace', 1, Math.SQRT2],
    ['bimodal', 1, Math.sqrt(17)],
  ] as const)('%s has the documented spread (scale %d -> std %d)', (distribution, scale, std) => {
    const t = generateTensor({ ...base, distribution, scale, shift: 0.5, rows: 200, cols: 200 });
    const s = summarizeTensor(t);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.05 * std);
    expect(Math.abs(s.std / std - 1)).toBeLessThan(0.03);
  });

  it('Student-t with 5 degrees of freedom has variance df / (df - 2) and heavier tails than a normal', () => {
    const t = generateTensor({
      ...base,
      distribution: 'studentT',
      df: 5,
      scale: 1,
      shift: 0,
      rows: 300,
      cols: 300,
    });
    const s = summarizeTensor(t);
    expect(Math.abs(s.std ** 2 / (5 / 3) - 1)).toBeLessThan(0.08);
    const normal = summarizeTensor(
      generateTensor({ ...base, distribution: 'normal', scale: 1, shift: 0, rows: 300, cols: 300 }),
    );
    expect(s.absmax).toBeGreaterThan(normal.absmax);
  });

  it('transformer-like: the chosen number of outlier columns stand out by the factor', () => {
    const t = generateTensor({
      ...base,
      rows: 256,
      cols: 64,
      outlierCols: 3,
      outlierFactor: 25,
      spikeFraction: 0,
    });
    const colStd = Array.from({ length: t.cols }, (_, c) => {
      let s = 0;
      for (let r = 0; r < t.rows; r++) s += t.data[r * t.cols + c] ** 2;
      return Math.sqrt(s / t.rows);
    });
    const loud = colStd.filter((s) => s > 0.02 * 10);
    expect(loud).toHaveLength(3);
    for (const s of loud) expect(s / 0.02).toBeGreaterThan(20);
  });

  it('refuses bad parameters naming the field', () => {
    expect(() => generateTensor({ ...base, rows: 0 })).toThrow(EngineError);
    expect(() => generateTensor({ ...base, distribution: 'studentT', df: 0 })).toThrow(/degrees of freedom/);
    expect(() => generateTensor({ ...base, rows: 10000, cols: 10000 })).toThrow(/larger than/);
  });

  it('summaries count NaN/Inf and leave them out of the moments', () => {
    const s = summarizeTensor({
      rows: 1,
      cols: 4,
      data: Float32Array.of(1, Number.NaN, 3, Number.NEGATIVE_INFINITY),
    });
    expect(s).toMatchObject({ count: 2, nonFinite: 2, min: 1, max: 3, mean: 2, std: 1, absmax: 3 });
  });
});
