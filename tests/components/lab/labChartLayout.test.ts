import { describe, expect, it } from 'vitest';
import { LINE_MARGIN, layoutHistogram, layoutLines } from '../../../src/components/lab/labChartLayout';

describe('layoutLines', () => {
  const size = { width: 460, height: 244 };
  it('maps the x range onto the plot and the y domain (fractions) bottom to top', () => {
    const l = layoutLines([2, 4, 8], [{ label: 's', color: 'red', values: [0, 0.5, 1] }], size, {
      yDomain: [0, 1],
    });
    const [p0, p1, p2] = l.paths[0].points;
    expect(p0.x).toBe(LINE_MARGIN.left);
    expect(p2.x).toBe(size.width - LINE_MARGIN.right);
    expect(p1.x).toBeCloseTo(LINE_MARGIN.left + (400 * 2) / 6, 6); // 4 is a third of the way from 2 to 8
    expect(p0.y).toBe(size.height - LINE_MARGIN.bottom);
    expect(p2.y).toBe(LINE_MARGIN.top);
    expect(p1.y).toBeCloseTo((p0.y + p2.y) / 2, 6);
    expect(l.paths[0].d.startsWith('M46.0,210.0L')).toBe(true);
  });
  it('leaves out non-finite values and places reference lines', () => {
    const l = layoutLines([0, 1, 2], [{ label: 's', color: 'red', values: [Number.NaN, 0.2, 0.4] }], size, {
      yDomain: [0, 1],
      references: [{ label: 'float', color: 'grey', value: 1 }],
    });
    expect(l.paths[0].points).toHaveLength(2);
    expect(l.references[0].y).toBe(LINE_MARGIN.top);
  });
  it('uses the given x ticks as they are', () => {
    const l = layoutLines([2, 3, 4, 5, 6, 7, 8], [], size, { xTicks: [2, 3, 4, 5, 6, 7, 8] });
    expect(l.xTicks.map((t) => t.label)).toEqual(['2', '3', '4', '5', '6', '7', '8']);
  });
});

describe('layoutHistogram', () => {
  it('one bar per bin between its edges, heights proportional to the counts, widened to the markers', () => {
    const l = layoutHistogram([0, 1, 2], [5, 10], { width: 460, height: 244 }, [4]);
    expect(l.bars).toHaveLength(2);
    // the domain runs to the marker at 4: bin [0, 1] is a quarter of the plot
    expect(l.bars[0].x).toBe(LINE_MARGIN.left);
    expect(l.bars[0].width).toBeCloseTo(400 / 4 - 0.5, 6);
    expect(l.bars[1].height).toBeCloseTo(2 * l.bars[0].height, 6);
    expect(l.x(4)).toBe(460 - LINE_MARGIN.right);
  });
});
