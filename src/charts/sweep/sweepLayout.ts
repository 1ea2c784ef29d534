/**
 * Layout of the sweep scatter (pure; d3-scale only): error against bits per weight for every scheme the sweep
 * measured, points coloured and shaped by family, and the Pareto front (no other point has both fewer bits
 * and lower error) as a staircase. x is log2 (1 to 16 bits spread evenly); y is MSE on a log axis or SQNR in
 * dB (higher is better, so the front runs along the top).
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import type { Scheme } from '../../core/scheme';
import type { SweepPoint } from '../../core/sweep';
import { type ChartSize, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { formatTick } from '../formatNumber';
import { chartDomain, pixelOf } from '../safeDomain';
import { logTicksOf, ticksOf } from '../ticks';

export type SweepMetric = 'mse' | 'sqnr';

/** Families for colour and shape: integer methods, float, the three block origins, and the rest. */
export type SweepFamily = 'absmax' | 'zeroPoint' | 'float' | 'mx' | 'nv' | 'gguf' | 'other';

export const SWEEP_FAMILIES: ReadonlyArray<{
  id: SweepFamily;
  label: string;
  color: string;
  symbol: SymbolName;
}> = [
  { id: 'absmax', label: 'Integer absmax', color: 'var(--color-family-absmax)', symbol: 'circle' },
  { id: 'zeroPoint', label: 'Integer zero-point', color: 'var(--color-family-zeropoint)', symbol: 'square' },
  { id: 'float', label: 'Float element', color: 'var(--color-family-float)', symbol: 'triangle' },
  { id: 'mx', label: 'OCP MX block', color: 'var(--color-family-mx)', symbol: 'diamond' },
  { id: 'nv', label: 'NVFP4 / NF4', color: 'var(--color-family-nv)', symbol: 'star' },
  { id: 'gguf', label: 'GGUF block', color: 'var(--color-family-gguf)', symbol: 'cross' },
  { id: 'other', label: 'k-means / binary / ternary', color: 'var(--color-family-other)', symbol: 'wye' },
];

export type SymbolName = 'circle' | 'square' | 'triangle' | 'diamond' | 'star' | 'cross' | 'wye';

export function sweepFamilyOf(scheme: Scheme): SweepFamily {
  switch (scheme.kind) {
    case 'integer':
      return scheme.method;
    case 'float':
      return 'float';
    case 'block':
      if (scheme.format.startsWith('mx')) return 'mx';
      if (scheme.format === 'nvfp4' || scheme.format === 'nf4') return 'nv';
      return 'gguf';
    default:
      return 'other';
  }
}

export interface PlacedPoint {
  /** Index into the input points. */
  index: number;
  x: number;
  y: number;
  family: SweepFamily;
  onFront: boolean;
  /** The error was 0 (MSE) or infinite SQNR: drawn at the plot's edge. */
  exact: boolean;
}

export interface SweepLayout {
  width: number;
  height: number;
  plot: PlotBox;
  metric: SweepMetric;
  points: PlacedPoint[];
  /** The front as an SVG path: a staircase through the front points in order of bits. */
  frontPath: string;
  /** Front point indices (into the input), in order of bits per weight. */
  front: number[];
  xTicks: Tick[];
  yTicks: Tick[];
  xDomain: [number, number];
  yDomain: [number, number];
}

export const SWEEP_MARGIN = { top: 12, right: 16, bottom: 40, left: 60 };
const X_TICK_VALUES = [1, 1.5, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32];

/** The value plotted on y; null for an error of exactly 0 (log axis) / infinite SQNR. */
export function yValueOf(p: Pick<SweepPoint, 'mse' | 'sqnrDb'>, metric: SweepMetric): number | null {
  const v = metric === 'mse' ? p.mse : p.sqnrDb;
  if (metric === 'mse')
    return v > 0 && Number.isFinite(v) ? Math.min(Math.max(v, LOG_FLOOR), LOG_CEILING) : null;
  return Number.isFinite(v) ? v : null;
}

/** Bounds of an MSE on the log axis: d3's log ticks and a ×2 margin stay finite inside them. */
const LOG_FLOOR = 1e-300;
const LOG_CEILING = 1e300;
/** Bits per weight a point may sit at (a corrupt or overflowed figure is drawn at the nearer end). */
const BITS_RANGE: [number, number] = [0.5, 64];
const bitsOf = (b: number) => (Number.isNaN(b) ? 16 : Math.min(BITS_RANGE[1], Math.max(BITS_RANGE[0], b)));

