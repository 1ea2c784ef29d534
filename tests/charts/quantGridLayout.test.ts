/** The grid strip: pixel positions on the linear and symlog tracks, spacing statistics, hover lookup. */
import { describe, expect, it } from 'vitest';
import {
  layoutQuantGrid,
  MAX_LINKED_LEVELS,
  measureSpacing,
  nearestLevel,
} from '../../src/charts/quantGrid/quantGridLayout';
import { linksPath, ticksPath } from '../../src/charts/quantGrid/renderQuantGrid';
import { describeSpacing } from '../../src/components/formats/GridCard';

const E2M1 = Float32Array.of(-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6);
const size = { width: 252, height: 100, margin: { top: 10, right: 0, bottom: 10, left: 52 } };

describe('measureSpacing', () => {
  it('finds the FP4 E2M1 gaps: 0.5 next to zero, 2 at the edge, ratio 4', () => {
    expect(measureSpacing(E2M1)).toEqual({
      levels: 15,
      minGap: 0.5,
      maxGap: 2,
      ratio: 4,
      gapNearZero: 0.5,
      gapAtEdge: 2,
    });
  });

  it('gives ratio 1 on a uniform integer grid and null for fewer than two levels', () => {
    const int3 = Float32Array.from({ length: 7 }, (_, i) => (i - 3) * 0.25);
    expect(measureSpacing(int3)?.ratio).toBe(1);
    expect(measureSpacing(Float32Array.of(1))).toBeNull();
  });

  it('reads the outer gap at the low end when the levels reach further below zero', () => {
    const s = measureSpacing(Float32Array.of(-8, -2, 0, 1));
    expect(s?.gapAtEdge).toBe(6);
    expect(s?.gapNearZero).toBe(1);
  });
});

describe('layoutQuantGrid', () => {
  const layout = layoutQuantGrid(E2M1, size);

  it('spans the plot with the group’s own range on both tracks', () => {
    expect(layout.domain).toEqual([-6, 6]);
    expect(layout.linear.x[0]).toBe(52);
    expect(layout.linear.x[14]).toBe(252);
    expect(layout.symlog.x[0]).toBe(52);
    expect(layout.symlog.x[14]).toBe(252);
    // Linear: 0 in the middle and 0.5 is 1/24 of the width away from it.
    expect(layout.linear.x[7]).toBeCloseTo(152, 9);
    expect(layout.linear.x[8] - layout.linear.x[7]).toBeCloseTo(200 / 24, 4); // pixels are stored as float32;
  });

  it('widens the finest gaps on the symlog track (constant = smallest non-zero |level|)', () => {
    expect(layout.symlogConstant).toBe(0.5);
    const linearGap = layout.linear.x[8] - layout.linear.x[7];
    const logGap = layout.symlog.x[8] - layout.symlog.x[7];
    expect(logGap).toBeGreaterThan(2 * linearGap);
    // symlog(x) = sign(x) log1p(|x| / c): 0.5 maps to log(2) / log(13) of the half width.
    expect(logGap).toBeCloseTo((100 * Math.log(2)) / Math.log(13), 4);
  });

  it('links levels across the tracks only when there are few', () => {
    expect(layout.linked).toBe(true);
    expect(linksPath(layout).split('M').length - 1).toBe(15);
    const many = Float32Array.from({ length: MAX_LINKED_LEVELS + 1 }, (_, i) => i);
    expect(layoutQuantGrid(many, size).linked).toBe(false);
    expect(linksPath(layoutQuantGrid(many, size))).toBe('');
  });

  it('leaves out non-finite levels and survives a single level', () => {
    const one = layoutQuantGrid(Float32Array.of(Number.NaN, 2), size);
    expect(Array.from(one.levels)).toEqual([2]);
    expect(one.domain[0]).toBeLessThan(2);
    expect(one.domain[1]).toBeGreaterThan(2);
    expect(one.spacing).toBeNull();
  });

  it('labels 0 and both ends on the symlog track', () => {
    const values = layout.symlog.ticks.map((t) => t.value);
    expect(values).toContain(0);
    expect(values).toContain(-6);
    expect(values).toContain(6);
    const offsets = layout.symlog.ticks.map((t) => t.offset);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i] - offsets[i - 1]).toBeGreaterThanOrEqual(44);
  });
});

describe('hover and paths', () => {
  const layout = layoutQuantGrid(E2M1, size);
  it('finds the nearest level to a pixel', () => {
    expect(nearestLevel(layout.linear, 152)).toBe(7);
    expect(nearestLevel(layout.linear, 152 + 3)).toBe(7);
    expect(nearestLevel(layout.linear, 152 + 6)).toBe(8);
    expect(nearestLevel(layout.linear, 0)).toBe(0);
    expect(nearestLevel(layout.linear, 1000)).toBe(14);
  });

  it('draws at most one tick per half pixel', () => {
    const dense = Float32Array.from({ length: 1000 }, (_, i) => i * 0.01);
    expect(ticksPath(dense, 0, 5).split('M').length - 1).toBeLessThanOrEqual(21);
    expect(ticksPath(Float32Array.of(1, 3), 0, 5)).toBe('M1 0V5M3 0V5');
  });
});

describe('describeSpacing', () => {
  it('says how uneven a grid is in words', () => {
    expect(describeSpacing(E2M1)).toBe(
      '15 levels; gap 0.5 next to zero and 2 at the edge (the coarsest gap is 4.00× the finest).',
    );
    expect(describeSpacing(Float32Array.of(-1, 0, 1))).toBe('3 evenly spaced levels, 1 apart.');
  });
});
