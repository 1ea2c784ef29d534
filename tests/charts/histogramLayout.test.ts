import { describe, expect, it } from 'vitest';
import { NO_MARGIN } from '../../src/charts/chartSize';
import {
  barAtPixel,
  clipArrowOf,
  layoutHistogram,
  valueAtPixel,
} from '../../src/charts/histogram/histogramLayout';

const size = { width: 200, height: 100, margin: NO_MARGIN };
const twoBins = {
  edges: Float64Array.of(-1, 0, 1),
  original: Uint32Array.of(5, 10),
  dequantized: Uint32Array.of(4, 11),
};

describe('layoutHistogram', () => {
  it('spans the plot width with the bin edges and puts the tallest bar at the top', () => {
    const layout = layoutHistogram(twoBins, size, { yScale: 'linear' });
    expect(layout.bars.map((b) => [b.x, b.width])).toEqual([
      [0, 100],
      [100, 100],
    ]);
    expect(layout.maxCount).toBe(11);
    // Linear axis from 0 to nice(11) = 12: 11 sits at 100 - 100 * 11/12.
    expect(layout.bars[1].yDequantized).toBeCloseTo(100 - (100 * 11) / 12, 9);
    expect(layout.bars[0].yOriginal).toBeCloseTo(100 - (100 * 5) / 12, 9);
  });

  it('overlays both series on the same bins', () => {
    const layout = layoutHistogram(twoBins, size, { yScale: 'linear' });
    expect(layout.bars.map((b) => [b.x0, b.x1, b.original, b.dequantized])).toEqual([
      [-1, 0, 5, 4],
      [0, 1, 10, 11],
    ]);
  });

  it('draws no bar for a zero count on a log axis (instead of an -Infinity height)', () => {
    const layout = layoutHistogram(
      {
        edges: Float64Array.of(0, 1, 2),
        original: Uint32Array.of(0, 100),
        dequantized: Uint32Array.of(100, 0),
      },
      size,
      { yScale: 'log' },
    );
    expect(layout.bars[0].yOriginal).toBeNull();
    expect(layout.bars[1].yDequantized).toBeNull();
    expect(layout.bars[1].yOriginal).toBeGreaterThanOrEqual(0);
    expect(layout.yTicks.map((t) => t.label)).toEqual(['1', '10', '100']);
  });

  it('without a second series leaves its bars out', () => {
    const layout = layoutHistogram({ edges: twoBins.edges, original: twoBins.original }, size, {
      yScale: 'linear',
    });
    expect(layout.bars.every((b) => b.yDequantized === null)).toBe(true);
  });

  it('places grid levels inside the domain and counts those outside a zoom', () => {
    const layout = layoutHistogram({ ...twoBins, levels: Float32Array.of(-2, -0.5, 0, 0.5, 3) }, size, {
      yScale: 'linear',
    });
    expect(Array.from(layout.gridTicks)).toEqual([50, 100, 150]);
    expect(layout.gridOutside).toBe(2);
    expect(layout.gridStrip.top).toBeGreaterThan(layout.plot.bottom);
  });

  it('clamps clip markers to the plot and says when they are outside the zoomed domain', () => {
    const layout = layoutHistogram({ ...twoBins, clip: { lo: -0.5, hi: 4 } }, size, { yScale: 'linear' });
    expect(layout.clip).toEqual({
      lo: -0.5,
      hi: 4,
      xLo: 50,
      xHi: 200,
      loInside: true,
      hiInside: false,
      loArrow: null,
      hiArrow: { side: 'right', text: 'clip 4 →' },
    });
  });

  it('says where a clip edge lies beyond either side of the zoomed domain', () => {
    // Zoomed on [-1, 1] with a manual clip of ±2.5: both markers clamp to the edges, both arrows name ±2.5.
    const layout = layoutHistogram({ ...twoBins, clip: { lo: -2.5, hi: 2.5 } }, size, { yScale: 'linear' });
    expect(layout.clip?.xLo).toBe(0);
    expect(layout.clip?.xHi).toBe(200);
    expect(layout.clip?.loArrow).toEqual({ side: 'left', text: '← clip -2.5' });
    expect(layout.clip?.hiArrow).toEqual({ side: 'right', text: 'clip 2.5 →' });
  });

  it('points both arrows the same way when the whole clip range lies beyond one side', () => {
    const layout = layoutHistogram({ ...twoBins, clip: { lo: 1.5, hi: 3 } }, size, { yScale: 'linear' });
    expect(layout.clip?.loArrow?.side).toBe('right');
    expect(layout.clip?.hiArrow?.side).toBe('right');
    expect(layout.clip?.loInside).toBe(false);
  });

  it('draws no arrow for an edge on the domain boundary (it is inside)', () => {
    expect(clipArrowOf(-1, [-1, 1])).toBeNull();
    expect(clipArrowOf(1, [-1, 1])).toBeNull();
    expect(clipArrowOf(1.0000001, [-1, 1])?.side).toBe('right');
    // The axis ticks' form: d3's minus sign in exponent notation.
    expect(clipArrowOf(-0.00015, [0, 1])).toEqual({ side: 'left', text: '← clip −1.5e-4' });
  });

  it('keeps a constant tensor (zero-width domain) invertible', () => {
    const layout = layoutHistogram({ edges: Float64Array.of(3, 3), original: Uint32Array.of(7) }, size, {
      yScale: 'linear',
    });
    expect(layout.xDomain).toEqual([2.5, 3.5]);
    expect(Number.isFinite(layout.bars[0].x)).toBe(true);
  });

  it('labels large count ticks with SI prefixes, not exponents', () => {
    const layout = layoutHistogram(
      { edges: Float64Array.of(0, 1), original: Uint32Array.of(40_000) },
      { width: 200, height: 300, margin: NO_MARGIN },
      { yScale: 'linear' },
    );
    expect(layout.yTicks.map((t) => t.label)).toContain('40k');
    expect(layout.yTicks.some((t) => t.label.includes('e'))).toBe(false);
  });
});

describe('pixel lookups', () => {
  const layout = layoutHistogram(twoBins, size, { yScale: 'linear' });

  it('inverts the x scale', () => {
    expect(valueAtPixel(layout, 0)).toBe(-1);
    expect(valueAtPixel(layout, 150)).toBe(0.5);
  });

  it('finds the bar under a pixel and nothing outside the plot', () => {
    expect(barAtPixel(layout, 10)?.index).toBe(0);
    expect(barAtPixel(layout, 100)?.index).toBe(1);
    expect(barAtPixel(layout, 199)?.index).toBe(1);
    expect(barAtPixel(layout, 201)).toBeNull();
  });
});
