/**
 * Layout of the mapping chart: the staircase x ↦ x̂ of one group's grid over the shown x range, the identity
 * line, and the clipping range. Pure (d3-scale only): the staircase is exact, one horizontal run per level.
 */
import { scaleLinear } from 'd3-scale';
import { type ChartSize, type Margin, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { chartDomain, clampToChart, pixelOf } from '../safeDomain';
import { ticksOf } from '../ticks';

export const MAPPING_MARGIN: Margin = { top: 8, right: 12, bottom: 34, left: 52 };

export interface MappingInput {
  /** The group's dequantized levels, ascending, distinct (QuantView.levels). */
  levels: Float32Array;
  /** x range shown, lo < hi (the histogram's range: the data's [min, max] or the zoom). */
  domain: [number, number];
  /** The group's clipping range, or null. */
  clip: { lo: number; hi: number } | null;
  /** `nearest`: x̂ jumps half-way between levels; `floor`: at each level (x̂ = the largest level ≤ x). */
  rounding: 'nearest' | 'floor';
}

export interface MappingLayout {
  plot: PlotBox;
  /** SVG path `d` of the staircase, in pixels. */
  path: string;
  /** Level changes inside the shown range (the number of risers of the staircase). */
  steps: number;
  /** True when there were more risers than pixels and the staircase was drawn one point per pixel column. */
  sampled: boolean;
  /** The identity x̂ = x, clipped to the plot. */
  diagonal: { x1: number; y1: number; x2: number; y2: number };
  /** Pixel x of the clipping edges inside the plot (null when outside the shown range). */
  clip: { xLo: number | null; xHi: number | null } | null;
  /** Shaded parts of the plot beyond the clipping range, where x̂ stays at the extreme level. */
  clippedZones: Array<{ x: number; width: number }>;
  xTicks: Tick[];
  yTicks: Tick[];
}

/** The level x maps to: nearest (a tie goes up) or floor; beyond the grid, the extreme level. */
export function mapToLevel(x: number, levels: Float32Array, rounding: MappingInput['rounding']): number {
  const n = levels.length;
  if (n === 0) return x;
  if (x <= levels[0]) return levels[0];
  if (x >= levels[n - 1]) return levels[n - 1];
  // Largest k with levels[k] <= x (binary search).
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (levels[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (rounding === 'floor') return levels[lo];
  return x - levels[lo] < levels[lo + 1] - x ? levels[lo] : levels[lo + 1];
}

/**
 * Where the staircase rises inside (d0, d1), and the level it rises to: midpoints between levels (nearest) or
 * the levels themselves (floor).
 */
function risersInside(
  levels: Float32Array,
  rounding: MappingInput['rounding'],
  d0: number,
  d1: number,
): Array<{ at: number; to: number }> {
  const out: Array<{ at: number; to: number }> = [];
  for (let k = 0; k + 1 < levels.length; k++) {
    const at = rounding === 'floor' ? levels[k + 1] : (levels[k] + levels[k + 1]) / 2;
    // A level past the float32 limit (an overflowed grid) is Infinity: no finite riser lies there.
    if (at > d0 && at < d1 && Number.isFinite(levels[k + 1])) out.push({ at, to: levels[k + 1] });
  }
  return out;
}

const px = (v: number) => v.toFixed(2);

/**
 * E.g. levels [−1, 0, 1], domain [−1.5, 1.5], nearest: risers at −0.5 and 0.5, a path of three flat runs
 * (−1 up to −0.5, 0 up to 0.5, 1 beyond) joined by two vertical risers.
 */
export function layoutMapping(input: MappingInput, size: ChartSize): MappingLayout {
  const plot = plotBoxOf(size);
  // A view range of ±1e308 or ±Infinity from a link, or levels that overflowed float32, stay drawable.
  const [d0, d1] = chartDomain(input.domain[0], input.domain[1], 1);
  const levelAt = (v: number) => clampToChart(mapToLevel(v, input.levels, input.rounding));
  const q0 = levelAt(d0);
  const q1 = levelAt(d1);
  const x = scaleLinear().domain([d0, d1]).range([plot.left, plot.right]);
  const y = scaleLinear()
    .domain(chartDomain(Math.min(d0, q0), Math.max(d1, q1), 1))
    // Not .nice(): x and y share their domain where they overlap, so the identity line keeps its 45° meaning.
    .range([plot.bottom, plot.top]);
  const risers = risersInside(input.levels, input.rounding, d0, d1);
  const sampled = risers.length > plot.width;
  let path: string;
  if (sampled) {
    // More risers than pixels: the staircase is drawn as the level at each pixel column (what the eye sees).
    const parts: string[] = [];
    for (let c = 0; c <= Math.ceil(plot.width); c++) {
      const xv = x.invert(plot.left + Math.min(c, plot.width));
      parts.push(`${c === 0 ? 'M' : 'L'}${px(pixelOf(x, xv))},${px(pixelOf(y, levelAt(xv)))}`);
    }
    path = parts.join('');
  } else {
    const parts = [`M${px(pixelOf(x, d0))},${px(pixelOf(y, q0))}`];
    for (const r of risers) parts.push(`H${px(pixelOf(x, r.at))}`, `V${px(pixelOf(y, r.to))}`);
    parts.push(`H${px(pixelOf(x, d1))}`);
    path = parts.join('');
  }
  const [y0, y1] = y.domain();
  const lo = Math.max(d0, y0);
  const hi = Math.min(d1, y1);
  const clip = input.clip
    ? {
        xLo: input.clip.lo > d0 && input.clip.lo < d1 ? x(input.clip.lo) : null,
        xHi: input.clip.hi > d0 && input.clip.hi < d1 ? x(input.clip.hi) : null,
      }
    : null;
  const clippedZones: Array<{ x: number; width: number }> = [];
  if (clip?.xLo != null) clippedZones.push({ x: plot.left, width: clip.xLo - plot.left });
  if (clip?.xHi != null) clippedZones.push({ x: clip.xHi, width: plot.right - clip.xHi });
  return {
    plot,
    path,
    steps: risers.length,
    sampled,
    diagonal: { x1: pixelOf(x, lo), y1: pixelOf(y, lo), x2: pixelOf(x, hi), y2: pixelOf(y, hi) },
    clip,
    clippedZones,
    xTicks: ticksOf(x, Math.max(2, Math.floor(plot.width / 70))),
    yTicks: ticksOf(y, Math.max(2, Math.floor(plot.height / 35))),
  };
}
