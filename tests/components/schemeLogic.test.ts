import { describe, expect, it } from 'vitest';
import { parseNumberInput } from '../../src/components/controls/NumberField';
import { betterChannel, compareText, METRIC_ROWS } from '../../src/components/MetricsTable';
import { clipRangeOf, nextManualClip } from '../../src/components/SchemeCharts';
import { describeScheme, METHOD_OPTIONS, methodOf } from '../../src/components/schemeMethods';
import { computeSharedScales, keepUnchangedScales } from '../../src/components/sharedScales';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type IntegerScheme } from '../../src/core/scheme';
import type { Metrics, QuantView } from '../../src/core/view';
import { centralRange } from '../../src/state/centralRange';

const manual = (scheme: IntegerScheme, lo: number, hi: number): IntegerScheme => ({
  ...scheme,
  clipping: { kind: 'manual', lo, hi },
});

describe('nextManualClip', () => {
  it('clips absmax symmetrically to ±|value| whichever marker moves', () => {
    expect(nextManualClip(manual(DEFAULT_SCHEME_A, -1, 1), 'hi', 0.4)).toEqual({ lo: -0.4, hi: 0.4 });
    expect(nextManualClip(manual(DEFAULT_SCHEME_A, -1, 1), 'lo', -0.3)).toEqual({ lo: -0.3, hi: 0.3 });
  });

  it('moves one zero-point edge and never lets it cross the other', () => {
    expect(nextManualClip(manual(DEFAULT_SCHEME_B, -1, 2), 'lo', -0.5)).toEqual({ lo: -0.5, hi: 2 });
    const crossed = nextManualClip(manual(DEFAULT_SCHEME_B, -1, 2), 'hi', -3);
    expect(crossed.lo).toBe(-1);
    expect(crossed.hi).toBeGreaterThan(-1);
  });
});

describe('clipRangeOf', () => {
  const view = { group: { lo: -2, hi: 3 } } as unknown as QuantView;
  it('shows the manual range from the scheme (so markers follow a drag at once), symmetric for absmax', () => {
    expect(clipRangeOf(manual(DEFAULT_SCHEME_A, -0.2, 0.7), view)).toEqual({ lo: -0.7, hi: 0.7 });
    expect(clipRangeOf(manual(DEFAULT_SCHEME_B, -0.2, 0.7), view)).toEqual({ lo: -0.2, hi: 0.7 });
  });
  it('otherwise shows the selected group’s range from the engine', () => {
    expect(clipRangeOf(DEFAULT_SCHEME_A, view)).toEqual({ lo: -2, hi: 3 });
  });
});

describe('scheme methods', () => {
  it('switching method keeps bits, granularity, rounding and clipping', () => {
    const a: IntegerScheme = { ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'row' }, fullRange: true };
    const zp = METHOD_OPTIONS.find((o) => o.id === 'zeroPoint')?.create(a);
    expect(zp).toEqual({ ...DEFAULT_SCHEME_A, method: 'zeroPoint', bits: 4, granularity: { kind: 'row' } });
    expect(methodOf(zp as IntegerScheme)?.id).toBe('zeroPoint');
  });

  it('describes a scheme in a few words', () => {
    expect(describeScheme({ ...DEFAULT_SCHEME_B, bits: 4, granularity: { kind: 'group', size: 128 } })).toBe(
      'zero-point int4, group 128',
    );
    expect(describeScheme(DEFAULT_SCHEME_A)).toBe('absmax int8, per tensor');
  });
});

describe('betterChannel', () => {
  const metrics = (over: Partial<Metrics>) =>
    ({ mse: 1, sqnrDb: 10, clippedFraction: 0, ...over }) as Metrics;
  const row = (key: string) => METRIC_ROWS.find((r) => r.key === key) ?? METRIC_ROWS[0];

  it('marks the lower MSE and the higher SQNR', () => {
    expect(betterChannel(row('mse'), metrics({ mse: 2 }), metrics({ mse: 1 }))).toBe('b');
    expect(betterChannel(row('sqnr'), metrics({ sqnrDb: 30 }), metrics({ sqnrDb: 20 }))).toBe('a');
    expect(
      betterChannel(row('sqnr'), metrics({ sqnrDb: Number.POSITIVE_INFINITY }), metrics({ sqnrDb: 20 })),
    ).toBe('a');
  });

  it('marks nothing on a tie, a missing side, or a metric with no better direction', () => {
    expect(betterChannel(row('mse'), metrics({ mse: 1 }), metrics({ mse: 1 + 1e-15 }))).toBeNull();
    expect(betterChannel(row('mse'), metrics({}), undefined)).toBeNull();
    expect(betterChannel(row('clipped'), metrics({ clippedFraction: 0.1 }), metrics({}))).toBeNull();
  });
});

