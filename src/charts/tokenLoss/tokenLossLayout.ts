/**
 * Layout of the per-token loss chart: one line per model over the text's predicted tokens (token t+1 given
 * tokens ≤ t), the tokens written under the axis. Pure (d3-scale / d3-shape only), tested in Node.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

export interface LossSeries {
  id: string;
  label: string;
  losses: ArrayLike<number>;
}

export interface TokenLossLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  /** One x per predicted token (the centre of its band). */
  xs: number[];
  lines: Array<{ id: string; label: string; d: string }>;
  yTicks: Array<{ y: number; label: string }>;
  tokens: Array<{ x: number; text: string }>;
  /** Index of the token where B's loss most exceeds float's (null without a B or a float series). */
  worst: number | null;
}

/** Pixels per token: narrow enough for 64 tokens in a card, wide enough to read a rotated token. */
export const TOKEN_STEP = 16;
const MARGIN = { left: 40, right: 8, top: 8, bottom: 70 };

/** Whitespace made visible (a leading space as "·", a newline as "↵") so each token reads as itself. */
export function showToken(text: string): string {
  return text.replace(/\n/g, '↵').replace(/^ /, '·');
}

export function layoutTokenLoss(
  tokens: readonly string[],
  series: readonly LossSeries[],
  minWidth: number,
  plotHeight = 180,
): TokenLossLayout {
  const n = Math.max(0, tokens.length - 1);
  const plotWidth = Math.max(minWidth - MARGIN.left - MARGIN.right, n * TOKEN_STEP);
  const step = n > 0 ? plotWidth / n : plotWidth;
  const xs = Array.from({ length: n }, (_, i) => MARGIN.left + (i + 0.5) * step);
  let max = 0;
  for (const s of series) for (let i = 0; i < s.losses.length; i++) if (s.losses[i] > max) max = s.losses[i];
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .nice()
    .range([MARGIN.top + plotHeight, MARGIN.top]);
  const path = line<number>()
    .x((_, i) => xs[i])
    .y((v) => y(v));
  const lines = series.map((s) => ({ id: s.id, label: s.label, d: path(Array.from(s.losses)) ?? '' }));
  const base = series.find((s) => s.id === 'float');
  const b = series.find((s) => s.id === 'b');
  let worst: number | null = null;
  if (base && b) {
    let gap = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const g = b.losses[i] - base.losses[i];
      if (g > gap) {
        gap = g;
        worst = i;
      }
    }
  }
  return {
    width: MARGIN.left + plotWidth + MARGIN.right,
    height: MARGIN.top + plotHeight + MARGIN.bottom,
    plot: { left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight },
    xs,
    lines,
    yTicks: y.ticks(5).map((v) => ({ y: y(v), label: String(v) })),
    tokens: tokens.slice(1).map((t, i) => ({ x: xs[i], text: showToken(t) })),
    worst,
  };
}
