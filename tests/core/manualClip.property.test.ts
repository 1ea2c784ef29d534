/**
 * Manual clipping limits each group's own range and never widens it (issue #16): with group, row or column
 * granularity a group of ±0.49 under a manual ±2 keeps ±0.49. Property: for every granularity, method, bits
 * and rounding, a manual threshold wider than the data gives exactly the unclipped result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Granularity, type IntegerScheme, quantize } from '../../src/core';

const granularityArb: fc.Arbitrary<Granularity> = fc.oneof(
  fc.constant({ kind: 'tensor' } as const),
  fc.constant({ kind: 'row' } as const),
  fc.constant({ kind: 'column' } as const),
  fc.integer({ min: 1, max: 50 }).map((size) => ({ kind: 'group', size }) as const),
);

const tensorArb = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 40 }) })
  .chain(({ rows, cols }) =>
    fc
      .float32Array({
        minLength: rows * cols,
        maxLength: rows * cols,
        noNaN: true,
        noDefaultInfinity: true,
        min: -100,
        max: 100,
      })
      .map((data) => ({ rows, cols, data })),
  );

const scheme = (method: 'absmax' | 'zeroPoint', bits: number, granularity: Granularity): IntegerScheme => ({
  kind: 'integer',
  method,
  bits,
  granularity,
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
});

describe('manual clipping', () => {
  it('a threshold wider than the data gives exactly the unclipped result, for every granularity', () => {
    fc.assert(
      fc.property(
        tensorArb,
        fc.constantFrom('absmax', 'zeroPoint') as fc.Arbitrary<'absmax' | 'zeroPoint'>,
        fc.constantFrom(2, 3, 4, 8),
        granularityArb,
        fc.constantFrom('halfEven', 'halfAway', 'floor') as fc.Arbitrary<'halfEven' | 'halfAway' | 'floor'>,
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        (t, method, bits, g, rounding, below, above) => {
          let min = Number.POSITIVE_INFINITY;
          let max = Number.NEGATIVE_INFINITY;
          for (const v of t.data) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          const base = { ...scheme(method, bits, g), rounding: { kind: rounding } } as IntegerScheme;
          const plain = quantize(t, base);
          const manual = quantize(t, {
            ...base,
            clipping: { kind: 'manual', lo: min - below, hi: max + above },
          });
          expect(Array.from(manual.codes)).toEqual(Array.from(plain.codes));
          expect(Array.from(manual.dequantized)).toEqual(Array.from(plain.dequantized));
          expect(Array.from(manual.scale)).toEqual(Array.from(plain.scale));
          expect(manual.metrics.mse).toBe(plain.metrics.mse);
          expect(manual.metrics.clippedFraction).toBe(0);
        },
      ),
    );
  });

  it('limits, per row: a row of ±0.49 keeps its own range under ±2, a row of ±4 is clipped to ±2', () => {
    const t = { rows: 2, cols: 3, data: new Float32Array([-0.49, 0.1, 0.49, -4, 1, 4]) };
    for (const method of ['absmax', 'zeroPoint'] as const) {
      const r = quantize(t, {
        ...scheme(method, 4, { kind: 'row' }),
        clipping: { kind: 'manual', lo: -2, hi: 2 },
      });
      expect([r.lo[0], r.hi[0]]).toEqual([Math.fround(-0.49), Math.fround(0.49)]);
      expect([r.lo[1], r.hi[1]]).toEqual([-2, 2]);
      // Absmax int4 on row 0: Δ = 0.49 / 7, so 0.49 is code 7 exactly (it was code 2 under a widened ±2).
      if (method === 'absmax') expect(r.codes[2]).toBe(7);
      // Two of six values (±4) are clipped.
      expect(r.metrics.clippedFraction).toBeCloseTo(2 / 6, 12);
    }
  });

  it('a group wholly beyond the threshold collapses to the threshold edge on its side', () => {
    const t = { rows: 2, cols: 2, data: new Float32Array([0.5, 1, -3, -2]) };
    const r = quantize(t, {
      ...scheme('zeroPoint', 8, { kind: 'row' }),
      clipping: { kind: 'manual', lo: -1, hi: 0.25 },
    });
    expect([r.lo[0], r.hi[0]]).toEqual([0.25, 0.25]);
    expect([r.lo[1], r.hi[1]]).toEqual([-1, -1]);
  });
});