describe('centralRange', () => {
  const summary = { rows: 1, cols: 1, count: 1, nonFinite: 0, mean: 0, std: 0.1, min: -3, max: 2, absmax: 3 };
  it('is mean ± 4 std within [min, max]', () => {
    expect(centralRange(summary)).toEqual([-0.4, 0.4]);
    expect(centralRange({ ...summary, min: -0.2 })).toEqual([-0.2, 0.4]);
  });
  it('is null when it would show everything anyway, or for constant data', () => {
    expect(centralRange({ ...summary, min: -0.3, max: 0.3 })).toBeNull();
    expect(centralRange({ ...summary, std: 0 })).toBeNull();
  });
});

describe('parseNumberInput', () => {
  it.each([
    ['', {}, 'enter a number'],
    ['abc', {}, 'not a number'],
    ['1.5', { integer: true }, 'must be a whole number'],
    ['0', { min: 1 }, 'must be at least 1'],
    ['9000', { max: 8192 }, 'must be at most 8192'],
  ])('rejects %j (%j) with "%s"', (text, limits, error) => {
    expect(parseNumberInput(text, limits)).toEqual({ error });
  });

  it('accepts exponent notation and negatives', () => {
    expect(parseNumberInput('-2.5e-3', {})).toEqual({ value: -0.0025 });
  });
});

describe('computeSharedScales', () => {
  const view = (heatMax: number, rowMse: number[]) =>
    ({
      rows: rowMse.length,
      heatmap: { max: heatMax },
      rowMse: Float64Array.from(rowMse),
    }) as unknown as QuantView;

  it('gives both panels the larger heatmap and per-row maxima and each other’s per-row MSE', () => {
    const a = view(0.5, [1, 4]);
    const b = view(0.9, [2, 3]);
    const shared = computeSharedScales({ a, b }, true);
    expect(shared.a).toMatchObject({
      heatmapMax: 0.9,
      rowMseMax: 4,
      other: { label: 'Scheme B', rowMse: b.rowMse },
    });
    expect(shared.b.other?.rowMse).toBe(a.rowMse);
  });

  it('has no comparison line in the single view', () => {
    const shared = computeSharedScales({ a: view(0.5, [1]) }, false);
    expect(shared.a).toEqual({ heatmapMax: 0.5, rowMseMax: 1, other: null });
  });
});

describe('compareText', () => {
  const m = (over: Partial<Metrics>) =>
    ({ mse: 2, sqnrDb: 20, clippedFraction: 0, levelsUsed: 10, ...over }) as Metrics;
  const row = (key: string) => METRIC_ROWS.find((r) => r.key === key) ?? METRIC_ROWS[0];
  it('gives a ratio for errors and a difference for dB, percentages and counts', () => {
    expect(compareText(row('mse'), m({ mse: 2 }), m({ mse: 1 }))).toBe('×0.500');
    expect(compareText(row('sqnr'), m({ sqnrDb: 20 }), m({ sqnrDb: 20.43 }))).toBe('+0.43 dB');
    expect(compareText(row('clipped'), m({ clippedFraction: 0.01 }), m({}))).toBe('−1.000 pp');
    expect(compareText(row('levels'), m({ levelsUsed: 15 }), m({ levelsUsed: 149 }))).toBe('+134');
  });
  it('is empty when a side is missing or infinite', () => {
    expect(compareText(row('mse'), m({}), undefined)).toBe('');
    expect(compareText(row('sqnr'), m({ sqnrDb: Number.POSITIVE_INFINITY }), m({}))).toBe('');
  });
});

describe('keepUnchangedScales', () => {
  const view = (heatMax: number, rowMse: number[]) =>
    ({
      rows: rowMse.length,
      heatmap: { max: heatMax },
      rowMse: Float64Array.from(rowMse),
    }) as unknown as QuantView;

  it('keeps the previous objects when a recompute draws the same scales', () => {
    const a = view(0.5, [1, 4]);
    const b = view(0.9, [2, 3]);
    const first = computeSharedScales({ a, b }, true);
    const again = keepUnchangedScales(first, computeSharedScales({ a, b }, true));
    expect(again).toBe(first);
  });

  it('replaces only the panel whose comparison series changed', () => {
    const a = view(0.5, [1, 4]);
    const b = view(0.9, [2, 3]);
    const first = computeSharedScales({ a, b }, true);
    // A new result for A with the same maxima: B's dashed line (A's rows) changes, A's scales do not.
    const a2 = view(0.5, [2, 4]);
    const next = keepUnchangedScales(first, computeSharedScales({ a: a2, b }, true));
    expect(next.a).toBe(first.a);
    expect(next.b).not.toBe(first.b);
    expect(next.b.other?.rowMse).toBe(a2.rowMse);
  });

  it('replaces both when a shared maximum changes', () => {
    const a = view(0.5, [1, 4]);
    const b = view(0.9, [2, 3]);
    const first = computeSharedScales({ a, b }, true);
    const next = keepUnchangedScales(first, computeSharedScales({ a: a, b: view(1.5, [2, 3]) }, true));
    expect(next.a).not.toBe(first.a);
    expect(next.a.heatmapMax).toBe(1.5);
    expect(next.b.heatmapMax).toBe(1.5);
  });

  it('takes the new scales when there is nothing before', () => {
    const next = computeSharedScales({ a: view(0.5, [1]) }, false);
    expect(keepUnchangedScales(null, next)).toBe(next);
  });
});
