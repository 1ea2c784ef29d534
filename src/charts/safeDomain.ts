/**
 * Keeps chart scales finite over any input. Every value a chart shows is float32 data or a float64 metric of it,
 * but links, files and overflowing arithmetic can hand a layout ±Infinity, NaN, ±1e308 or a subnormal span; a d3
 * scale over such a domain returns NaN pixels and no ticks (an axis at `translate(NaN,0)`, a tick label read from
 * `undefined`). These helpers bound a domain to what float64 pixel arithmetic and d3's tick search can take, and
 * map any value to a finite pixel, so every layout is total.
 */
import type { ScaleContinuousNumeric } from 'd3-scale';
import { FLOAT32_MAX } from '../core/float32Limits';

/** The largest float32: no data value is larger, so a domain is clamped to ±this. */
export const CHART_VALUE_LIMIT = FLOAT32_MAX;

/**
 * Smallest span a domain may have: d3's tick step takes `10 ** -log10(step)`, which overflows below ~1e-308, and
 * float32 data cannot differ by less than ~1e-45 anyway.
 */
const MIN_SPAN = 1e-280;
/** Relative floor of a span: below 2^-40 of the magnitude, float64 pixel arithmetic loses the difference. */
const MIN_RELATIVE_SPAN = 2 ** -40;

/** A value clamped to ±CHART_VALUE_LIMIT (±Infinity included); NaN stays NaN. */
export function clampToChart(value: number): number {
  if (value > CHART_VALUE_LIMIT) return CHART_VALUE_LIMIT;
  if (value < -CHART_VALUE_LIMIT) return -CHART_VALUE_LIMIT;
  return value;
}

/**
 * A domain d3 can scale and tick: both ends finite and within ±CHART_VALUE_LIMIT, ascending, and at least a
 * minimal span apart. A degenerate domain (constant data) is widened by `pad` each side, or by 1e-6 of its
 * magnitude where `pad` would vanish next to it; a NaN end takes the other end's place; two NaN ends give
 * `fallback`. E.g. [-1e308, 1e308] → [-3.40e38, 3.40e38]; [5, 5] with pad 0.5 → [4.5, 5.5]; [3e38, 3e38] →
 * [3e38 − 3e32, 3e38 + 3e32].
 */
export function chartDomain(
  d0: number,
  d1: number,
  pad = 0.5,
  fallback: [number, number] = [0, 1],
): [number, number] {
  let a = clampToChart(d0);
  let b = clampToChart(d1);
  if (Number.isNaN(a) && Number.isNaN(b)) return fallback;
  if (Number.isNaN(a)) a = b;
  if (Number.isNaN(b)) b = a;
  if (a > b) [a, b] = [b, a];
  const magnitude = Math.max(Math.abs(a), Math.abs(b));
  if (b - a >= Math.max(MIN_SPAN, magnitude * MIN_RELATIVE_SPAN)) return [a, b];
  const mid = a / 2 + b / 2;
  const half = Math.max(Math.abs(pad), Math.abs(mid) * 1e-6, MIN_SPAN);
  return [mid - half, mid + half];
}

/**
 * A non-negative maximum for a [0, max] domain: Infinity → CHART_VALUE_LIMIT, NaN or ≤ 0 → `fallback`, and no
 * smaller than the minimal span. E.g. Infinity → 3.40e38, NaN → 1, 5e-324 → 1e-280.
 */
export function chartMax(value: number, fallback = 1): number {
  if (!(value > 0)) return fallback;
  return Math.max(MIN_SPAN, Math.min(CHART_VALUE_LIMIT, value));
}

/**
 * The pixel of `value` under a linear scale, always finite: the value is first clamped to a band of 1000 spans
 * either side of the domain (far enough that clamping never shows), and NaN maps to the domain's start.
 */
export function pixelOf(scale: ScaleContinuousNumeric<number, number>, value: number): number {
  const [d0, d1] = scale.domain();
  const span = Math.abs(d1 - d0);
  const lo = Math.min(d0, d1) - 1000 * span;
  const hi = Math.max(d0, d1) + 1000 * span;
  const v = Number.isNaN(value) ? d0 : Math.min(hi, Math.max(lo, value));
  const p = scale(v);
  return Number.isFinite(p) ? p : scale.range()[0];
}
