/**
 * Error heatmap layout (pure; no DOM): where the downsampled |x̂ − x| grid sits, its axes and colour legend,
 * and which matrix rows, columns and quantization group lie under a pointer position.
 */
import { scaleLinear } from 'd3-scale';
import type { Granularity } from '../../core/scheme';
import type { Heatmap } from '../../core/view';
import { type ChartSize, type PlotBox, plotBoxOf, type Tick } from '../chartSize';
import { chartMax } from '../safeDomain';
import { ticksOf } from '../ticks';

export const HEATMAP_MARGIN = { top: 8, right: 84, bottom: 40, left: 52 };

export interface HeatmapLayout {
  width: number;
  height: number;
  /** Where the grid image is drawn (CSS px). */
  plot: PlotBox;
  gridRows: number;
  gridCols: number;
  matrixRows: number;
  matrixCols: number;
  /** Colour scale domain [0, colorMax] (shared by A and B so colours compare). */
  colorMax: number;
  xTicks: Tick[];
  yTicks: Tick[];
  legend: { x: number; y: number; width: number; height: number; ticks: Tick[] };
}

/** Outer height for a matrix of `rows x cols` at `width`: roughly the matrix's aspect, within [140, 300]. */
export function heatmapHeight(width: number, rows: number, cols: number): number {
  const plotWidth = Math.max(40, width - HEATMAP_MARGIN.left - HEATMAP_MARGIN.right);
  const plotHeight = Math.min(260, Math.max(100, (plotWidth * rows) / Math.max(1, cols)));
  return Math.round(plotHeight + HEATMAP_MARGIN.top + HEATMAP_MARGIN.bottom);
}

export function layoutHeatmap(
  heatmap: Pick<Heatmap, 'gridRows' | 'gridCols'>,
  matrix: { rows: number; cols: number },
  size: ChartSize,
  colorMax: number,
): HeatmapLayout {
  const plot = plotBoxOf(size);
  const x = scaleLinear().domain([0, matrix.cols]).range([plot.left, plot.right]);
  const y = scaleLinear().domain([0, matrix.rows]).range([plot.top, plot.bottom]);
  const integerTicks = (ticks: Tick[]) => ticks.filter((t) => Number.isInteger(t.value));
  const legendHeight = plot.height;
  // An error past the float32 limit (Infinity) or NaN would leave the legend without ticks and every cell blank.
  const boundedMax = chartMax(colorMax);
  const c = scaleLinear()
    .domain([0, boundedMax])
    .range([plot.top + legendHeight, plot.top]);
  return {
    width: size.width,
    height: size.height,
    plot,
    gridRows: heatmap.gridRows,
    gridCols: heatmap.gridCols,
    matrixRows: matrix.rows,
    matrixCols: matrix.cols,
    colorMax: boundedMax,
    xTicks: integerTicks(ticksOf(x, Math.max(2, Math.floor(plot.width / 70)))),
    yTicks: integerTicks(ticksOf(y, Math.max(2, Math.floor(plot.height / 36)))),
    legend: {
      x: plot.right + 12,
      y: plot.top,
      width: 10,
      height: legendHeight,
      ticks: ticksOf(c, Math.max(2, Math.floor(legendHeight / 40))),
    },
  };
}

/** A matrix element range [start, end] (inclusive). */
export interface IndexRange {
  start: number;
  end: number;
}

export interface HeatmapHit {
  /** Grid cell under the pointer. */
  cellRow: number;
  cellCol: number;
  /** Matrix rows and columns averaged into that cell. */
  rows: IndexRange;
  cols: IndexRange;
  /** The matrix element under the pointer (approximate within a cell: proportional position). */
  row: number;
  col: number;
}

/** Which cell and matrix element lie under pixel (px, py); null outside the plot. */
export function hitHeatmap(
  layout: HeatmapLayout,
  heatmap: Pick<Heatmap, 'rowsPerCell' | 'colsPerCell'>,
  px: number,
  py: number,
): HeatmapHit | null {
  const { plot } = layout;
  if (px < plot.left || px >= plot.right || py < plot.top || py >= plot.bottom || plot.width <= 0)
    return null;
  const fx = (px - plot.left) / plot.width;
  const fy = (py - plot.top) / plot.height;
  const cellCol = Math.min(layout.gridCols - 1, Math.floor(fx * layout.gridCols));
  const cellRow = Math.min(layout.gridRows - 1, Math.floor(fy * layout.gridRows));
  const span = (cell: number, perCell: number, total: number): IndexRange => ({
    start: Math.min(total - 1, Math.floor(cell * perCell)),
    end: Math.min(total, Math.floor((cell + 1) * perCell)) - 1,
  });
  return {
    cellRow,
    cellCol,
    rows: span(cellRow, heatmap.rowsPerCell, layout.matrixRows),
    cols: span(cellCol, heatmap.colsPerCell, layout.matrixCols),
    row: Math.min(layout.matrixRows - 1, Math.floor(fy * layout.matrixRows)),
    col: Math.min(layout.matrixCols - 1, Math.floor(fx * layout.matrixCols)),
  };
}

export interface GroupOfElement {
  /** Group index, numbered as SEMANTICS.md "Granularity" (group j of row r is r·⌈cols/g⌉ + j). */
  index: number;
  /** Plain words: "row 12", "row 3, columns 128–255". */
  description: string;
  rows: IndexRange;
  cols: IndexRange;
}

/** The quantization group that element (row, col) belongs to under `granularity`. */
export function groupOfElement(
  granularity: Granularity,
  matrix: { rows: number; cols: number },
  row: number,
  col: number,
): GroupOfElement {
  const allRows = { start: 0, end: matrix.rows - 1 };
  const allCols = { start: 0, end: matrix.cols - 1 };
  switch (granularity.kind) {
    case 'tensor':
      return { index: 0, description: 'the whole tensor', rows: allRows, cols: allCols };
    case 'row':
      return { index: row, description: `row ${row}`, rows: { start: row, end: row }, cols: allCols };
    case 'column':
      return { index: col, description: `column ${col}`, rows: allRows, cols: { start: col, end: col } };
    case 'group': {
      const size = Math.max(1, granularity.size);
      const perRow = Math.ceil(matrix.cols / size);
      const j = Math.floor(col / size);
      const start = j * size;
      const end = Math.min(matrix.cols, start + size) - 1;
      return {
        index: row * perRow + j,
        description: `row ${row}, columns ${start}–${end}`,
        rows: { start: row, end: row },
        cols: { start, end },
      };
    }
  }
}

/** Pixel rectangle of a matrix block (rows × cols ranges) on the heatmap. */
export function blockRect(layout: HeatmapLayout, rows: IndexRange, cols: IndexRange) {
  const { plot } = layout;
  const sx = plot.width / Math.max(1, layout.matrixCols);
  const sy = plot.height / Math.max(1, layout.matrixRows);
  return {
    x: plot.left + cols.start * sx,
    y: plot.top + rows.start * sy,
    width: Math.max(1, (cols.end - cols.start + 1) * sx),
    height: Math.max(1, (rows.end - rows.start + 1) * sy),
  };
}
