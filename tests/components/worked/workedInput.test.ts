/** Reading the worked example's typed vector, and which scheme its table shows. */
import { describe, expect, it } from 'vitest';
import {
  formatWorkedValues,
  parseWorkedValues,
  schemeForWorkedExample,
} from '../../../src/components/worked/workedInput';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../../../src/core/scheme';

describe('parseWorkedValues', () => {
  it.each([
    ['1.2, -0.5, 3e-2', [1.2, -0.5, 0.03]],
    ['1;2 3\n4', [1, 2, 3, 4]],
    [' −1.5 ', [-1.5]],
  ])('reads %j', (text, values) => {
    expect(parseWorkedValues(text)).toEqual({ values });
  });

  it.each([
    ['', 'enter at least one number'],
    ['1, x, 3', 'value 2 ("x") is not a finite number'],
    ['1, Infinity', 'value 2 ("Infinity") is not a finite number'],
    [Array.from({ length: 33 }, () => '1').join(','), 'at most 32 values (got 33)'],
  ])('refuses %j: %s', (text, error) => {
    expect(parseWorkedValues(text)).toEqual({ error });
  });

  it('formats back to what it reads', () => {
    const values = [1.2, -0.5, 3.3e-7];
    expect(parseWorkedValues(formatWorkedValues(values))).toEqual({ values });
  });
});

describe('schemeForWorkedExample', () => {
  it('keeps a per-tensor scheme without clipping as it is', () => {
    expect(schemeForWorkedExample(DEFAULT_SCHEME_A)).toEqual({ scheme: DEFAULT_SCHEME_A, notes: [] });
  });

  it('says the vector is one group, and shows a searched clipping as none', () => {
    const r = schemeForWorkedExample({
      ...DEFAULT_SCHEME_B,
      granularity: { kind: 'row' },
      clipping: { kind: 'mseOptimal' },
    });
    expect(r.scheme.kind === 'integer' && r.scheme.clipping).toEqual({ kind: 'none' });
    expect(r.notes).toHaveLength(2);
    expect(r.notes[1]).toContain('MSE-optimal');
  });

  it('keeps a manual clipping range', () => {
    const scheme = { ...DEFAULT_SCHEME_A, clipping: { kind: 'manual' as const, lo: -1, hi: 1 } };
    expect(schemeForWorkedExample(scheme).scheme).toEqual(scheme);
  });
});

describe('parseWorkedValues reads what people paste', () => {
  it('a Python / NumPy list, brackets and line breaks, scientific notation', () => {
    expect(parseWorkedValues('[0.0, -7.2955, 1e-3]')).toEqual({ values: [0, -7.2955, 0.001] });
    expect(parseWorkedValues('np.array([1.5, -2.25e+1], dtype=np.float32)')).toEqual({
      values: [1.5, -22.5],
    });
    expect(parseWorkedValues('torch.tensor([[1, 2],\n [3, 4]])')).toEqual({ values: [1, 2, 3, 4] });
    expect(parseWorkedValues('1.2\n-0.5\r\n−174.8314')).toEqual({ values: [1.2, -0.5, -174.8314] });
    expect(parseWorkedValues('[1, x]')).toEqual({ error: 'value 2 ("x") is not a finite number' });
  });
});
