import { describe, expect, it } from 'vitest';
import { NO_MARGIN } from '../../src/charts/chartSize';
import {
  blockRect,
  groupOfElement,
  heatmapHeight,
  hitHeatmap,
  layoutHeatmap,
} from '../../src/charts/errorHeatmap/heatmapLayout';

// A 10 x 300 matrix shown as a 5 x 100 grid (2 rows x 3 cols per cell) in a 300 x 100 plot.
const matrix = { rows: 10, cols: 300 };
const heat = { gridRows: 5, gridCols: 100, rowsPerCell: 2, colsPerCell: 3 };
const layout = layoutHeatmap(heat, matrix, { width: 300, height: 100, margin: NO_MARGIN }, 0.5);

describe('hitHeatmap', () => {
  it('maps a pixel to its cell, the rows and columns it averages, and the element under it', () => {
    const hit = hitHeatmap(layout, heat, 31, 45);
    expect(hit).toEqual({
      cellRow: 2,
      cellCol: 10,
      rows: { start: 4, end: 5 },
      cols: { start: 30, end: 32 },
      row: 4,
      col: 31,
    });
  });

  it('returns null outside the plot', () => {
    expect(hitHeatmap(layout, heat, -1, 10)).toBeNull();
    expect(hitHeatmap(layout, heat, 10, 100)).toBeNull();
  });

  it('clips the last cell to the matrix when the cells do not divide it', () => {
    const uneven = layoutHeatmap(
      { gridRows: 4, gridCols: 1 },
      { rows: 7, cols: 1 },
      { width: 10, height: 80, margin: NO_MARGIN },
      1,
    );
    expect(hitHeatmap(uneven, { rowsPerCell: 2, colsPerCell: 1 }, 5, 79)?.rows).toEqual({ start: 6, end: 6 });
  });
});

describe('groupOfElement', () => {
  it('numbers groups row-major as SEMANTICS.md says: group j of row r is r·⌈cols/g⌉ + j', () => {
    // cols 300, g 128 → 3 groups per row; element (4, 260) is in group 2 of row 4 → 14.
    const group = groupOfElement({ kind: 'group', size: 128 }, matrix, 4, 260);
    expect(group.index).toBe(14);
    expect(group.cols).toEqual({ start: 256, end: 299 });
    expect(group.description).toBe('row 4, columns 256–299');
  });

  it('names rows, columns and the whole tensor', () => {
    expect(groupOfElement({ kind: 'row' }, matrix, 7, 3)).toMatchObject({
      index: 7,
      rows: { start: 7, end: 7 },
    });
    expect(groupOfElement({ kind: 'column' }, matrix, 7, 3)).toMatchObject({
      index: 3,
      cols: { start: 3, end: 3 },
    });
    expect(groupOfElement({ kind: 'tensor' }, matrix, 7, 3)).toMatchObject({
      index: 0,
      description: 'the whole tensor',
    });
  });
});

describe('geometry', () => {
  it('outlines a block in pixels', () => {
    expect(blockRect(layout, { start: 2, end: 3 }, { start: 30, end: 59 })).toEqual({
      x: 30,
      y: 20,
      width: 30,
      height: 20,
    });
  });

  it('keeps the heatmap height between bounds whatever the aspect', () => {
    expect(heatmapHeight(600, 1, 4096)).toBeGreaterThanOrEqual(100);
    expect(heatmapHeight(600, 4096, 1)).toBeLessThanOrEqual(260 + 48);
  });

  it('puts colour-legend ticks from 0 at the bottom to the shared maximum at the top', () => {
    const ticks = layout.legend.ticks;
    expect(ticks[0]).toMatchObject({ value: 0, offset: layout.plot.bottom });
    expect(ticks[ticks.length - 1].value).toBeLessThanOrEqual(0.5);
  });
});
