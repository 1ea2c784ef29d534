// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { NO_MARGIN } from '../../src/charts/chartSize';
import { layoutHeatmap } from '../../src/charts/errorHeatmap/heatmapLayout';
import { paintHeatmap, renderHeatmapAxes } from '../../src/charts/errorHeatmap/renderHeatmap';

/** jsdom has no 2-D canvas: a stand-in that keeps the last ImageData put. */
function fakeCanvas() {
  const canvas = document.createElement('canvas');
  let put: ImageData | null = null;
  const context = {
    createImageData: (w: number, h: number) => ({
      width: w,
      height: h,
      data: new Uint8ClampedArray(w * h * 4),
    }),
    putImageData: (image: ImageData) => {
      put = image;
    },
  };
  Object.defineProperty(canvas, 'getContext', { value: () => context });
  return { canvas, image: () => put };
}

describe('paintHeatmap', () => {
  it('paints one pixel per cell: 0 dark purple, the shared maximum yellow, no data transparent', () => {
    const layout = layoutHeatmap(
      { gridRows: 1, gridCols: 3 },
      { rows: 1, cols: 3 },
      { width: 30, height: 10, margin: NO_MARGIN },
      2,
    );
    const { canvas, image } = fakeCanvas();
    paintHeatmap(canvas, layout, Float32Array.of(0, 2, Number.NaN));
    expect(canvas.width).toBe(3);
    expect(canvas.height).toBe(1);
    expect(Array.from(image()?.data ?? [])).toEqual([68, 1, 84, 255, 253, 231, 37, 255, 0, 0, 0, 0]);
  });

  it('does nothing without a 2-D context instead of throwing', () => {
    const layout = layoutHeatmap(
      { gridRows: 1, gridCols: 1 },
      { rows: 1, cols: 1 },
      { width: 10, height: 10, margin: NO_MARGIN },
      1,
    );
    const canvas = document.createElement('canvas');
    Object.defineProperty(canvas, 'getContext', { value: () => null });
    expect(() => paintHeatmap(canvas, layout, Float32Array.of(1))).not.toThrow();
  });
});

describe('renderHeatmapAxes', () => {
  it('labels both axes and the colour legend, and updates in place', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const layout = layoutHeatmap(
      { gridRows: 4, gridCols: 4 },
      { rows: 256, cols: 256 },
      { width: 300, height: 200, margin: { top: 8, right: 84, bottom: 40, left: 52 } },
      0.01,
    );
    const titles = { x: 'column (input feature)', y: 'row (output channel)', legend: 'mean |x̂ − x|' };
    renderHeatmapAxes(svg, layout, titles);
    const tick = svg.querySelector('g.x-axis g.tick');
    renderHeatmapAxes(svg, layout, titles);
    expect(svg.querySelector('g.x-axis g.tick')).toBe(tick);
    expect(svg.querySelector('text.x-title')?.textContent).toBe(titles.x);
    expect(svg.querySelector('text.y-title')?.textContent).toBe(titles.y);
    expect(svg.querySelector('text.legend-title')?.textContent).toBe(titles.legend);
    expect(svg.querySelectorAll('stop')).toHaveLength(9);
  });
});
