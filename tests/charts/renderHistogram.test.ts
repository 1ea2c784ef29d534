// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { layoutHistogram } from '../../src/charts/histogram/histogramLayout';
import {
  barsPath,
  type HistogramHandlers,
  renderHistogram,
} from '../../src/charts/histogram/renderHistogram';

const size = { width: 300, height: 160, margin: { top: 10, right: 10, bottom: 40, left: 40 } };
const input = (counts: number[], clip = { lo: -0.5, hi: 0.5 }) => ({
  edges: Float64Array.from(counts.map((_, i) => -1 + (2 * i) / counts.length).concat([1])),
  original: Uint32Array.from(counts),
  dequantized: Uint32Array.from(counts.map((c) => c + 1)),
  levels: Float32Array.of(-0.5, 0, 0.5),
  clip,
});
const options = (clipDraggable: boolean) => ({
  label: 'Scheme A',
  xTitle: 'weight value x',
  yTitle: 'values per bin',
  clipDraggable,
  brush: true,
});
const svgElement = () => {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.append(svg);
  return svg;
};
const handlersOf = (h: HistogramHandlers = {}) => ({ current: h });

describe('renderHistogram', () => {
  it('updates bars in place rather than rebuilding them, so drags stay cheap', () => {
    const svg = svgElement();
    renderHistogram(
      svg,
      layoutHistogram(input([1, 2, 3, 4]), size, { yScale: 'linear' }),
      handlersOf(),
      options(false),
    );
    const first = svg.querySelector('path.original');
    const before = first?.getAttribute('d');
    renderHistogram(
      svg,
      layoutHistogram(input([4, 3, 2, 1]), size, { yScale: 'linear' }),
      handlersOf(),
      options(false),
    );
    expect(svg.querySelectorAll('path.original')).toHaveLength(1);
    expect(svg.querySelector('path.original')).toBe(first);
    expect(first?.getAttribute('d')).not.toBe(before);
    expect(first?.getAttribute('d')?.match(/Z/g)).toHaveLength(4);
    expect(svg.querySelector('path.dequantized')?.getAttribute('d')?.match(/Z/g)).toHaveLength(4);
  });

  it('draws axis titles, tick labels and one path of grid-level ticks', () => {
    const svg = svgElement();
    renderHistogram(
      svg,
      layoutHistogram(input([1, 2, 3, 4]), size, { yScale: 'linear' }),
      handlersOf(),
      options(false),
    );
    expect(svg.querySelector('text.x-title')?.textContent).toBe('weight value x');
    expect(svg.querySelector('text.y-title')?.textContent).toBe('values per bin');
    expect(svg.querySelectorAll('g.x-axis g.tick text').length).toBeGreaterThan(1);
    expect(svg.querySelector('g.levels path.ticks')?.getAttribute('d')?.match(/M/g)).toHaveLength(3);
  });

  it('makes clip markers keyboard sliders only in manual mode', () => {
    const svg = svgElement();
    const layout = layoutHistogram(input([1, 2, 3, 4]), size, { yScale: 'linear' });
    renderHistogram(svg, layout, handlersOf(), options(false));
    expect(svg.querySelector('g.clip-hi')?.getAttribute('tabindex')).toBeNull();
    renderHistogram(svg, layout, handlersOf(), options(true));
    const hi = svg.querySelector('g.clip-hi');
    expect(hi?.getAttribute('tabindex')).toBe('0');
    expect(hi?.getAttribute('role')).toBe('slider');
    expect(hi?.getAttribute('aria-label')).toBe('Scheme A clipping high edge');
    expect(Number(hi?.getAttribute('aria-valuenow'))).toBe(0.5);
  });

  it('moves a marker by 1/200 of the domain per arrow key and reports the new value', () => {
    const svg = svgElement();
    const onClipChange = vi.fn();
    renderHistogram(
      svg,
      layoutHistogram(input([1, 2, 3, 4]), size, { yScale: 'linear' }),
      handlersOf({ onClipChange }),
      options(true),
    );
    const lo = svg.querySelector('g.clip-lo') as SVGGElement;
    lo.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    expect(onClipChange).toHaveBeenLastCalledWith('lo', -0.5 + 2 / 200, 'end');
    lo.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', shiftKey: true, bubbles: true }));
    expect(onClipChange.mock.calls[1][1]).toBeCloseTo(-0.5 + 2 / 200 - 20 / 200, 12);
    lo.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    expect(onClipChange).toHaveBeenLastCalledWith('lo', -1, 'end');
  });

  it('ignores keys on markers that are not draggable', () => {
    const svg = svgElement();
    const onClipChange = vi.fn();
    renderHistogram(
      svg,
      layoutHistogram(input([1, 2]), size, { yScale: 'linear' }),
      handlersOf({ onClipChange }),
      options(false),
    );
    svg
      .querySelector('g.clip-lo')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    expect(onClipChange).not.toHaveBeenCalled();
  });

  it('reads the latest handlers through the ref (listeners are bound once)', () => {
    const svg = svgElement();
    const handlers: { current: HistogramHandlers } = { current: {} };
    const layout = layoutHistogram(input([1, 2]), size, { yScale: 'linear' });
    renderHistogram(svg, layout, handlers, options(true));
    const later = vi.fn();
    handlers.current = { onClipChange: later };
    svg
      .querySelector('g.clip-hi')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(later).toHaveBeenCalledWith('hi', 1, 'end');
  });
});

describe('barsPath', () => {
  it('draws one rectangle per non-empty bin from the baseline, insetting bars wider than 3 px', () => {
    const layout = layoutHistogram(
      { edges: Float64Array.of(0, 1, 2, 3), original: Uint32Array.of(2, 0, 1) },
      { width: 30, height: 10, margin: { top: 0, right: 0, bottom: 0, left: 0 } },
      { yScale: 'linear' },
    );
    // y axis 0..2 over 10 px: count 2 → y 0, count 1 → y 5; the empty bin draws nothing.
    expect(barsPath(layout, (b) => b.yOriginal)).toBe('M0 10V0H9.5V10ZM20 10V5H29.5V10Z');
  });
});
