/**
 * The results of one quantization: the big resident arrays (`QuantResult`, stays in the worker)
 * and the small summary the page draws (`QuantView`, crosses the worker boundary, transferred).
 */
import type { Scheme } from './scheme';

/** Error and storage metrics. Sums are accumulated in float64 over the float32 values. */
export interface Metrics {
  /** Values measured (finite inputs). */
  count: number;
  /** NaN / +-Inf inputs, masked out of ranges, metrics and histograms. */
  nonFinite: number;
  mse: number;
  rmse: number;
  maxAbsError: number;
  /** mean(x_hat - x). */
  meanError: number;
  /** 10 log10(sum x^2 / sum (x - x_hat)^2); +Infinity when the error is 0. */
  sqnrDb: number;
  /** Share of values outside their group's clipping range before rounding. */
  clippedFraction: number;
  /** Distinct codes used, and how many the format has (2^bits for integers). */
  levelsUsed: number;
  levelsTotal: number;
  /** Element bits plus scale / zero-point bits divided by the values they cover. */
  bitsPerWeight: number;
  /** Plain words for what `bitsPerWeight` assumes, e.g. "int4 + FP16 scale + 4-bit zero point per 128". */
  storage: string;
  /** rows * cols * 4 (float32). */
  originalBytes: number;
  /** ceil(rows * cols * bitsPerWeight / 8). */
  quantizedBytes: number;
}

/** Original and dequantized counts over the same bin edges, so an overlay is honest. */
export interface HistogramPair {
  /** bins + 1 ascending edges; bin i is [edges[i], edges[i+1]), the last bin is closed. */
  edges: Float64Array;
  original: Uint32Array;
  dequantized: Uint32Array;
  /** Values outside [edges[0], edges[bins]] (when the view range is zoomed), per series. */
  outsideOriginal: number;
  outsideDequantized: number;
}

export interface Histogram {
  edges: Float64Array;
  counts: Uint32Array;
  outside: number;
}

/** The quantization parameters of one group. */
export interface GroupInfo {
  index: number;
  /** Elements covered: for row/group granularity a row and a half-open column range; for columns one column. */
  row: number | null;
  col: number | null;
  colStart: number;
  colEnd: number;
  /** The step Delta (x_hat = (q - z) * Delta), or the block scale for block formats. */
  scale: number;
  zeroPoint: number;
  /** The clipping range used for this group. */
  lo: number;
  hi: number;
}

/** |x_hat - x| averaged over cells of a downsampled grid (each cell covers a rectangle of the matrix). */
export interface Heatmap {
  gridRows: number;
  gridCols: number;
  /** Matrix rows / cols per cell (>= 1). */
  rowsPerCell: number;
  colsPerCell: number;
  /** gridRows * gridCols, row-major. */
  meanAbsError: Float32Array;
  max: number;
}

/** What the page asks for besides the scheme: bins, zoom, which group's grid to show, heatmap size. */
export interface ViewParams {
  /** Histogram bins, 8..1024. */
  bins: number;
  /** Histogram x range; null = the data's [min, max]. */
  range: [number, number] | null;
  /** Error histogram bins. */
  errorBins: number;
  /** Group whose levels and parameters are reported (clamped to the group count). */
  group: number;
  /** Largest heatmap grid (cells per side). */
  heatmapMaxCells: number;
}

export const DEFAULT_VIEW: ViewParams = {
  bins: 128,
  range: null,
  errorBins: 64,
  group: 0,
  heatmapMaxCells: 128,
};

/** Extra numbers a clipping search reports (threshold chosen and the MSE it gives, per group 0 / per tensor). */
export interface ClipReport {
  method: 'mseOptimal' | 'kl' | 'octav' | 'percentile' | 'manual' | 'none';
  /** Threshold for absmax, or [lo, hi] for zero-point, of the reported group. */
  lo: number;
  hi: number;
  mse: number;
}

/** Everything the charts and tables draw for one scheme. Small: O(bins + rows + grid). */
export interface QuantView {
  scheme: Scheme;
  rows: number;
  cols: number;
  metrics: Metrics;
  histogram: HistogramPair;
  errorHistogram: Histogram;
  groupCount: number;
  /** The group `view.group` asked for, clamped. */
  group: GroupInfo;
  /** Dequantized levels (grid points) of that group, ascending, distinct. */
  levels: Float32Array;
  /** Overall clipping range: the union over groups (for a per-tensor scheme, its range). */
  clip: { lo: number; hi: number };
  clipReport: ClipReport | null;
  /** MSE of each row, length rows. */
  rowMse: Float64Array;
  heatmap: Heatmap;
  elapsedMs: number;
  /** Which implementation ran the fused integer pass (formats measure in JS): same results either way. */
  pass: 'wasm-simd' | 'js';
  /** Threads the quantizer ran on: more than 1 only where a Q4_K / Q6_K search was split over helper threads. */
  threads: number;
  /**
   * Threads the measuring pass ran on (histograms, errors, heatmap): more than 1 where a large tensor's rows were
   * shared out with helper threads (threads/measureJob.ts).
   */
  measuringThreads: number;
  /**
   * What this call took from the last one of its panel instead of computing it (core/formatMemo.ts): 'none';
   * 'quantization', a format's codes and values (a view change: only the measuring ran, so `elapsedMs` leaves the
   * quantizer out); 'measuring', everything but the group shown (only `view.group` changed).
   */
  reused: Reuse;
  /**
   * True on a result the page computed itself, in the frame of the change (core/sameFrame.ts); absent on the
   * worker's.
   */
  onPage?: boolean;
}

export type Reuse = 'none' | 'quantization' | 'measuring';
