import { describe, expect, it } from 'vitest';
import { formatBytes, formatCountTick, formatExact, formatTick } from '../../src/charts/formatNumber';
import { viridisCss, viridisInto } from '../../src/charts/palette';

describe('number formats', () => {
  it.each([
    [0, '0'],
    [0.5, '0.5'],
    [-0.125, '-0.125'],
    [1234.5678, '1234.57'],
    [2.5e-5, '2.5e-5'],
    [Number.POSITIVE_INFINITY, '∞'],
    [Number.NaN, 'NaN'],
  ])('formatExact(%d) = %s', (value, text) => {
    expect(formatExact(value)).toBe(text);
  });

  it('keeps exact numbers parseable by Number() (tests read the metrics table as text)', () => {
    for (const v of [2.6967e-5, 0.00519302, 22.34, 1e-9]) expect(Number(formatExact(v))).toBeCloseTo(v, 10);
  });

  it.each([
    [500, '500'],
    [1000, '1k'],
    [25_000, '25k'],
    [1_500_000, '1.5M'],
  ])('formatCountTick(%d) = %s', (value, text) => {
    expect(formatCountTick(value)).toBe(text);
  });

  it('writes tiny axis ticks in exponent form without a plus sign', () => {
    expect(formatTick(0.0001)).toBe('1e-4');
    expect(formatTick(-0.2)).toBe('-0.2');
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(65536)).toBe('64.0 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.50 MiB');
  });
});

describe('viridis', () => {
  it('runs from dark purple at 0 to yellow at 1 and clamps outside', () => {
    const out = [0, 0, 0];
    viridisInto(0, out);
    expect(out).toEqual([68, 1, 84]);
    viridisInto(2, out);
    expect(out).toEqual([253, 231, 37]);
    expect(viridisCss(Number.NaN)).toBe('rgb(68 1 84)');
  });
});

describe('viridis, the full table', () => {
  // Colours 64, 128 and 192 of matplotlib's 256 (`_viridis_data`, as hex in d3-scale-chromatic): whole RGB values
  // of the table itself, where a 9-stop copy interpolated fractional ones between its stops.
  it.each([
    [64 / 255, [59, 82, 139]],
    [128 / 255, [33, 145, 140]],
    [192 / 255, [94, 201, 98]],
  ])('t = %f is matplotlib’s colour %j', (t, rgb) => {
    const out = [0, 0, 0];
    viridisInto(t, out);
    expect(out).toEqual(rgb);
  });
});
