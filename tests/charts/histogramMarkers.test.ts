// @vitest-environment jsdom
/** Value markers on the histogram (the three clipping thresholds): placement, edges, labels, in-place updates. */
import { describe, expect, it } from 'vitest';
import { layoutHistogram, type ValueMarker } from '../../src/charts/histogram/histogramLayout';
import { renderHistogram } from '../../src/charts/histogram/renderHistogram';
import { thresholdMarkers } from '../../src/components/formats/clipThresholds';

const size = { width: 240, height: 160, margin: { top: 10, right: 20, bottom: 40, left: 20 } };
const base = {
  edges: Float64Array.of(-1, 0, 1),
  original: Uint32Array.of(3, 4),
  dequantized: Uint32Array.of(3, 4),
};
const marker = (key: string, value: number, label = key): ValueMarker => ({
  key,
  value,
  color: 'red',
  dash: null,
  label,
  row: 0,
});
const render = { label: 'A', xTitle: 'x', yTitle: 'n', clipDraggable: false, brush: false };

describe('histogram value markers', () => {
  it('places markers at their value, and those outside the zoomed domain at the nearer edge', () => {
    const layout = layoutHistogram(
      {
        ...base,
        markers: [marker('in', 0.5), marker('left', -3), marker('right', 7), marker('nan', Number.NaN)],
      },
      size,
      { yScale: 'linear' },
    );
    // Plot 20..220: 0.5 maps to 170.
    expect(layout.markers.map((m) => [m.key, m.x, m.inside])).toEqual([
      ['in', 170, true],
      ['left', 20, false],
      ['right', 220, false],
    ]);
  });

  it('labels an outside marker with an arrow pointing the way, and updates markers in place by key', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    document.body.append(svg);
    const draw = (markers: ValueMarker[]) =>
      renderHistogram(
        svg,
        layoutHistogram({ ...base, markers }, size, { yScale: 'linear' }),
        { current: {} },
        render,
      );
    draw([marker('KL', 0.25), marker('OCTAV', 9)]);
    const texts = () => Array.from(svg.querySelectorAll('g.value-marker text')).map((t) => t.textContent);
    expect(texts()).toEqual(['KL', 'OCTAV →']);
    const first = svg.querySelector('g.value-marker');
    draw([marker('KL', -0.25), marker('OCTAV', 9)]);
    expect(svg.querySelector('g.value-marker')).toBe(first);
    expect(first?.getAttribute('transform')).toBe('translate(95.00,0)');
    draw([]);
    expect(svg.querySelectorAll('g.value-marker')).toHaveLength(0);
  });
});

describe('thresholdMarkers', () => {
  it('gives two markers per search, labelled on the high end only, one label row per search', () => {
    const markers = thresholdMarkers({
      group: 0,
      thresholds: [
        { method: 'mseOptimal', lo: -1, hi: 1, mse: 0.1 },
        { method: 'octav', lo: -2, hi: 2, mse: 0.2 },
      ],
    });
    expect(markers.map((m) => [m.key, m.value, m.label, m.row])).toEqual([
      ['mseOptimal:lo', -1, '', 0],
      ['mseOptimal:hi', 1, 'MSE', 0],
      ['octav:lo', -2, '', 2],
      ['octav:hi', 2, 'OCTAV', 2],
    ]);
    expect(thresholdMarkers(undefined)).toEqual([]);
  });
});
