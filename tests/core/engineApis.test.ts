/**
 * The small engine APIs of issue #19, against hand-computed values: E8M0 code <-> value, the metrics of a given
 * pair (x, x_hat), and the LLM.int8() decomposition's int8 codes and scales.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTensor,
  DEFAULT_SCHEME_A,
  E8M0_NAN,
  e8m0FromExponent,
  e8m0FromValue,
  e8m0ToValue,
  measurePair,
  quantize,
  simulateLlmInt8,
} from '../../src/core';

describe('E8M0 scale codes (OCP MX v1.0 §5.4)', () => {
  it('decodes code c to 2^(c - 127), and 255 to NaN', () => {
    expect(e8m0ToValue(127)).toBe(1);
    expect(e8m0ToValue(128)).toBe(2);
    expect(e8m0ToValue(126)).toBe(0.5);
    expect(e8m0ToValue(0)).toBe(5.877471754111438e-39); // 2^-127, a float32 subnormal
    expect(e8m0ToValue(254)).toBe(1.7014118346046923e38); // 2^127
    expect(e8m0ToValue(E8M0_NAN)).toBeNaN();
    expect(E8M0_NAN).toBe(255);
  });

  it('refuses what is not a code', () => {
    for (const bad of [-1, 256, 1.5, Number.NaN]) expect(() => e8m0ToValue(bad)).toThrow(RangeError);
  });

  it('encodes a scale as the largest power of two at or below it, clamped to 2^-127 .. 2^127', () => {
    expect(e8m0FromValue(1)).toBe(127);
    expect(e8m0FromValue(3)).toBe(128); // 2 <= 3 < 4
    expect(e8m0FromValue(0.75)).toBe(126); // 0.5 <= 0.75 < 1
    expect(e8m0FromValue(4 * (1 - 2 ** -30))).toBe(128); // just below 4, even where float32 would round it up
    expect(e8m0FromValue(2 ** -130)).toBe(0); // below the range: clamped to 2^-127
    expect(e8m0FromValue(2 ** -149)).toBe(0);
    expect(e8m0FromValue(1e-300)).toBe(0);
    expect(e8m0FromValue(0)).toBe(0);
    expect(e8m0FromValue(2 ** 200)).toBe(254); // above: clamped to 2^127
    expect(e8m0FromValue(Number.POSITIVE_INFINITY)).toBe(254);
    expect(e8m0FromValue(Number.NaN)).toBe(255);
    expect(() => e8m0FromValue(-1)).toThrow(RangeError);
    expect(e8m0FromExponent(-200)).toBe(0);
    expect(e8m0FromExponent(0)).toBe(127);
    expect(e8m0FromExponent(300)).toBe(254);
  });

  it('round-trips every finite code, and a value within [2^e, 2^(e+1)) encodes to e + 127', () => {
    for (let c = 0; c < 255; c++) expect(e8m0FromValue(e8m0ToValue(c))).toBe(c);
    fc.assert(
      fc.property(
        fc.integer({ min: -127, max: 126 }),
        fc.double({ min: 1, max: 2, maxExcluded: true, noNaN: true }),
        (e, m) => {
          expect(e8m0FromValue(m * 2 ** e)).toBe(e + 127);
        },
      ),
    );
  });

  it('is what the MX formats store: an MXFP4 block with amax 6 has X = 2^(2 - 2) = code 127', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i === 3 ? 6 : i / 32));
    const r = quantize(createTensor(1, 32, values), { kind: 'block', format: 'mxfp4' });
    expect(r.scale[0]).toBe(e8m0ToValue(127));
    // an all-zero block: exponent -126 - 2, clamped to the smallest code
    const zeros = quantize(createTensor(1, 32, new Float32Array(32)), { kind: 'block', format: 'mxfp4' });
    expect(zeros.scale[0]).toBe(e8m0ToValue(0));
  });
});

describe('measurePair: the views’ metrics of a given (x, x_hat)', () => {
  it('hand-computed: x = [1, 2, 3, 4], x_hat = [1, 2, 3, 5]', () => {
    const m = measurePair([1, 2, 3, 4], [1, 2, 3, 5]);
    expect(m.count).toBe(4);
    expect(m.nonFinite).toBe(0);
    expect(m.mse).toBe(0.25); // 1 / 4
    expect(m.rmse).toBe(0.5);
    expect(m.maxAbsError).toBe(1);
    expect(m.meanError).toBe(0.25); // bias: mean(x_hat - x)
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(30), 12); // Σx² = 30, Σe² = 1
    expect(m.clippedFraction).toBe(0); // default range [1, 5] holds every x
  });

  it('counts x outside a given clipping range, and leaves non-finite x out', () => {
    expect(measurePair([1, 2, 3, 4], [1, 2, 3, 5], { clipRange: { lo: 1.5, hi: 3.5 } }).clippedFraction).toBe(
      0.5,
    );
    const m = measurePair([1, Number.NaN, 3, Number.POSITIVE_INFINITY], [1, 0, 4, 0]);
    expect(m.count).toBe(2);
    expect(m.nonFinite).toBe(2);
    expect(m.mse).toBe(0.5);
    expect(m.meanError).toBe(0.5);
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(10), 12);
    // a perfect copy: no error, SQNR +Infinity
    expect(measurePair([0.5, -2], Float32Array.of(0.5, -2)).sqnrDb).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses pairs that do not pair up', () => {
    expect(() => measurePair([1, 2], [1])).toThrow(/must pair up/);
    expect(() => measurePair([], [])).toThrow(/empty/);
    expect(() => measurePair([1], [1], { clipRange: { lo: 2, hi: 1 } })).toThrow(/lo <= hi/);
  });

  it('gives the view’s own numbers for the engine’s own output', () => {
    const data = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i * 0.37) * (i % 17 === 0 ? 9 : 1));
    const t = createTensor(4, 128, data);
    /** The same definitions; the sums may run in another order (the engine's in bands or on its kernel). */
    const expectSame = (m: ReturnType<typeof measurePair>, v: typeof m, clipped: boolean) => {
      expect(m.count).toBe(v.count);
      expect(m.maxAbsError).toBe(v.maxAbsError);
      if (clipped) expect(m.clippedFraction).toBe(v.clippedFraction);
      for (const k of ['mse', 'rmse', 'meanError', 'sqnrDb'] as const)
        expect(Math.abs(m[k] - v[k])).toBeLessThanOrEqual(1e-12 * Math.abs(v[k]));
    };
    const mx = quantize(t, { kind: 'block', format: 'mxfp4' });
    expectSame(measurePair(data, mx.dequantized), mx.metrics, false);
    const int = quantize(t, { ...DEFAULT_SCHEME_A, clipping: { kind: 'percentile', percentile: 95 } });
    expectSame(
      measurePair(data, int.dequantized, { clipRange: { lo: int.lo[0], hi: int.hi[0] } }),
      int.metrics,
      true,
    );
    expect(int.metrics.clippedFraction).toBeGreaterThan(0); // the outliers at every 17th value clip
  });
});

