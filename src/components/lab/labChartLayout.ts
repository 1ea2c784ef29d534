/**
 * Pure layouts of the model lab's small charts (tested in Node): a line chart over numeric x, and a histogram
 * with vertical markers. Scales from d3-scale, ticks as the app's other charts make them.
 */
import { scaleLinear } from 'd3-scale';
import type { Tick } from '../../charts/chartSize';
import { ticksOf } from '../../charts/ticks';

export interface LineSeries {
  label: string;
  color: string;
  values: number[];
  dashed?: boolean;
}

export interface LineLayout {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  xTicks: Tick[];
  yTicks: Tick[];
  paths: {
    label: string;
    color: string;
    d: string;
    dashed: boolean;
    points: { x: number; y: number; value: number }[];
  }[];
  /** Horizontal reference lines (e.g. the float model's accuracy). */
  references: { label: string; color: string; y: number }[];
  x(value: number): number;
}

export const LINE_MARGIN = { top: 10, right: 14, bottom: 34, left: 46 };

export function layoutLines(
  xs: number[],
  series: LineSeries[],
  size: { width: number; height: number },
  options: {
    yDomain?: [number, number];
    references?: { label: string; color: string; value: number }[];
    xTicks?: number[];
    yFormat?: (v: number) => string;
  } = {},
): LineLayout {
  const m = LINE_MARGIN;
  const plot = {
    left: m.left,
    right: Math.max(m.left + 10, size.width - m.right),
    top: m.top,
    bottom: size.height - m.bottom,
  };
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  const x = scaleLinear()
    .domain([x0, x1 > x0 ? x1 : x0 + 1])
    .range([plot.left, plot.right]);
  let domain = options.yDomain;
  if (!domain) {
    const all = series.flatMap((s) => s.values).concat((options.references ?? []).map((r) => r.value));
    const finite = all.filter(Number.isFinite);
    const lo = finite.length ? Math.min(...finite) : 0;
    const hi = finite.length ? Math.max(...finite) : 1;
    domain = [lo, hi > lo ? hi : lo + 1];
  }
  const y = scaleLinear().domain(domain).range([plot.bottom, plot.top]).nice();
  const xTicks = options.xTicks
    ? options.xTicks.map((v) => ({ value: v, offset: x(v), label: String(v) }))
    : ticksOf(x, Math.max(2, Math.floor((plot.right - plot.left) / 60)));
  const yTicks = ticksOf(y, 5, options.yFormat);
  const paths = series.map((s) => {
    const points = s.values
      .map((v, i) => ({ x: x(xs[i]), y: y(v), value: v }))
      .filter((p) => Number.isFinite(p.y));
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('');
    return { label: s.label, color: s.color, d, dashed: s.dashed ?? false, points };
  });
  const references = (options.references ?? []).map((r) => ({
    label: r.label,
    color: r.color,
    y: y(r.value),
  }));
  return { width: size.width, height: size.height, plot, xTicks, yTicks, paths, references, x };
}

export interface HistogramLayout {
  bars: { x: number; width: number; y: number; height: number; count: number; lo: number; hi: number }[];
  xTicks: Tick[];
  yTicks: Tick[];
  plot: { left: number; right: number; top: number; bottom: number };
  x(value: number): number;
  /** Count → pixel (the nice domain's top is the plot's top). */
  y(count: number): number;
}

/** Bars over shared edges (counts on a square-root scale when `sqrt`, so small bins stay visible). */
export function layoutHistogram(
  edges: ArrayLike<number>,
  counts: ArrayLike<number>,
  size: { width: number; height: number },
  extraDomain: number[] = [],
): HistogramLayout {
  const m = LINE_MARGIN;
  const plot = {
    left: m.left,
    right: Math.max(m.left + 10, size.width - m.right),
    top: m.top,
    bottom: size.height - m.bottom,
  };
  const lo = Math.min(edges[0], ...extraDomain);
  const hi = Math.max(edges[edges.length - 1], ...extraDomain);
  const x = scaleLinear()
    .domain([lo, hi > lo ? hi : lo + 1])
    .range([plot.left, plot.right]);
  let max = 1;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, counts[i]);
  const y = scaleLinear().domain([0, max]).range([plot.bottom, plot.top]).nice();
  const bars = Array.from({ length: counts.length }, (_, i) => {
    const x0 = x(edges[i]);
    const x1 = x(edges[i + 1]);
    return {
      x: x0,
      width: Math.max(0.5, x1 - x0 - 0.5),
      y: y(counts[i]),
      height: plot.bottom - y(counts[i]),
      count: counts[i],
      lo: edges[i],
      hi: edges[i + 1],
    };
  });
  return {
    bars,
    xTicks: ticksOf(x, Math.max(2, Math.floor((plot.right - plot.left) / 70))),
    yTicks: ticksOf(y, 4),
    plot,
    x,
    y: (count: number) => y(count),
  };
}
