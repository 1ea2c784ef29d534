/**
 * Every chart layout is total over extreme and non-finite inputs: values near and past the float32 limit,
 * ±1e308 view ranges, ±Infinity and NaN in domains, counts and metrics. A layout must never throw and every
 * number it hands the renderer (pixels, ticks, path coordinates) must be finite — an SVG attribute such as
 * `translate(NaN,0)` or a `toFixed` on an undefined tick is what the user saw before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChartSize, NO_MARGIN } from '../../src/charts/chartSize';
import { layoutHeatmap } from '../../src/charts/errorHeatmap/heatmapLayout';
import { layoutFeatureMax } from '../../src/charts/featureMax/featureMaxLayout';
import { HISTOGRAM_MARGIN, layoutHistogram } from '../../src/charts/histogram/histogramLayout';
import { layoutMapping } from '../../src/charts/mapping/mappingLayout';
import { layoutQuantGrid } from '../../src/charts/quantGrid/quantGridLayout';
import { layoutRowError } from '../../src/charts/rowError/rowErrorLayout';
import { layoutSweep } from '../../src/charts/sweep/sweepLayout';
import type { Scheme } from '../../src/core/scheme';

/** Values a hostile link or file can put in front of a chart. */
const EXTREMES = [
  0,
  -0,
  1,
  -1,
  1e-45,
  -1e-45,
  1e-30,
  1e-320,
  3e38,
  -3e38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1e38,
  1e300,
  -1e300,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
];
const extreme = fc.oneof(
  fc.constantFrom(...EXTREMES),
  fc.double(),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);
const nonNegative = fc.oneof(
  fc.constantFrom(0, 1e-45, 1e-300, 1, 3e38, 1e308, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NaN),
  fc.double({ min: 0, noNaN: true }),
);
const sizes = fc.record({
  width: fc.integer({ min: 0, max: 900 }),
  height: fc.integer({ min: 0, max: 400 }),
});

