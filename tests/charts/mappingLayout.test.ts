/** The mapping chart's layout: an exact staircase x ↦ x̂ (risers between levels), identity line, clipping marks. */
import { describe, expect, it } from 'vitest';
import { NO_MARGIN } from '../../src/charts/chartSize';
import { layoutMapping, mapToLevel } from '../../src/charts/mapping/mappingLayout';

const size = { width: 300, height: 300, margin: NO_MARGIN };
const levels = Float32Array.of(-1, 0, 1);

describe('mapToLevel', () => {
  it.each([
    [-5, -1],
    [-0.6, -1],
    [-0.4, 0],
    [0.49, 0],
    [0.5, 1], // a tie goes up (rounding is the engine's job; the chart only draws where steps rise)
    [3, 1],
  ])('nearest: %d → %d', (x, expected) => {
    expect(mapToLevel(x, levels, 'nearest')).toBe(expected);
  });

  it.each([
    [-0.5, -1],
    [0, 0],
    [0.99, 0],
    [1, 1],
  ])('floor: %d → %d', (x, expected) => {
    expect(mapToLevel(x, levels, 'floor')).toBe(expected);
  });
});

describe('layoutMapping', () => {
  it('draws three flat runs joined by risers half-way between the levels', () => {
    // x and y both span [−1.5, 1.5] → pixels: x = (v + 1.5) * 100, y = (1.5 − v) * 100.
    const layout = layoutMapping({ levels, domain: [-1.5, 1.5], clip: null, rounding: 'nearest' }, size);
    expect(layout.steps).toBe(2);
    expect(layout.sampled).toBe(false);
    expect(layout.path).toBe('M0.00,250.00H100.00V150.00H200.00V50.00H300.00');
    // The identity line runs corner to corner.
    expect(layout.diagonal).toEqual({ x1: 0, y1: 300, x2: 300, y2: 0 });
    expect(layout.clip).toBeNull();
  });

  it('puts the risers on the levels for floor rounding', () => {
    const layout = layoutMapping({ levels, domain: [-1.5, 1.5], clip: null, rounding: 'floor' }, size);
    expect(layout.path).toBe('M0.00,250.00H150.00V150.00H250.00V50.00H300.00');
  });

  it('marks the clipping edges inside the range and shades beyond them', () => {
    const layout = layoutMapping(
      { levels, domain: [-1.5, 1.5], clip: { lo: -1, hi: 1 }, rounding: 'nearest' },
      size,
    );
    expect(layout.clip).toEqual({ xLo: 50, xHi: 250 });
    expect(layout.clippedZones).toEqual([
      { x: 0, width: 50 },
      { x: 250, width: 50 },
    ]);
    const outside = layoutMapping(
      { levels, domain: [-0.5, 0.5], clip: { lo: -1, hi: 1 }, rounding: 'nearest' },
      size,
    );
    expect(outside.clip).toEqual({ xLo: null, xHi: null });
    expect(outside.clippedZones).toEqual([]);
  });

  it('draws one point per pixel column when a grid has more steps than the plot has pixels', () => {
    const fine = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 1000);
    const layout = layoutMapping({ levels: fine, domain: [-2, 2], clip: null, rounding: 'nearest' }, size);
    expect(layout.steps).toBe(4000);
    expect(layout.sampled).toBe(true);
    expect(layout.path.split('L')).toHaveLength(301);
  });

  it('counts only the risers inside the shown range (a zoom)', () => {
    const layout = layoutMapping({ levels, domain: [0.1, 0.9], clip: null, rounding: 'nearest' }, size);
    expect(layout.steps).toBe(1);
  });
});
