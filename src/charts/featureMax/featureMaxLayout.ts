/**
 * Layout of the activation-magnitude chart of the LLM.int8() view (pure; d3-scale only): max |x| of every
 * feature column of X as bars, the outlier threshold as a line, outlier columns (kept in FP16) highlighted and
 * flagged with a marker above the plot so a one-pixel bar is still seen. With more features than pixels each
 * pixel column shows the largest value of its features and is an outlier if any of them is.
 */
import { scaleLinear } from 'd3-scale';
import { type ChartSize, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { chartMax, pixelOf } from '../safeDomain';
import { ticksOf } from '../ticks';

export const FEATURE_MAX_MARGIN = { top: 18, right: 14, bottom: 40, left: 52 };

export interface FeatureBar {
  /** Features [start, end) this bar covers. */
  start: number;
  end: number;
  value: number;
  outlier: boolean;
  x: number;
  width: number;
  y: number;
}

export interface FeatureMaxLayout {
  width: number;
  height: number;
  plot: PlotBox;
  bars: FeatureBar[];
  /** Pixel y of the threshold line (clamped into the plot) and whether it lies above the y domain. */
  thresholdY: number;
  thresholdAbove: boolean;
  /** Pixel x of the centre of each outlier bar (for the flags above the plot). */
  flags: number[];
  xTicks: Tick[];
  yTicks: Tick[];
}

/**
 * E.g. 4 features with max |x| [1, 8, 2, 3], outliers {1}, threshold 6 on a 40 px plot: four 10 px bars, the second
 * highlighted and flagged, the threshold line at 6.
 */
export function layoutFeatureMax(
  featureAbsMax: Float32Array,
  outlierColumns: Int32Array,
  threshold: number,
  size: ChartSize,
): FeatureMaxLayout {
  const plot = plotBoxOf(size);
  const n = featureAbsMax.length;
  const isOutlier = new Uint8Array(n);
  for (const c of outlierColumns) if (c >= 0 && c < n) isOutlier[c] = 1;
  let max = 0;
  for (let i = 0; i < n; i++) if (featureAbsMax[i] > max) max = featureAbsMax[i];
  // Magnitudes or a threshold past the float32 limit (Infinity, NaN) keep a finite axis.
  const yMax = chartMax(Math.max(max, Number.isNaN(threshold) ? 0 : threshold) * 1.08);
  const x = scaleLinear()
    .domain([0, Math.max(1, n)])
    .range([plot.left, plot.right]);
  const y = scaleLinear().domain([0, yMax]).nice(4).range([plot.bottom, plot.top]);
  const buckets = Math.max(1, Math.min(n, Math.floor(plot.width)));
  const perBucket = n / buckets;
  const bars: FeatureBar[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * perBucket);
    const end = Math.max(start + 1, Math.floor((b + 1) * perBucket));
    let value = 0;
    let outlier = false;
    for (let c = start; c < end && c < n; c++) {
      if (featureAbsMax[c] > value) value = featureAbsMax[c];
      if (isOutlier[c]) outlier = true;
    }
    const x0 = x(start);
    const x1 = x(end);
    bars.push({
      start,
      end,
      value,
      outlier,
      x: x0,
      width: Math.max(0.5, x1 - x0),
      y: pixelOf(y, Math.min(value, y.domain()[1])),
    });
  }
  const [d0, d1] = y.domain();
  const ty = pixelOf(y, Math.min(Math.max(threshold, d0), d1));
  return {
    width: size.width,
    height: size.height,
    plot,
    bars,
    thresholdY: ty,
    thresholdAbove: threshold > d1,
    flags: bars.filter((b) => b.outlier).map((b) => b.x + b.width / 2),
    xTicks: ticksOf(x, Math.max(2, Math.floor(plot.width / 70))),
    yTicks: ticksOf(y, 4),
  };
}

/** The bar under pixel x (null outside the plot). */
export function featureBarAt(layout: FeatureMaxLayout, px: number): FeatureBar | null {
  if (px < layout.plot.left || px > layout.plot.right) return null;
  for (const bar of layout.bars) if (px >= bar.x && px < bar.x + Math.max(bar.width, 1)) return bar;
  return null;
}