/** Walks a layout and returns the path of the first non-finite number or NaN-bearing string, or null. */
function firstBadValue(value: unknown, path = 'layout', seen = new Set<unknown>()): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} = ${value}`;
  if (typeof value === 'string')
    return /NaN|Infinity|undefined/.test(value) ? `${path} = ${JSON.stringify(value).slice(0, 120)}` : null;
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v === 'number' && !Number.isFinite(v)) return `${path}[${i}] = ${v}`;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const bad = firstBadValue(v, `${path}.${k}`, seen);
    if (bad) return bad;
  }
  return null;
}

function expectTotal(layout: unknown, allow: ReadonlySet<string> = new Set()): void {
  // Inputs echoed back as they came (documented as such) are not drawn; they may keep their value.
  const copy = { ...(layout as Record<string, unknown>) };
  for (const key of allow) delete copy[key];
  expect(firstBadValue(copy)).toBeNull();
}

const RUNS = { numRuns: 300 };

describe('chart layouts over extreme and non-finite values', () => {
  it('row error: MSE of ±Infinity, NaN, 1e308 in any row', () => {
    fc.assert(
      fc.property(
        fc.array(nonNegative, { maxLength: 40 }),
        fc.option(nonNegative, { nil: undefined }),
        fc.boolean(),
        sizes,
        (mse, yMax, withOther, wh) => {
          const rowMse = Float64Array.from(mse);
          const other = withOther ? Float64Array.from(mse.map((v) => v * 2)) : null;
          const size: ChartSize = { ...wh, margin: { top: 10, right: 14, bottom: 40, left: 60 } };
          const layout = layoutRowError(rowMse, size, { yMax, other });
          expectTotal(layout);
          expect(layout.yTicks.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('mapping: view ranges of ±1e308, levels at the float32 limit, manual clip of ±1e308', () => {
    fc.assert(
      fc.property(
        fc.array(extreme, { maxLength: 20 }),
        extreme,
        extreme,
        fc.option(fc.record({ lo: extreme, hi: extreme }), { nil: null }),
        fc.constantFrom('nearest' as const, 'floor' as const),
        sizes,
        (raw, a, b, clip, rounding, wh) => {
          const levels = Float32Array.from(raw).sort();
          const size: ChartSize = { ...wh, margin: { top: 8, right: 12, bottom: 34, left: 52 } };
          const layout = layoutMapping({ levels, domain: [a, b], clip, rounding }, size);
          expectTotal(layout);
          expect(layout.xTicks.length).toBeGreaterThan(0);
          expect(layout.yTicks.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('mapping: the reported links (domain ±1e308, clip ±1e308) draw finite axes', () => {
    const size: ChartSize = { width: 320, height: 240, margin: { top: 8, right: 12, bottom: 34, left: 52 } };
    const layout = layoutMapping(
      {
        levels: Float32Array.of(-1, 0, 1),
        domain: [-1e308, 1e308],
        clip: { lo: -1e308, hi: 1e308 },
        rounding: 'nearest',
      },
      size,
    );
    expectTotal(layout);
    for (const t of layout.xTicks) expect(Number.isFinite(t.offset)).toBe(true);
  });

  it('histogram: edges over the float32 limit or ±Infinity, counts, levels, clip and markers anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(extreme, { minLength: 0, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 12 }),
        fc.array(extreme, { maxLength: 10 }),
        fc.option(fc.record({ lo: extreme, hi: extreme }), { nil: null }),
        fc.array(extreme, { maxLength: 4 }),
        fc.constantFrom('linear' as const, 'log' as const),
        sizes,
        (rawEdges, counts, levels, clip, markerValues, yScale, wh) => {
          const edges = Float64Array.from(rawEdges).sort();
          const bins = Math.max(0, edges.length - 1);
          const original = Uint32Array.from({ length: bins }, (_, i) => counts[i] ?? 0);
          const dequantized = Uint32Array.from({ length: bins }, (_, i) => counts[bins - 1 - i] ?? 0);
          const markers = markerValues.map((value, i) => ({
            key: `m${i}`,
            value,
            color: 'red',
            dash: null,
            label: '',
            row: 0,
          }));
          const size: ChartSize = { ...wh, margin: HISTOGRAM_MARGIN };
          const layout = layoutHistogram(
            { edges, original, dequantized, levels: Float32Array.from(levels), clip, markers },
            size,
            { yScale },
          );
          // `bars[].x0/x1` are the engine's bin edges, shown as text in the tooltip (formatExact spells ±∞).
          const { bars, ...rest } = layout;
          expectTotal(rest);
          for (const bar of bars) {
            expect(Number.isFinite(bar.x) && Number.isFinite(bar.width)).toBe(true);
            if (bar.yOriginal !== null) expect(Number.isFinite(bar.yOriginal)).toBe(true);
            if (bar.yDequantized !== null) expect(Number.isFinite(bar.yDequantized)).toBe(true);
          }
          expect(layout.xTicks.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('quantization grid: levels at ±3.4e38, ±Infinity, subnormals', () => {
    fc.assert(
      fc.property(fc.array(extreme, { maxLength: 30 }), sizes, (raw, wh) => {
        const size: ChartSize = { ...wh, margin: { top: 16, right: 14, bottom: 18, left: 52 } };
        const layout = layoutQuantGrid(Float32Array.from(raw), size);
        // `spacing.ratio` may be Infinity for a grid whose smallest gap underflows to 0: guard it too.
        expectTotal(layout);
        expect(layout.linear.ticks.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('heatmap: a colour maximum of Infinity or NaN', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 0, max: 1 << 20 }),
        fc.integer({ min: 0, max: 1 << 20 }),
        nonNegative,
        sizes,
        (gridRows, gridCols, rows, cols, colorMax, wh) => {
          const size: ChartSize = { ...wh, margin: { top: 8, right: 84, bottom: 40, left: 52 } };
          const layout = layoutHeatmap({ gridRows, gridCols }, { rows, cols }, size, colorMax);
          expectTotal(layout);
          expect(layout.legend.ticks.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('feature max |x|: magnitudes and thresholds at the float32 limit, Infinity, NaN', () => {
    fc.assert(
      fc.property(
        fc.array(nonNegative, { maxLength: 40 }),
        fc.array(fc.integer({ min: -2, max: 45 }), { maxLength: 5 }),
        extreme,
        sizes,
        (mags, outliers, threshold, wh) => {
          const size: ChartSize = { ...wh, margin: { top: 18, right: 14, bottom: 40, left: 52 } };
          const layout = layoutFeatureMax(
            Float32Array.from(mags),
            Int32Array.from(outliers),
            threshold,
            size,
          );
          // `bars[].value` is the data (shown in the tooltip); every pixel is checked.
          const { bars, ...rest } = layout;
          expectTotal(rest);
          for (const bar of bars) expect([bar.x, bar.width, bar.y].every(Number.isFinite)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('sweep: bits, MSE and SQNR of ±Infinity, NaN and 1e308', () => {
    const scheme: Scheme = { kind: 'binary' };
    fc.assert(
      fc.property(
        fc.array(fc.record({ bits: extreme, mse: extreme, sqnr: extreme, onFront: fc.boolean() }), {
          maxLength: 12,
        }),
        fc.constantFrom('mse' as const, 'sqnr' as const),
        sizes,
        (raw, metric, wh) => {
          const points = raw.map((p) => ({
            scheme,
            label: 'x',
            family: 'other' as const,
            bitsPerWeight: p.bits,
            mse: p.mse,
            sqnrDb: p.sqnr,
            onFront: p.onFront,
          }));
          const size: ChartSize = { ...wh, margin: { top: 12, right: 16, bottom: 40, left: 60 } };
          expectTotal(layoutSweep(points, size, metric));
        },
      ),
      RUNS,
    );
  });

  it('a zero-size chart lays out empty but finite', () => {
    const size: ChartSize = { width: 0, height: 0, margin: NO_MARGIN };
    expectTotal(layoutRowError(Float64Array.of(Number.POSITIVE_INFINITY), size));
    expectTotal(
      layoutMapping({ levels: new Float32Array(0), domain: [0, 0], clip: null, rounding: 'nearest' }, size),
    );
  });
});
