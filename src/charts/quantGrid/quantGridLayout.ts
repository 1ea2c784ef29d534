/**
 * Layout of the "grid" strip (pure; d3-scale only): the representable values of one group drawn twice, on a
 * linear axis over the group's own range (so the spacing is true to scale) and on a symmetric-log axis
 * (d3 `scaleSymlog`, linear within ±c and logarithmic beyond, c = the smallest non-zero |level|), where each
 * binade of a float format gets about the same width. Few levels are joined across the two tracks so the eye
 * follows one value from one axis to the other. Integer grids show even spacing on top and crowd outwards
 * below; float grids crowd near zero on top and spread out below.
 */
import { scaleLinear, scaleSymlog } from 'd3-scale';
import { type ChartSize, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { formatTick } from '../formatNumber';
import { ticksOf } from '../ticks';

/** Levels joined by lines between the tracks when there are at most this many. */
export const MAX_LINKED_LEVELS = 64;

export const QUANT_GRID_MARGIN = { top: 16, right: 14, bottom: 18, left: 52 };
export const QUANT_GRID_HEIGHT = 104;
const TRACK_HEIGHT = 14;

export interface Track {
  top: number;
  bottom: number;
  /** Pixel x of each level, ascending (same order as `levels`). */
  x: Float32Array;
  ticks: Tick[];
}

export interface GridSpacing {
  levels: number;
  /** Smallest and largest gap between neighbouring levels, and their ratio (1 for a uniform grid). */
  minGap: number;
  maxGap: number;
  ratio: number;
  /** Gap next to the level closest to 0, and the gap at the outer end (largest |level|). */
  gapNearZero: number;
  gapAtEdge: number;
}

export interface QuantGridLayout {
  width: number;
  height: number;
  plot: PlotBox;
  /** Finite levels, ascending. */
  levels: Float32Array;
  domain: [number, number];
  /** The symlog constant c: the smallest non-zero |level| (1 when every level is 0). */
  symlogConstant: number;
  linear: Track;
  symlog: Track;
  /** Whether the tracks are joined level by level (few levels). */
  linked: boolean;
  spacing: GridSpacing | null;
}

/** Gap statistics of ascending distinct levels (null for fewer than two). */
export function measureSpacing(levels: Float32Array): GridSpacing | null {
  const n = levels.length;
  if (n < 2) return null;
  let minGap = Number.POSITIVE_INFINITY;
  let maxGap = 0;
  let nearest = 0;
  for (let i = 0; i < n; i++) if (Math.abs(levels[i]) < Math.abs(levels[nearest])) nearest = i;
  for (let i = 1; i < n; i++) {
    const gap = levels[i] - levels[i - 1];
    if (gap < minGap) minGap = gap;
    if (gap > maxGap) maxGap = gap;
  }
  const gapAt = (i: number) => levels[i] - levels[i - 1];
  const gapNearZero =
    nearest === 0
      ? gapAt(1)
      : nearest === n - 1
        ? gapAt(n - 1)
        : Math.min(gapAt(nearest), gapAt(nearest + 1));
  const outerIsLast = Math.abs(levels[n - 1]) >= Math.abs(levels[0]);
  const gapAtEdge = outerIsLast ? gapAt(n - 1) : gapAt(1);
  return { levels: n, minGap, maxGap, ratio: maxGap / minGap, gapNearZero, gapAtEdge };
}

/** Symlog axis ticks: 0 and ±max/4^k down to c, keeping ticks at least `minPx` apart. */
function symlogTicks(
  scale: (v: number) => number,
  domain: [number, number],
  c: number,
  minPx: number,
): Tick[] {
  const extent = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
  const candidates: number[] = [0];
  for (let v = extent; v >= c * 0.999 && candidates.length < 40; v /= 4) candidates.push(v, -v);
  const inside = candidates.filter((v) => v >= domain[0] && v <= domain[1]).sort((a, b) => a - b);
  const ticks: Tick[] = [];
  // Greedy from 0 outwards so 0 and the ends win over crowded middles.
  const byPriority = [...inside].sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : Math.abs(b) - Math.abs(a)));
  for (const value of byPriority) {
    const offset = scale(value);
    if (ticks.every((t) => Math.abs(t.offset - offset) >= minPx))
      ticks.push({ value, offset, label: formatTick(value) });
  }
  return ticks.sort((a, b) => a.offset - b.offset);
}

/**
 * Lays out the levels of one group in `size`. E.g. the FP4 E2M1 values ±{0, 0.5, …, 6} give gaps from 0.5
 * (near zero) to 2 (between 4 and 6): spacing ratio 4; an int4 absmax grid gives ratio 1.
 */
export function layoutQuantGrid(input: Float32Array, size: ChartSize): QuantGridLayout {
  const plot = plotBoxOf(size);
  // Distinct finite levels: a repeated level would give a zero gap and a NaN spacing ratio.
  const sorted = input.filter((v) => Number.isFinite(v)).sort();
  const finite = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  let lo = finite.length > 0 ? finite[0] : -1;
  let hi = finite.length > 0 ? finite[finite.length - 1] : 1;
  if (!(hi > lo)) {
    const pad = Math.max(Math.abs(lo) * 0.5, 0.5);
    lo -= pad;
    hi += pad;
  }
  const domain: [number, number] = [lo, hi];
  let c = Number.POSITIVE_INFINITY;
  for (const v of finite) if (v !== 0 && Math.abs(v) < c) c = Math.abs(v);
  if (!Number.isFinite(c)) c = 1;

  const linearScale = scaleLinear().domain(domain).range([plot.left, plot.right]);
  const logScale = scaleSymlog().constant(c).domain(domain).range([plot.left, plot.right]);
  const linearTop = plot.top;
  const logBottom = plot.bottom;
  const tickCount = Math.max(2, Math.floor(plot.width / 80));
  return {
    width: size.width,
    height: size.height,
    plot,
    levels: finite,
    domain,
    symlogConstant: c,
    linear: {
      top: linearTop,
      bottom: linearTop + TRACK_HEIGHT,
      x: finite.map((v) => linearScale(v)),
      ticks: ticksOf(linearScale, tickCount),
    },
    symlog: {
      top: logBottom - TRACK_HEIGHT,
      bottom: logBottom,
      x: finite.map((v) => logScale(v)),
      ticks: symlogTicks(logScale, domain, c, 44),
    },
    linked: finite.length > 0 && finite.length <= MAX_LINKED_LEVELS,
    spacing: measureSpacing(finite),
  };
}

/** Index of the level whose pixel x in `track` is nearest to `px` (-1 when there is none). */
export function nearestLevel(track: Track, px: number): number {
  const { x } = track;
  if (x.length === 0) return -1;
  let lo = 0;
  let hi = x.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < px) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && px - x[lo - 1] < x[lo] - px ? lo - 1 : lo;
}
