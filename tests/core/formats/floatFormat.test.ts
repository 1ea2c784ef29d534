import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFloat,
  encodeFloat,
  FLOAT_FORMATS,
  maxFinite,
  representableValues,
} from '../../../src/core/formats/floatFormat';
import type { FloatFormatId } from '../../../src/core/scheme';

const IDS: FloatFormatId[] = ['fp16', 'bf16', 'e4m3', 'e5m2', 'e2m3', 'e3m2', 'e2m1'];
const SMALL: FloatFormatId[] = ['e4m3', 'e5m2', 'e2m3', 'e3m2', 'e2m1'];

interface FloatFixture {
  formats: Record<FloatFormatId, { inputs: number[]; saturate: number[]; plain: number[] }>;
}
const fixture: FloatFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/formats/float_fixtures.json', import.meta.url)), 'utf8'),
);

describe('float element codecs against an independent nearest-value search (make_float_fixtures.py)', () => {
  for (const id of IDS) {
    it(`${id}: saturating and plain-cast codes agree on ties, subnormals, overflow and random inputs`, () => {
      const { inputs, saturate, plain } = fixture.formats[id];
      expect(inputs.length).toBeGreaterThan(1000);
      expect(inputs.map((x) => encodeFloat(id, x, true))).toEqual(saturate);
      expect(inputs.map((x) => encodeFloat(id, x, false))).toEqual(plain);
    });
  }
});

