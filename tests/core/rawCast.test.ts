/**
 * Plain casts of NaN / ±Inf (issue #19), against rules written out from the format definitions (IEEE 754
 * binary16; bfloat16, the top half of binary32; OCP FP8 v1.0: E5M2 IEEE-like, E4M3FN no Inf and S.1111.111 NaN;
 * OCP MX v1.0 §5.3: FP6 / FP4 have neither) as ml_dtypes and PyTorch cast them, not from the engine's tables.
 */
import { describe, expect, it } from 'vitest';
import { computeWorkedExample, type FloatFormatId, type FloatScheme, rawCast } from '../../src/core';

const INF = Number.POSITIVE_INFINITY;

/** Expected sign | exponent | mantissa fields, built by hand per format. */
const EXPECTED_INF: Record<string, [number, number]> = {
  // [+Inf pattern, −Inf pattern]: exponent all ones, mantissa 0, sign on top
  fp16: [0b0_11111_0000000000, 0b1_11111_0000000000],
  bf16: [0b0_11111111_0000000, 0b1_11111111_0000000],
  e5m2: [0b0_11111_00, 0b1_11111_00],
  // E4M3FN: no Inf, a plain cast gives its NaN S.1111.111 (ml_dtypes keeps the sign)
  e4m3: [0b0_1111_111, 0b1_1111_111],
};

describe('rawCast: what a plain cast does with non-finite inputs', () => {
  for (const [format, [plus, minus]] of Object.entries(EXPECTED_INF)) {
    it(`${format}: +Inf -> 0x${plus.toString(16)}, −Inf -> 0x${minus.toString(16)}`, () => {
      const p = rawCast(format as FloatFormatId, INF);
      const m = rawCast(format as FloatFormatId, -INF);
      expect([p.code, m.code]).toEqual([plus, minus]);
      if (format === 'e4m3') {
        expect(p.value).toBeNaN();
        expect(p.note).toBe('+Inf becomes NaN in FP8 E4M3: the format has no Inf');
      } else {
        expect([p.value, m.value]).toEqual([INF, -INF]);
        expect(p.note).toMatch(/^\+Inf stays \+Inf/);
      }
    });
  }

  it('NaN stays a NaN code where the format has one', () => {
    for (const format of ['fp16', 'bf16', 'e5m2', 'e4m3'] as const) {
      const r = rawCast(format, Number.NaN);
      expect(r.code).not.toBeNull();
      expect(r.value).toBeNaN();
      expect(r.note).toMatch(/^NaN stays NaN/);
    }
    // the exact quiet NaN of binary16 / bfloat16: exponent all ones, top mantissa bit set
    expect(rawCast('fp16', Number.NaN).code).toBe(0x7e00);
    expect(rawCast('bf16', Number.NaN).code).toBe(0x7fc0);
  });

  it('FP6 and FP4 have no code for NaN or ±Inf', () => {
    for (const format of ['e2m3', 'e3m2', 'e2m1'] as const)
      for (const x of [INF, -INF, Number.NaN]) {
        const r = rawCast(format, x);
        expect(r.code).toBeNull();
        expect(r.value).toBeNaN();
        expect(r.note).toMatch(/has no code in FP[46] E\dM\d: the format has neither Inf nor NaN/);
      }
  });

  it('a finite overflow is not saturated (the plain cast): 1e6 -> +Inf in FP16, NaN in E4M3', () => {
    expect(rawCast('fp16', 1e6)).toEqual({ code: 0x7c00, value: INF, note: '' });
    expect(rawCast('e4m3', 1e6).value).toBeNaN();
    expect(rawCast('fp16', 1.5).code).toBe(0x3e00); // 0 01111 1000000000
  });
});

describe('worked example with rawNonFinite', () => {
  const raw = (format: FloatFormatId, saturate = true): FloatScheme => ({
    kind: 'float',
    format,
    scaling: 'none',
    groupSize: 32,
    saturate,
  });

  it('is off by default: non-finite values are refused', () => {
    expect(() => computeWorkedExample([1, INF], raw('fp16'))).toThrow(/finite numbers/);
  });

  it('shows the cast of each non-finite value, the finite ones as usual', () => {
    const ex = computeWorkedExample([1.5, INF, Number.NaN, -INF], raw('e4m3'), { rawNonFinite: true });
    const row = (key: string) => ex.steps.find((s) => s.key === key)!.values;
    expect(row('clamped')).toEqual([0b0_0111_100, 0b0_1111_111, 0b0_1111_111, 0b1_1111_111]);
    expect(row('dequantized')[0]).toBe(1.5);
    expect(row('dequantized').slice(1).every(Number.isNaN)).toBe(true);
    expect(ex.notes).toEqual([
      'Value 2: +Inf becomes NaN in FP8 E4M3: the format has no Inf.',
      'Value 3: NaN stays NaN in FP8 E4M3.',
      'Value 4: −Inf becomes NaN in FP8 E4M3: the format has no Inf.',
    ]);
    const fp4 = computeWorkedExample([2.5, -INF], raw('e2m1'), { rawNonFinite: true });
    expect(Number.isNaN(fp4.steps.find((s) => s.key === 'clamped')!.values[1])).toBe(true);
    expect(fp4.notes).toEqual(['Value 2: −Inf has no code in FP4 E2M1: the format has neither Inf nor NaN.']);
    expect(fp4.worst).toBe(0); // the largest finite error (2.5 -> 2)
  });

  it('refuses non-finite values for schemes that have no plain cast', () => {
    expect(() =>
      computeWorkedExample([1, INF], { ...raw('fp16'), scaling: 'tensor' }, { rawNonFinite: true }),
    ).toThrow(/scaling: none/);
  });
});
