/** The compact form of a quantized tensor: bit-identical to the engine's dequantized output, or refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactOf, isCompact, sameWeight } from '../../../src/core/gpt2/compactTensor';
import { quantize } from '../../../src/core/quantView';
import type { Scheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { bitsOf, integerSchemeUpTo, readAll } from './compactArbitraries';

const integerScheme = integerSchemeUpTo(12);

/** Formats other than integers, each with at most 256 codes. */
const otherSchemes: Scheme[] = [
  { kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true },
  { kind: 'float', format: 'e2m1', scaling: 'group', groupSize: 4, saturate: true },
  { kind: 'float', format: 'e5m2', scaling: 'none', groupSize: 32, saturate: true },
  { kind: 'block', format: 'nf4' },
  { kind: 'block', format: 'mxfp4' },
  { kind: 'block', format: 'q4_1' },
  { kind: 'kmeans', bits: 3, granularity: { kind: 'tensor' }, maxIterations: 10 },
  { kind: 'binary' },
  { kind: 'ternary' },
];

const tensorOf = (rows: number, cols: number, values: number[]) =>
  createTensor(rows, cols, Float32Array.from(values.slice(0, rows * cols)));

const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 70 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), {
        minLength: rows * cols,
        maxLength: rows * cols,
      }),
    }),
  );

describe('compact quantized tensors', () => {
  it('reproduce the engine’s dequantized values bit for bit, for any integer scheme of ≤ 8 bits', () => {
    fc.assert(
      fc.property(matrix, integerScheme, ({ rows, cols, values }, scheme) => {
        const result = quantize(tensorOf(rows, cols, values), scheme);
        const c = compactOf(scheme, result, rows, cols, Number.POSITIVE_INFINITY);
        expect(isCompact(c)).toBe(true);
        if (!isCompact(c)) return;
        expect(c.form).toBe('affine');
        expect(bitsOf(readAll(c))).toEqual(bitsOf(result.dequantized));
        // One byte per value and the engine's scale (4 bytes) and zero point (8 bytes) per group.
        expect(c.bytes).toBe(rows * cols + 12 * result.groupCount);
      }),
      { numRuns: 150 },
    );
  });

  it('reads any range of rows as the same rows of the whole', () => {
    fc.assert(
      fc.property(matrix, integerScheme, fc.nat(), fc.nat(), ({ rows, cols, values }, scheme, a, b) => {
        const result = quantize(tensorOf(rows, cols, values), scheme);
        const c = compactOf(scheme, result, rows, cols, Number.POSITIVE_INFINITY);
        if (!isCompact(c)) throw new Error('expected a compact form');
        const r0 = a % rows;
        const r1 = r0 + 1 + (b % (rows - r0));
        const out = new Float32Array((r1 - r0) * cols);
        c.readRows(r0, r1, out);
        expect(bitsOf(out)).toEqual(bitsOf(result.dequantized.subarray(r0 * cols, r1 * cols)));
      }),
      { numRuns: 100 },
    );
  });

  it.each(otherSchemes.map((s) => [JSON.stringify(s), s] as const))(
    'keeps a per-group table of the engine’s values for %s',
    (_, scheme) => {
      fc.assert(
        fc.property(matrix, ({ rows, cols, values }) => {
          const result = quantize(tensorOf(rows, cols, values), scheme);
          const c = compactOf(scheme, result, rows, cols, Number.POSITIVE_INFINITY);
          if (!isCompact(c)) throw new Error(`refused: ${JSON.stringify(c)}`);
          expect(c.form).toBe('table');
          expect(bitsOf(readAll(c))).toEqual(bitsOf(result.dequantized));
        }),
        { numRuns: 25 },
      );
    },
  );

  it('refuses 16-bit codes, a form over the byte budget, and values the codes do not determine', () => {
    const values = Array.from({ length: 64 }, (_, i) => Math.sin(i) * (1 + i / 8));
    const int16: Scheme = {
      kind: 'integer',
      method: 'absmax',
      bits: 16,
      granularity: { kind: 'tensor' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    const r16 = quantize(tensorOf(8, 8, values), int16);
    expect(compactOf(int16, r16, 8, 8, Number.POSITIVE_INFINITY)).toMatchObject({ reason: 'code-span' });
    const fp16: Scheme = { kind: 'float', format: 'fp16', scaling: 'none', groupSize: 32, saturate: true };
    const rf = quantize(tensorOf(8, 8, values), fp16);
    expect(compactOf(fp16, rf, 8, 8, Number.POSITIVE_INFINITY)).toMatchObject({ reason: 'code-span' });

    // int8 per group of 2: 64 code bytes + 32 groups × 12 bytes = 448 bytes > 1.5 bytes per value (96).
    const group2: Scheme = { ...int16, bits: 8, granularity: { kind: 'group', size: 2 } };
    const rg = quantize(tensorOf(8, 8, values), group2);
    expect(compactOf(group2, rg, 8, 8, 1.5 * 64)).toEqual({ reason: 'too-large', bytes: 448, maxBytes: 96 });

    // A NaN gets code 0 and the value NaN; a 0.0 also gets code 0 but the value 0: one code, two values.
    const withNan = [...values];
    withNan[5] = Number.NaN;
    withNan[9] = 0;
    const int8: Scheme = { ...int16, bits: 8 };
    const rn = quantize(tensorOf(8, 8, withNan), int8);
    expect(compactOf(int8, rn, 8, 8, Number.POSITIVE_INFINITY)).toMatchObject({
      reason: 'mismatch',
      index: 5,
    });
  });

  it('treats −0 and +0 as the same weight, and no other two values', () => {
    expect(sameWeight(0x80000000, 0)).toBe(true);
    expect(sameWeight(0, 0x80000000)).toBe(true);
    expect(sameWeight(0x3f800000, 0x3f800000)).toBe(true);
    expect(sameWeight(0x80000001, 0x00000001)).toBe(false); // ±1.4e-45
    expect(sameWeight(0x7fc00000, 0)).toBe(false); // NaN
    expect(sameWeight(0x00000001, 0)).toBe(false);
  });

  it('holds a quarter of the float32 bytes for int8 per tensor (the tutorial’s scheme)', () => {
    const rows = 48;
    const cols = 64;
    const values = Array.from({ length: rows * cols }, (_, i) => Math.cos(i * 0.37) * 0.05);
    const scheme: Scheme = {
      kind: 'integer',
      method: 'zeroPoint',
      bits: 8,
      granularity: { kind: 'tensor' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    const c = compactOf(scheme, quantize(tensorOf(rows, cols, values), scheme), rows, cols, 4 * rows * cols);
    if (!isCompact(c)) throw new Error('expected a compact form');
    expect(c.bytes / (4 * rows * cols)).toBeCloseTo(0.25 + 12 / (4 * rows * cols), 12);
  });
});
