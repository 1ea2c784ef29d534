/**
 * Histogram layout (pure; d3-scale only, no DOM): bars of the original and dequantized counts over the
 * same bin edges, the quantization grid as ticks under the plot, the clipping range as two markers, and
 * the axis ticks. Used for the value histogram and, with one series, the error histogram.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { type ChartSize, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { formatCountTick, formatTick } from '../formatNumber';
import { chartDomain, pixelOf } from '../safeDomain';
import { logTicksOf, ticksOf } from '../ticks';

export interface HistogramInput {
  /** bins + 1 ascending edges (value units). */
  edges: Float64Array;
  /** The first (or only) series: original values, or the errors. */
  original: Uint32Array;
  /** Optional second series over the same edges. */
  dequantized?: Uint32Array | null;
  /** Quantization levels (value units) drawn as ticks under the plot. */
  levels?: Float32Array | null;
  /** Clipping range (value units) drawn as markers. */
  clip?: { lo: number; hi: number } | null;
  /** Extra vertical lines (value units), e.g. the thresholds of the three clipping searches. */
  markers?: ReadonlyArray<ValueMarker> | null;
}

/** A labelled vertical line at a value; `label` is drawn at the top (empty: no label), `row` staggers labels. */
export interface ValueMarker {
  key: string;
  value: number;
  color: string;
  /** SVG stroke-dasharray, or null for a solid line. */
  dash: string | null;
  label: string;
  row: number;
}

/** A marker with its pixel x, clamped to the plot; `inside` is false when its value is outside the zoomed domain. */
export interface PlacedMarker extends ValueMarker {
  x: number;
  inside: boolean;
}

export interface HistogramOptions {
  yScale: 'linear' | 'log';
}

export interface HistogramBar {
  index: number;
  /** Bin range in value units: [x0, x1). */
  x0: number;
  x1: number;
  /** Pixel left edge and width (≥ 0). */
  x: number;
  width: number;
  original: number;
  dequantized: number;
  /** Pixel top of each bar; null draws no bar (a zero count on a log axis has no height). */
  yOriginal: number | null;
  yDequantized: number | null;
}

export interface ClipMarkers {
  lo: number;
  hi: number;
  /** Pixel x, clamped to the plot; `*Inside` is false when the value is outside the zoomed domain. */
  xLo: number;
  xHi: number;
  loInside: boolean;
  hiInside: boolean;
  /** For an edge outside the zoomed domain: the arrow label drawn at the plot's edge that says where it is. */
  loArrow: ClipArrow | null;
  hiArrow: ClipArrow | null;
}

/** An off-screen clip edge, said at the side of the plot it lies beyond: "← clip -2" or "clip 2 →". */
export interface ClipArrow {
  side: 'left' | 'right';
  text: string;
}

/**
 * Where a clip edge at `value` lies when the zoomed `domain` leaves it out (null when it is inside): a marker
 * clamped to the edge alone would read as a threshold at the edge, so the label names the real value.
 */
export function clipArrowOf(value: number, domain: readonly [number, number]): ClipArrow | null {
  if (value < domain[0]) return { side: 'left', text: `← clip ${formatTick(value)}` };
  if (value > domain[1]) return { side: 'right', text: `clip ${formatTick(value)} →` };
  return null;
}

export interface HistogramLayout {
  width: number;
  height: number;
  plot: PlotBox;
  /** Value domain [edges[0], edges[bins]] and the pixel range it maps to. */
  xDomain: [number, number];
  xRange: [number, number];
  bars: HistogramBar[];
  /** Pixel x of each grid level inside the domain, and the strip they are drawn in. */
  gridTicks: Float32Array;
  gridStrip: { top: number; bottom: number };
  /** Grid levels left out because they lie outside the zoomed domain. */
  gridOutside: number;
  clip: ClipMarkers | null;
  /** Value markers; those outside the domain sit at the nearer edge with `inside` false. */
  markers: PlacedMarker[];
  xTicks: Tick[];
  yTicks: Tick[];
  yScale: 'linear' | 'log';
  /** Largest count of either series (0 for an empty histogram). */
  maxCount: number;
}

/** Space under the plot: grid strip, x axis and its title. */
export const HISTOGRAM_MARGIN = { top: 10, right: 14, bottom: 56, left: 52 };
const GRID_STRIP = { gap: 3, height: 9 };

/**
 * Lays out a histogram in `size`. E.g. edges [-1, 0, 1], counts [5, 10] on a 200 px wide plot gives two
 * 100 px bars, the second reaching the top of the plot.
 */
