// @vitest-environment jsdom
/** The sweep scatter: scales, the Pareto staircase, families, hit testing, keyboard order and rendering. */
import { describe, expect, it } from 'vitest';
import { renderSweep, symbolPath } from '../../src/charts/sweep/renderSweep';
import {
  keyboardOrder,
  layoutSweep,
  pointAt,
  SWEEP_FAMILIES,
  sweepFamilyOf,
  yValueOf,
} from '../../src/charts/sweep/sweepLayout';
import { DEFAULT_SCHEME_A, type Scheme } from '../../src/core/scheme';
import { markParetoFront, type SweepPoint } from '../../src/core/sweep';

const point = (scheme: Scheme, bitsPerWeight: number, mse: number): SweepPoint => ({
  scheme,
  label: `${scheme.kind} ${bitsPerWeight}`,
  family: 'other',
  bitsPerWeight,
  mse,
  sqnrDb: mse > 0 ? 10 * Math.log10(1 / mse) : Number.POSITIVE_INFINITY,
  onFront: false,
});
const int4 = { ...DEFAULT_SCHEME_A, bits: 4 };
const points = [
  point(int4, 4, 1e-4), // front
  point({ kind: 'block', format: 'mxfp4' }, 4.25, 2e-4), // beaten by int4: more bits, more error
  point({ kind: 'block', format: 'nf4' }, 4.5, 5e-5), // front
  point({ kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true }, 8, 1e-6), // front
  point({ kind: 'binary' }, 1, 1e-2), // front
];
markParetoFront(points);
const size = { width: 460, height: 260, margin: { top: 10, right: 10, bottom: 40, left: 50 } };

describe('layoutSweep', () => {
  const layout = layoutSweep(points, size, 'mse');

  it('puts bits per weight on a log2 axis and MSE on a log axis (lower error lower down)', () => {
    const [b0, b1] = layout.xDomain;
    const x = (bits: number) => 50 + (400 * Math.log2(bits / b0)) / Math.log2(b1 / b0);
    expect(layout.points[0].x).toBeCloseTo(x(4), 9);
    expect(layout.points[3].x).toBeCloseTo(x(8), 9);
    expect(layout.points[3].y).toBeGreaterThan(layout.points[0].y);
    expect(layout.yDomain).toEqual([1e-6 / 2, 1e-2 * 2]);
  });

  it('draws the front as a staircase through the front points in order of bits', () => {
    expect(layout.front).toEqual([4, 0, 2, 3]);
    const p = (i: number) => layout.points[i];
    const f = (v: number) => v.toFixed(2);
    expect(layout.frontPath).toBe(
      `M${f(p(4).x)} ${f(p(4).y)}H${f(p(0).x)}V${f(p(0).y)}H${f(p(2).x)}V${f(p(2).y)}H${f(p(3).x)}V${f(p(3).y)}`,
    );
    expect(layout.points[1].onFront).toBe(false);
  });

  it('flips to SQNR (higher is better) with the same front, and puts an exact point on the top edge', () => {
    const withExact = [
      ...points,
      point({ kind: 'float', format: 'fp16', scaling: 'none', groupSize: 32, saturate: true }, 16, 0),
    ];
    markParetoFront(withExact);
    const sqnr = layoutSweep(withExact, size, 'sqnr');
    expect(sqnr.points[5].exact).toBe(true);
    expect(sqnr.points[5].y).toBe(sqnr.plot.top);
    expect(sqnr.points[3].y).toBeLessThan(sqnr.points[0].y); // 60 dB above 40 dB
    expect(yValueOf(withExact[5], 'mse')).toBeNull();
    const mse = layoutSweep(withExact, size, 'mse');
    expect(mse.points[5].y).toBe(mse.plot.bottom);
  });

  it('labels the x axis with whole bit counts inside the domain', () => {
    expect(layout.xTicks.map((t) => t.value)).toEqual([1, 1.5, 2, 3, 4, 5, 6, 8]);
  });

  it('finds the point under the pointer within 12 px, and orders points for the keyboard by bits then error', () => {
    const p = layout.points[2];
    expect(pointAt(layout, p.x + 5, p.y - 5)?.index).toBe(2);
    expect(pointAt(layout, p.x + 40, p.y + 40)).toBeNull();
    expect(keyboardOrder(points)).toEqual([4, 0, 1, 2, 3]);
  });
});

describe('sweepFamilyOf', () => {
  it('groups schemes into the seven legend families', () => {
    expect(
      [
        int4,
        { ...int4, method: 'zeroPoint' },
        points[3].scheme,
        { kind: 'block', format: 'mxint8' },
        { kind: 'block', format: 'nvfp4' },
        { kind: 'block', format: 'q6_k' },
        { kind: 'kmeans', bits: 3, granularity: { kind: 'row' }, maxIterations: 20 },
        { kind: 'ternary' },
      ].map((s) => sweepFamilyOf(s as Scheme)),
    ).toEqual(['absmax', 'zeroPoint', 'float', 'mx', 'nv', 'gguf', 'other', 'other']);
    expect(new Set(SWEEP_FAMILIES.map((f) => f.color)).size).toBe(7);
    expect(new Set(SWEEP_FAMILIES.map((f) => f.symbol)).size).toBe(7);
  });
});

describe('renderSweep', () => {
  it('draws one symbol per point, front points larger, the front path and the selection ring; updates in place', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    document.body.append(svg);
    const layout = layoutSweep(points, size, 'mse');
    renderSweep(svg, layout, { current: {} }, { selected: 2, label: 'sweep' });
    const paths = svg.querySelectorAll('path.point');
    expect(paths).toHaveLength(5);
    expect(Array.from(paths).map((p) => p.getAttribute('data-front'))).toEqual([
      'true',
      'false',
      'true',
      'true',
      'true',
    ]);
    expect(paths[0].getAttribute('d')).toBe(symbolPath('circle', 110));
    expect(paths[1].getAttribute('d')).toBe(symbolPath('diamond', 60));
    expect(svg.querySelector('path.front')?.getAttribute('d')).toBe(layout.frontPath);
    const ring = svg.querySelector('circle.selected-ring');
    expect(ring?.getAttribute('opacity')).toBe('1');
    expect(Number(ring?.getAttribute('cx'))).toBeCloseTo(layout.points[2].x, 6);
    renderSweep(svg, layoutSweep(points, size, 'sqnr'), { current: {} }, { selected: null, label: 'sweep' });
    expect(svg.querySelectorAll('path.point')[0]).toBe(paths[0]);
    expect(svg.querySelector('circle.selected-ring')?.getAttribute('opacity')).toBe('0');
    expect(svg.querySelector('text.y-title')?.textContent).toMatch(/^SQNR/);
  });
});
