/**
 * Storage options of the integer schemes (issue #19): the zero point as a b-bit integer or FP16, the scale as FP16
 * or FP32. Each changes the bits per weight and the storage line, never the quantization; absent fields mean
 * today's defaults, in the engine, in validation and in links.
 */
import { describe, expect, it } from 'vitest';
import { summarizeStorage } from '../../src/components/formats/schemeCatalog';
import { createTensor, DEFAULT_SCHEME_A, type IntegerScheme, quantize, validateScheme } from '../../src/core';
import { decodeSchemeParams, encodeSchemeParams } from '../../src/state/urlCodec';

const int4g128: IntegerScheme = {
  ...DEFAULT_SCHEME_A,
  method: 'zeroPoint',
  bits: 4,
  granularity: { kind: 'group', size: 128 },
};
const t = createTensor(
  2,
  256,
  Float32Array.from({ length: 512 }, (_, i) => Math.cos(i * 0.11) * (1 + (i % 5))),
);

describe('bits per weight and storage line', () => {
  it('int4 group-128 zero-point: 4 + (16 + 4) / 128 by default, 4 + (16 + 16) / 128 = 4.25 with an FP16 zero point', () => {
    const plain = quantize(t, int4g128).metrics;
    expect(plain.bitsPerWeight).toBe(4.15625);
    expect(plain.storage).toBe('int4 + FP16 scale + 4-bit zero point per group of 128');
    const hqq = quantize(t, { ...int4g128, zeroPointStorage: 'fp16' }).metrics;
    expect(hqq.bitsPerWeight).toBe(4.25);
    expect(hqq.storage).toBe('int4 + FP16 scale + FP16 zero point per group of 128');
  });

  it('FP32 scales: int4 group-128 absmax 4 + 32 / 128 = 4.25; zero-point with an FP16 zero point 4 + 48 / 128 = 4.375', () => {
    const absmax = quantize(t, { ...int4g128, method: 'absmax', scaleStorage: 'fp32' }).metrics;
    expect(absmax.bitsPerWeight).toBe(4.25);
    expect(absmax.storage).toBe('int4 + FP32 scale per group of 128');
    const both = quantize(t, { ...int4g128, scaleStorage: 'fp32', zeroPointStorage: 'fp16' }).metrics;
    expect(both.bitsPerWeight).toBe(4.375);
    expect(both.storage).toBe('int4 + FP32 scale + FP16 zero point per group of 128');
  });

  it('changes no code or value: the storage is bookkeeping', () => {
    const a = quantize(t, int4g128);
    const codes = Array.from(a.codes);
    const deq = Array.from(a.dequantized);
    const b = quantize(t, { ...int4g128, scaleStorage: 'fp32', zeroPointStorage: 'fp16' });
    expect(Array.from(b.codes)).toEqual(codes);
    expect(Array.from(b.dequantized)).toEqual(deq);
  });

  it('the picker’s line says what the engine reports', () => {
    const s = summarizeStorage({ ...int4g128, zeroPointStorage: 'fp16' }, { rows: 2, cols: 256 });
    expect(s.bitsPerWeight).toBe(4.25);
    expect(s.storage).toBe('int4 + FP16 scale + FP16 zero point per group of 128');
    expect(summarizeStorage({ ...int4g128, scaleStorage: 'fp32' }).bitsPerWeight).toBe(4 + 36 / 128);
  });
});

describe('validation', () => {
  it('keeps valid options, refuses unknown ones by name, drops a zero point storage on absmax', () => {
    expect(validateScheme({ ...int4g128, zeroPointStorage: 'fp16', scaleStorage: 'fp32' })).toMatchObject({
      zeroPointStorage: 'fp16',
      scaleStorage: 'fp32',
    });
    expect(() => validateScheme({ ...int4g128, scaleStorage: 'fp8' })).toThrow(
      /scaleStorage must be one of fp16, fp32/,
    );
    expect(() => validateScheme({ ...int4g128, zeroPointStorage: 'int8' })).toThrow(/zeroPointStorage/);
    expect(validateScheme({ ...int4g128, method: 'absmax', zeroPointStorage: 'fp16' })).not.toHaveProperty(
      'zeroPointStorage',
    );
    expect(validateScheme(int4g128)).not.toHaveProperty('scaleStorage');
  });
});

describe('links', () => {
  it('round-trip both options, and a link without them decodes to the defaults (no field)', () => {
    const scheme: IntegerScheme = { ...int4g128, zeroPointStorage: 'fp16', scaleStorage: 'fp32' };
    const text = encodeSchemeParams(scheme);
    expect(text).toContain('sstore=fp32');
    expect(text).toContain('zstore=fp16');
    expect(decodeSchemeParams(text, 'b')).toEqual({ scheme, notices: [] });
    const old = decodeSchemeParams(encodeSchemeParams(int4g128), 'b').scheme;
    expect(old).toEqual(int4g128);
    expect(old).not.toHaveProperty('scaleStorage');
    expect(old).not.toHaveProperty('zeroPointStorage');
  });

  it('a bad value falls back with a notice; a zero point storage on absmax is ignored', () => {
    const bad = decodeSchemeParams(`${encodeSchemeParams(int4g128)}&sstore=fp64`, 'b');
    expect(bad.scheme).toMatchObject({ scaleStorage: 'fp16' });
    expect(bad.notices.join(' ')).toMatch(/sstore=fp64 ignored/);
    const absmax = decodeSchemeParams(
      `${encodeSchemeParams({ ...int4g128, method: 'absmax' })}&zstore=fp16`,
      'a',
    );
    expect(absmax.scheme).not.toHaveProperty('zeroPointStorage');
    expect(absmax.notices).toEqual([]);
  });
});
