import { describe, expect, it } from 'vitest';
import { generateLinearWeights, generateOutlierActivations, simulateLlmInt8 } from '../../src/core/llmInt8';
import { createTensor } from '../../src/core/tensor';

const X = createTensor(2, 3, Float32Array.of(1, 8, -0.5, 0.25, -7, 2));
const W = createTensor(3, 2, Float32Array.of(1, 2, 0.5, -1, 4, 0.25));

describe('LLM.int8() (Dettmers et al. 2022; bitsandbytes int8_vectorwise_quant)', () => {
  it('finds the outlier feature columns (any |x| >= 6) and the FP16 share', () => {
    const r = simulateLlmInt8(X, W);
    expect(Array.from(r.outlierColumns)).toEqual([1]);
    // X: 2 of 6 values, W: 2 of 6 values kept in FP16.
    expect(r.fp16Fraction).toBeCloseTo(4 / 12, 15);
  });

  it('computes Y_ref in float64', () => {
    const r = simulateLlmInt8(X, W);
    expect(Array.from(r.yRef)).toEqual([3, -6.125, 4.75, 8]);
  });

  it('decomposes: int8 vector-wise on the regular features + FP16 outliers (hand-computed)', () => {
    // Regular row scales (columns 0, 2): 1 and 2 -> Xq = [127, 0, -64] (-63.5 ties to even) and [16, 0, 127].
    // Column scales of W (all features): 4 and 2 -> Wq = [[32, 127], [16, -64], [127, 16]].
    // C = [[-4064, 15105], [16641, 4064]]; outliers: 8 * [0.5, -1] and -7 * [0.5, -1].
    const r = simulateLlmInt8(X, W);
    expect(Array.from(r.rowScalesMixed)).toEqual([1, 2]);
    expect(Array.from(r.colScales)).toEqual([4, 2]);
    const expected = [
      4 + (-4064 * 1 * 4) / 16129,
      -8 + (15105 * 1 * 2) / 16129,
      -3.5 + (16641 * 2 * 4) / 16129,
      7 + (4064 * 2 * 2) / 16129,
    ];
    r.yMixed.forEach((y, i) => {
      expect(y).toBeCloseTo(expected[i], 13);
    });
  });

  it('plain int8 scales each row by its largest value, outlier included (hand-computed)', () => {
    // Row 0: absmax 8 -> factor 15.875 -> Xq = [16, 127, -8]; C row 0 = [1528, -6224].
    const r = simulateLlmInt8(X, W);
    expect(Array.from(r.rowScalesInt8)).toEqual([8, 7]);
    expect(r.yInt8[0]).toBeCloseTo((1528 * 8 * 4) / 16129, 13);
    expect(r.yInt8[1]).toBeCloseTo((-6224 * 8 * 2) / 16129, 13);
    // The decomposition is much closer to the reference here.
    expect(r.errorMixed.mse).toBeLessThan(r.errorInt8.mse);
    expect(r.errorMixed.maxAbs).toBeCloseTo(Math.max(...r.yMixed.map((y, i) => Math.abs(y - r.yRef[i]))), 15);
  });

  it('without outliers (threshold above every |x|) the two int8 products coincide', () => {
    const r = simulateLlmInt8(X, W, 100);
    expect(r.outlierColumns.length).toBe(0);
    expect(r.fp16Fraction).toBe(0);
    expect(Array.from(r.yMixed)).toEqual(Array.from(r.yInt8));
  });

  it('on generated activations with systematic outliers, the decomposition cuts the error by far', () => {
    const x = generateOutlierActivations({ tokens: 32, features: 128, outlierFeatures: 3, seed: 5 });
    const w = generateLinearWeights(128, 64, 6);
    const r = simulateLlmInt8(x, w);
    expect(r.outlierColumns.length).toBe(3);
    expect(r.fp16Fraction).toBeCloseTo(3 / 128, 15);
    expect(r.errorMixed.mse * 10).toBeLessThan(r.errorInt8.mse);
  });

  it('generates the same activations for the same seed, with outliers only in the chosen columns', () => {
    const a = generateOutlierActivations({ tokens: 16, features: 64, outlierFeatures: 2, seed: 11 });
    const b = generateOutlierActivations({ tokens: 16, features: 64, outlierFeatures: 2, seed: 11 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const big = new Set<number>();
    a.data.forEach((v, i) => {
      if (Math.abs(v) >= 10) big.add(i % 64);
    });
    expect([...big].sort((p, q) => p - q)).toEqual([16, 48]);
  });

  it('rejects mismatched shapes and non-finite values', () => {
    expect(() => simulateLlmInt8(X, createTensor(2, 2, new Float32Array(4)))).toThrow(/3 rows/);
    expect(() => simulateLlmInt8(createTensor(1, 3, Float32Array.of(1, Number.NaN, 0)), W)).toThrow(
      /non-finite/,
    );
  });
});