/**
 * Places the points in `size`. E.g. two points (4 bits, MSE 1e-4) and (8 bits, MSE 1e-6) on an MSE axis: both
 * on the front, the staircase going right from the first then down to the second.
 */
export function layoutSweep(
  points: ReadonlyArray<SweepPoint>,
  size: ChartSize,
  metric: SweepMetric,
): SweepLayout {
  const plot = plotBoxOf(size);
  let bMin = Number.POSITIVE_INFINITY;
  let bMax = 0;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    bMin = Math.min(bMin, bitsOf(p.bitsPerWeight));
    bMax = Math.max(bMax, bitsOf(p.bitsPerWeight));
    const y = yValueOf(p, metric);
    if (y !== null) {
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  }
  if (!Number.isFinite(bMin)) {
    bMin = 1;
    bMax = 16;
  }
  const xDomain: [number, number] = [Math.max(0.5, bMin / 1.12), Math.max(bMax * 1.08, bMin * 2)];
  if (!Number.isFinite(yMin)) {
    yMin = metric === 'mse' ? 1e-6 : 0;
    yMax = metric === 'mse' ? 1 : 60;
  }
  let yDomain: [number, number];
  if (metric === 'mse') {
    const lo = yMin / 2;
    const hi = yMax * 2;
    yDomain = [lo, hi > lo ? hi : lo * 10];
  } else {
    const pad = Math.max(2, (yMax - yMin) * 0.06);
    yDomain = chartDomain(yMin - pad, yMax + pad);
  }
  const x = scaleLog().base(2).domain(xDomain).range([plot.left, plot.right]);
  const y = (metric === 'mse' ? scaleLog() : scaleLinear()).domain(yDomain).range([plot.bottom, plot.top]);
  // Exact points (MSE 0, SQNR +inf) sit on the "best" edge of the plot: the bottom for MSE, the top for SQNR.
  const bestEdge = metric === 'mse' ? plot.bottom : plot.top;
  const placed: PlacedPoint[] = points.map((p, index) => {
    const v = yValueOf(p, metric);
    return {
      index,
      x: x(bitsOf(p.bitsPerWeight)),
      y: v === null ? bestEdge : metric === 'mse' ? y(v) : pixelOf(y, v),
      family: sweepFamilyOf(p.scheme),
      onFront: p.onFront,
      exact: v === null,
    };
  });

  const front = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.onFront)
    .sort((a, b) => a.p.bitsPerWeight - b.p.bitsPerWeight)
    .map(({ i }) => i);
  let frontPath = '';
  front.forEach((i, k) => {
    const px = placed[i].x.toFixed(2);
    const py = placed[i].y.toFixed(2);
    frontPath += k === 0 ? `M${px} ${py}` : `H${px}V${py}`;
  });

  const xTicks: Tick[] = X_TICK_VALUES.filter((v) => v >= xDomain[0] && v <= xDomain[1]).map((value) => ({
    value,
    offset: x(value),
    label: String(value),
  }));
  const yTickCount = Math.max(2, Math.floor(plot.height / 36));
  const yTicks = metric === 'mse' ? logTicksOf(y, yTickCount) : ticksOf(y, yTickCount, (v) => formatTick(v));
  return {
    width: size.width,
    height: size.height,
    plot,
    metric,
    points: placed,
    frontPath,
    front,
    xTicks,
    yTicks,
    xDomain,
    yDomain,
  };
}

/** The point nearest to (px, py) within `radius` pixels, or null. */
export function pointAt(layout: SweepLayout, px: number, py: number, radius = 12): PlacedPoint | null {
  let best: PlacedPoint | null = null;
  let bestD = radius * radius;
  for (const p of layout.points) {
    const d = (p.x - px) ** 2 + (p.y - py) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

/**
 * Keyboard order of the points: by bits per weight, then by error (best first). Arrow keys step through it.
 */
export function keyboardOrder(points: ReadonlyArray<Pick<SweepPoint, 'bitsPerWeight' | 'mse'>>): number[] {
  return points
    .map((_, i) => i)
    .sort((a, b) => points[a].bitsPerWeight - points[b].bitsPerWeight || points[a].mse - points[b].mse);
}
