/**
 * Per-row error chart layout (pure; d3-scale only): the MSE of every row (output channel) as a step area,
 * optionally with the other scheme's per-row MSE as a line over it. With more rows than pixels each pixel
 * column shows the largest MSE among its rows, so a single bad row is never averaged away.
 */
import { scaleLinear } from 'd3-scale';
import { type ChartSize, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { chartMax, pixelOf } from '../safeDomain';
import { ticksOf } from '../ticks';

export const ROW_ERROR_MARGIN = { top: 10, right: 14, bottom: 40, left: 60 };

export interface RowErrorLayout {
  width: number;
  height: number;
  plot: PlotBox;
  rows: number;
  /** Closed SVG path of the step area (empty when there are no rows). */
  areaPath: string;
  /** Open SVG path of the comparison series, or null. */
  otherPath: string | null;
  /** Rows per pixel column when bucketed (1 when each row gets ≥ 1 px). */
  rowsPerPixel: number;
  yMax: number;
  xTicks: Tick[];
  yTicks: Tick[];
}

export function layoutRowError(
  rowMse: Float64Array,
  size: ChartSize,
  options: { yMax?: number; other?: Float64Array | null } = {},
): RowErrorLayout {
  const plot = plotBoxOf(size);
  const rows = rowMse.length;
  let dataMax = 0;
  for (let i = 0; i < rows; i++) if (rowMse[i] > dataMax) dataMax = rowMse[i];
  const other = options.other && options.other.length === rows ? options.other : null;
  if (other) for (let i = 0; i < rows; i++) if (other[i] > dataMax) dataMax = other[i];
  // An infinite or NaN row MSE (float32 overflow) must not take the axis with it: the domain stays finite and
  // such a row is drawn at the top (Infinity) or not at all (NaN); the tooltip still says what it is.
  const yMax = chartMax(Math.max(options.yMax ?? 0, dataMax));
  const x = scaleLinear()
    .domain([0, Math.max(1, rows)])
    .range([plot.left, plot.right]);
  const y = scaleLinear().domain([0, yMax]).nice(5).range([plot.bottom, plot.top]);

  const yOf = (v: number) => pixelOf(y, Number.isNaN(v) ? 0 : Math.min(v, yMax));
  const buckets = Math.max(1, Math.floor(plot.width));
  const bucketed = rows > buckets * 2;
  const rowsPerPixel = bucketed ? rows / buckets : 1;
  const stepsOf = (values: Float64Array): Array<[number, number, number]> => {
    const steps: Array<[number, number, number]> = []; // [x0, x1, y]
    if (!bucketed) {
      for (let r = 0; r < rows; r++) steps.push([x(r), x(r + 1), yOf(values[r])]);
      return steps;
    }
    for (let b = 0; b < buckets; b++) {
      const r0 = Math.floor(b * rowsPerPixel);
      const r1 = Math.min(rows, Math.floor((b + 1) * rowsPerPixel));
      let m = 0;
      for (let r = r0; r < r1; r++) if (values[r] > m) m = values[r];
      steps.push([
        plot.left + b * (plot.width / buckets),
        plot.left + (b + 1) * (plot.width / buckets),
        yOf(m),
      ]);
    }
    return steps;
  };
  const line = (steps: Array<[number, number, number]>) =>
    steps
      .map(([x0, x1, yy], i) => `${i === 0 ? 'M' : 'L'}${x0.toFixed(2)} ${yy.toFixed(2)}H${x1.toFixed(2)}`)
      .join('');
  const main = stepsOf(rowMse);
  const areaPath =
    rows === 0
      ? ''
      : `M${plot.left} ${plot.bottom}${line(main).replace(/^M/, 'L')}L${plot.right} ${plot.bottom}Z`;

  return {
    width: size.width,
    height: size.height,
    plot,
    rows,
    areaPath,
    otherPath: other ? line(stepsOf(other)) : null,
    rowsPerPixel,
    yMax,
    xTicks: ticksOf(x, Math.max(2, Math.floor(plot.width / 70))).filter((t) => Number.isInteger(t.value)),
    yTicks: ticksOf(y, Math.max(2, Math.floor(plot.height / 30))),
  };
}

/** The row under pixel x, or null outside the plot. */
export function rowAtPixel(layout: RowErrorLayout, px: number): number | null {
  const { plot, rows } = layout;
  if (rows === 0 || px < plot.left || px >= plot.right) return null;
  return Math.min(rows - 1, Math.floor(((px - plot.left) / plot.width) * rows));
}