describe('LLM.int8() codes and scales', () => {
  // The example of tests/core/llmInt8.test.ts: X [2 x 3] with an outlier column 1, W [3 x 2].
  const X = createTensor(2, 3, Float32Array.of(1, 8, -0.5, 0.25, -7, 2));
  const W = createTensor(3, 2, Float32Array.of(1, 2, 0.5, -1, 4, 0.25));

  it('exposes the int8 codes of X (with and without the decomposition) and of W, hand-computed', () => {
    const r = simulateLlmInt8(X, W);
    // mixed: row absmax over columns 0, 2 = 1 and 2 -> factors 127 and 63.5; -0.5 * 127 = -63.5 ties to -64
    expect(Array.from(r.xCodesMixed)).toEqual([127, 0, -64, 16, 0, 127]);
    // plain: row absmax 8 and 7 -> factors 15.875 and fround(127 / 7); 0.25 * 18.142857 = 4.54 -> 5
    expect(Array.from(r.xCodesInt8)).toEqual([16, 127, -8, 5, -127, 36]);
    expect(Array.from(r.rowScalesInt8)).toEqual([8, 7]);
    // W per column absmax 4 and 2 -> factors 31.75 and 63.5
    expect(Array.from(r.wCodes)).toEqual([32, 127, 16, -64, 127, 16]);
    expect(Array.from(r.colScales)).toEqual([4, 2]);
  });

  it('the codes and scales give the int8 product: Y_int8 = (Xq Wq) * sx * sw / 127^2', () => {
    const r = simulateLlmInt8(X, W);
    for (let t = 0; t < 2; t++)
      for (let o = 0; o < 2; o++) {
        let c = 0;
        for (let k = 0; k < 3; k++) c += r.xCodesInt8[t * 3 + k] * r.wCodes[k * 2 + o];
        expect(r.yInt8[t * 2 + o]).toBeCloseTo((c * r.rowScalesInt8[t] * r.colScales[o]) / 127 ** 2, 12);
      }
  });
});
