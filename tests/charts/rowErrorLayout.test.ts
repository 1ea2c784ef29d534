import { describe, expect, it } from 'vitest';
import { NO_MARGIN } from '../../src/charts/chartSize';
import { layoutRowError, rowAtPixel } from '../../src/charts/rowError/rowErrorLayout';

describe('layoutRowError', () => {
  it('draws one step per row when rows fit, from the baseline back to it', () => {
    const layout = layoutRowError(Float64Array.of(1, 2), { width: 100, height: 50, margin: NO_MARGIN });
    // y axis 0..2: value 1 at y 25, value 2 at y 0.
    expect(layout.areaPath).toBe('M0 50L0.00 25.00H50.00L50.00 0.00H100.00L100 50Z');
    expect(layout.rowsPerPixel).toBe(1);
  });

  it('keeps the largest row of each pixel when rows outnumber pixels, so one bad row stays visible', () => {
    const rowMse = new Float64Array(1000);
    rowMse[537] = 4;
    const layout = layoutRowError(rowMse, { width: 100, height: 40, margin: NO_MARGIN });
    expect(layout.rowsPerPixel).toBe(10);
    // Only pixel column 53 (rows 530..539) rises to the top (y 0).
    expect(layout.areaPath).toContain('L53.00 0.00H54.00');
    expect(layout.areaPath.match(/ 0\.00H/g)).toHaveLength(1);
  });

  it('uses the shared maximum for the y axis so A and B compare', () => {
    const layout = layoutRowError(
      Float64Array.of(1),
      { width: 10, height: 10, margin: NO_MARGIN },
      { yMax: 4 },
    );
    expect(layout.yMax).toBe(4);
    expect(layout.areaPath).toContain('L0.00 7.50');
  });

  it('draws the other scheme as a line when its rows match', () => {
    const a = layoutRowError(
      Float64Array.of(1, 1),
      { width: 10, height: 10, margin: NO_MARGIN },
      { other: Float64Array.of(2, 0) },
    );
    expect(a.otherPath).toBe('M0.00 0.00H5.00L5.00 10.00H10.00');
    const b = layoutRowError(
      Float64Array.of(1, 1),
      { width: 10, height: 10, margin: NO_MARGIN },
      { other: Float64Array.of(2) },
    );
    expect(b.otherPath).toBeNull();
  });

  it('finds the row under a pixel', () => {
    const layout = layoutRowError(new Float64Array(4), { width: 100, height: 10, margin: NO_MARGIN });
    expect(rowAtPixel(layout, 0)).toBe(0);
    expect(rowAtPixel(layout, 74.9)).toBe(2);
    expect(rowAtPixel(layout, 100)).toBeNull();
  });
});