describe('float element codecs: specification values', () => {
  it('has the maxima of SEMANTICS.md', () => {
    expect(IDS.map(maxFinite)).toEqual([65504, 3.3895313892515355e38, 448, 57344, 7.5, 28, 6]);
  });

  it('lists the E2M1 values of SEMANTICS.md, ascending', () => {
    expect(Array.from(representableValues('e2m1'))).toEqual([
      -6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6,
    ]);
  });

  it('counts the distinct finite values of each format (one zero)', () => {
    // E4M3: 256 patterns - 2 NaN - (-0); E5M2: 256 - 2 Inf - 6 NaN - 1; FP6: 64 - 1; FP16: 65536 - 2048 - 1.
    expect(IDS.map((id) => representableValues(id).length)).toEqual([63487, 65279, 253, 247, 63, 63, 15]);
  });

  it('every FP4 / FP6 / FP8 code round-trips through decode and encode', () => {
    for (const id of SMALL) {
      const n = 2 ** FLOAT_FORMATS[id].bits;
      for (let p = 0; p < n; p++) {
        const v = decodeFloat(id, p);
        if (Number.isNaN(v)) continue;
        expect(encodeFloat(id, v, false), `${id} pattern ${p}`).toBe(p);
      }
    }
  });

  it('every FP16 and BF16 finite pattern round-trips', () => {
    for (const id of ['fp16', 'bf16'] as const) {
      for (let p = 0; p < 65536; p++) {
        const v = decodeFloat(id, p);
        if (!Number.isFinite(v)) continue;
        if (encodeFloat(id, v, false) !== p) throw new Error(`${id} pattern ${p} does not round-trip`);
      }
    }
  });

  it('sends exact midpoints to the even mantissa', () => {
    expect(decodeFloat('e2m1', encodeFloat('e2m1', 2.5))).toBe(2); // 2 (m=0) vs 3 (m=1)
    expect(decodeFloat('e2m1', encodeFloat('e2m1', 3.5))).toBe(4);
    expect(decodeFloat('e2m1', encodeFloat('e2m1', 0.25))).toBe(0);
    expect(decodeFloat('e2m1', encodeFloat('e2m1', 0.75))).toBe(1);
    expect(decodeFloat('e2m1', encodeFloat('e2m1', 5))).toBe(4);
    expect(decodeFloat('e4m3', encodeFloat('e4m3', 17))).toBe(16); // 16 (m=000) vs 18 (m=001)
    expect(decodeFloat('e4m3', encodeFloat('e4m3', 19))).toBe(20);
  });

  it('encodes E4M3 subnormals: 2^-9 steps below 2^-6, ties to even', () => {
    expect(encodeFloat('e4m3', 2 ** -9)).toBe(1);
    expect(encodeFloat('e4m3', 2 ** -10)).toBe(0); // tie between 0 and 2^-9
    expect(encodeFloat('e4m3', 3 * 2 ** -10)).toBe(2); // tie between 1 and 2 steps
    expect(encodeFloat('e4m3', 7 * 2 ** -9)).toBe(7);
    expect(encodeFloat('e4m3', 7.5 * 2 ** -9)).toBe(8); // rounds up into the first normal, 2^-6
    expect(decodeFloat('e4m3', 8)).toBe(2 ** -6);
  });

  it('saturates or follows the plain cast above the largest finite value', () => {
    // E4M3: 464 is the midpoint of 448 and the NaN slot (480): ties to 448 (even); above it the cast gives NaN.
    expect(encodeFloat('e4m3', 464, false)).toBe(0x7e);
    expect(encodeFloat('e4m3', 465, false)).toBe(0x7f);
    expect(encodeFloat('e4m3', -1000, false)).toBe(0xff);
    expect(encodeFloat('e4m3', 1000, true)).toBe(0x7e);
    expect(encodeFloat('e4m3', -1000, true)).toBe(0xfe);
    // E5M2: 61440 is the midpoint of 57344 and 65536 (Inf slot): ties to the even pattern 0x7C, Inf.
    expect(encodeFloat('e5m2', 61439, false)).toBe(0x7b);
    expect(encodeFloat('e5m2', 61440, false)).toBe(0x7c);
    expect(decodeFloat('e5m2', 0x7c)).toBe(Number.POSITIVE_INFINITY);
    expect(encodeFloat('e5m2', 1e6, true)).toBe(0x7b);
    expect(encodeFloat('fp16', 65520, false)).toBe(0x7c00);
    expect(encodeFloat('bf16', 3.4e38, false)).toBe(0x7f80);
    // FP6 / FP4 always saturate.
    expect(encodeFloat('e2m1', 100, false)).toBe(0x7);
    expect(encodeFloat('e3m2', -100, false)).toBe(0x3f);
    expect(encodeFloat('e2m3', 7.75, false)).toBe(0x1f);
  });

  it('handles NaN and Inf per format', () => {
    expect(encodeFloat('e4m3', Number.NaN)).toBe(0x7f);
    expect(encodeFloat('e4m3', -Number.NaN) & 0x7f).toBe(0x7f); // S.1111.111 (the sign follows the NaN's bit)
    expect(encodeFloat('e5m2', Number.NaN)).toBe(0x7f);
    expect(encodeFloat('fp16', Number.NaN)).toBe(0x7e00);
    expect(encodeFloat('bf16', Number.NaN)).toBe(0x7fc0);
    expect(encodeFloat('e2m1', Number.NaN)).toBe(-1);
    expect(encodeFloat('e2m3', Number.NaN)).toBe(-1);
    expect(encodeFloat('e4m3', Number.POSITIVE_INFINITY, false)).toBe(0x7f);
    expect(encodeFloat('e4m3', Number.NEGATIVE_INFINITY, true)).toBe(0xfe);
    expect(encodeFloat('e5m2', Number.NEGATIVE_INFINITY, false)).toBe(0xfc);
    expect(encodeFloat('fp16', Number.POSITIVE_INFINITY, true)).toBe(0x7bff);
    expect(Number.isNaN(decodeFloat('e4m3', 0xff))).toBe(true);
    expect(Number.isNaN(decodeFloat('e5m2', 0x7d))).toBe(true);
  });

  it('keeps the sign of zero', () => {
    expect(encodeFloat('e4m3', -0)).toBe(0x80);
    expect(Object.is(decodeFloat('e2m1', 8), -0)).toBe(true);
    expect(encodeFloat('e2m1', -0.1)).toBe(8); // rounds to -0
  });

  it('property: an encoded value is the nearest representable value (no other is strictly closer)', () => {
    for (const id of SMALL) {
      const values = representableValues(id);
      const max = maxFinite(id);
      fc.assert(
        fc.property(fc.float({ min: Math.fround(-2 * max), max: Math.fround(2 * max), noNaN: true }), (x) => {
          const v = decodeFloat(id, encodeFloat(id, x, true));
          const clamped = Math.max(-max, Math.min(max, x));
          const err = Math.abs(v - clamped);
          return values.every((w) => Math.abs(w - clamped) >= err);
        }),
        { numRuns: 300 },
      );
    }
  });
});