export function layoutHistogram(
  input: HistogramInput,
  size: ChartSize,
  options: HistogramOptions,
): HistogramLayout {
  const plot = plotBoxOf(size);
  const { edges, original } = input;
  const dequantized = input.dequantized ?? null;
  const bins = Math.max(0, edges.length - 1);
  const d0 = bins > 0 ? edges[0] : 0;
  const d1 = bins > 0 ? edges[bins] : 1;
  // A degenerate domain (constant data) gets a unit width so the scale stays invertible; edges past the float32
  // limit (a ±1e308 zoom from a link) or non-finite are bounded so every pixel stays finite.
  const xDomain = chartDomain(d0, d1, 0.5);
  const xScale = scaleLinear().domain(xDomain).range([plot.left, plot.right]);
  const x = (v: number) => pixelOf(xScale, v);

  let maxCount = 0;
  for (let i = 0; i < bins; i++) {
    maxCount = Math.max(maxCount, original[i] ?? 0, dequantized ? (dequantized[i] ?? 0) : 0);
  }
  const log = options.yScale === 'log';
  // Log axis: domain from 0.8 so a count of 1 still shows as a short bar; a zero count draws nothing.
  const y = log
    ? scaleLog()
        .domain([0.8, Math.max(10, maxCount * 1.15)])
        .range([plot.bottom, plot.top])
    : scaleLinear()
        .domain([0, Math.max(1, maxCount)])
        .nice(5)
        .range([plot.bottom, plot.top]);
  const yOf = (count: number): number | null => {
    if (log) return count > 0 ? y(count) : null;
    return y(count);
  };

  const bars: HistogramBar[] = new Array(bins);
  for (let i = 0; i < bins; i++) {
    const left = x(edges[i]);
    const right = x(edges[i + 1]);
    const o = original[i] ?? 0;
    const q = dequantized ? (dequantized[i] ?? 0) : 0;
    bars[i] = {
      index: i,
      x0: edges[i],
      x1: edges[i + 1],
      x: left,
      width: Math.max(0, right - left),
      original: o,
      dequantized: q,
      yOriginal: yOf(o),
      yDequantized: dequantized ? yOf(q) : null,
    };
  }

  const levels = input.levels ?? null;
  const inside: number[] = [];
  let gridOutside = 0;
  if (levels) {
    for (let i = 0; i < levels.length; i++) {
      const v = levels[i];
      if (v >= xDomain[0] && v <= xDomain[1]) inside.push(x(v));
      else gridOutside++;
    }
  }

  let clip: ClipMarkers | null = null;
  if (input.clip && Number.isFinite(input.clip.lo) && Number.isFinite(input.clip.hi)) {
    const { lo, hi } = input.clip;
    const clamp = (px: number) => Math.min(plot.right, Math.max(plot.left, px));
    clip = {
      lo,
      hi,
      xLo: clamp(x(lo)),
      xHi: clamp(x(hi)),
      loInside: lo >= xDomain[0] && lo <= xDomain[1],
      hiInside: hi >= xDomain[0] && hi <= xDomain[1],
      loArrow: clipArrowOf(lo, xDomain),
      hiArrow: clipArrowOf(hi, xDomain),
    };
  }

  const markers: PlacedMarker[] = [];
  for (const m of input.markers ?? []) {
    if (!Number.isFinite(m.value)) continue;
    const inside = m.value >= xDomain[0] && m.value <= xDomain[1];
    markers.push({ ...m, inside, x: Math.min(plot.right, Math.max(plot.left, x(m.value))) });
  }

  const xTickCount = Math.max(2, Math.floor(plot.width / 70));
  const yTickCount = Math.max(2, Math.floor(plot.height / 32));
  return {
    width: size.width,
    height: size.height,
    plot,
    xDomain,
    xRange: [plot.left, plot.right],
    bars,
    gridTicks: Float32Array.from(inside),
    gridStrip: {
      top: plot.bottom + GRID_STRIP.gap,
      bottom: plot.bottom + GRID_STRIP.gap + GRID_STRIP.height,
    },
    gridOutside,
    clip,
    markers,
    xTicks: ticksOf(xScale, xTickCount),
    yTicks: log ? logTicksOf(y, yTickCount) : ticksOf(y, yTickCount, formatCountTick),
    yScale: options.yScale,
    maxCount,
  };
}

/** Pixel x → value under a layout's x scale (for drags and brushes). */
export function valueAtPixel(layout: Pick<HistogramLayout, 'xDomain' | 'xRange'>, px: number): number {
  const [d0, d1] = layout.xDomain;
  const [r0, r1] = layout.xRange;
  if (r1 === r0) return d0;
  return d0 + ((px - r0) / (r1 - r0)) * (d1 - d0);
}

/** The bar under pixel x, or null outside the plot. */
export function barAtPixel(layout: HistogramLayout, px: number): HistogramBar | null {
  const { bars } = layout;
  if (bars.length === 0 || px < layout.xRange[0] || px > layout.xRange[1]) return null;
  const value = valueAtPixel(layout, px);
  // Bins are equal-width in the engine, but search anyway: cheap and correct for any edges.
  let lo = 0;
  let hi = bars.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bars[mid].x0 <= value) lo = mid;
    else hi = mid - 1;
  }
  return bars[lo];
}
