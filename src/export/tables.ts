/**
 * The numbers behind the charts as plain tables, and their CSV (RFC 4180) and JSON forms, for "Export data".
 * Pure: no DOM. Numbers are written at full precision (JavaScript's shortest round-trip form); ±∞ and NaN as
 * the words `Infinity`, `-Infinity`, `NaN` (JSON has no such numbers).
 */
import type { Metrics, QuantView } from '../core/view';
import type { WorkedExample } from '../core/workedExample';

export type Cell = string | number | null;

/** A named table: a header row, data rows, and key/value facts about it (scheme, shape, …). */
export interface DataTable {
  /** Base of the file name, e.g. `histogram-a`. */
  name: string;
  columns: string[];
  rows: Cell[][];
  meta: Record<string, string | number>;
}

function cellText(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value); // 'Infinity', '-Infinity', 'NaN' for the non-finite
  return value;
}

/** One CSV field: quoted when it holds a comma, quote, or line break (RFC 4180 §2.6–2.7). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Plain CSV: one header row, then the rows, so a spreadsheet or `pandas.read_csv` reads it as is. The meta facts
 * (scheme, counts outside the range, …) are in the JSON export. Lines end with CRLF as RFC 4180 says.
 */
export function toCsv(table: DataTable): string {
  const lines = [table.columns.map(csvField).join(',')];
  for (const row of table.rows) lines.push(row.map((c) => csvField(cellText(c))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function jsonValue(value: Cell | string): Cell {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** JSON: `{ name, meta, columns, rows: [{column: value, …}] }`, pretty-printed. */
export function toJson(table: DataTable): string {
  const rows = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((column, i) => [column, jsonValue(row[i] ?? null)])),
  );
  const meta = Object.fromEntries(Object.entries(table.meta).map(([k, v]) => [k, jsonValue(v)]));
  return `${JSON.stringify({ name: table.name, meta, columns: table.columns, rows }, null, 2)}\n`;
}

/** The fields of Metrics exported, in table order, with their units. */
const METRIC_FIELDS: ReadonlyArray<[keyof Metrics, string]> = [
  ['mse', ''],
  ['rmse', 'units of x'],
  ['maxAbsError', 'units of x'],
  ['meanError', 'units of x'],
  ['sqnrDb', 'dB'],
  ['clippedFraction', 'fraction'],
  ['levelsUsed', 'codes'],
  ['levelsTotal', 'codes'],
  ['bitsPerWeight', 'bits'],
  ['originalBytes', 'bytes'],
  ['quantizedBytes', 'bytes'],
  ['count', 'values'],
  ['nonFinite', 'values'],
  ['storage', ''],
];

/** Metrics of the schemes shown, one column per scheme, e.g. columns `metric, unit, A, B`. */
export function metricsTable(
  metrics: Partial<Record<'a' | 'b', Metrics>>,
  describe: Partial<Record<'a' | 'b', string>>,
): DataTable {
  const channels = (['a', 'b'] as const).filter((c) => metrics[c] !== undefined);
  const meta: Record<string, string> = {};
  for (const c of channels) meta[`scheme ${c.toUpperCase()}`] = describe[c] ?? '';
  return {
    name: 'metrics',
    columns: ['metric', 'unit', ...channels.map((c) => c.toUpperCase())],
    rows: METRIC_FIELDS.map(([field, unit]) => [
      field,
      unit,
      ...channels.map((c) => (metrics[c]?.[field] ?? null) as Cell),
    ]),
    meta,
  };
}

/** The value histogram of one scheme: bin edges and both counts (original and dequantized share the bins). */
export function histogramTable(view: QuantView, label: string, channel: string): DataTable {
  const h = view.histogram;
  const rows: Cell[][] = [];
  for (let i = 0; i + 1 < h.edges.length; i++)
    rows.push([h.edges[i], h.edges[i + 1], h.original[i], h.dequantized[i]]);
  return {
    name: `histogram-${channel}`,
    columns: ['bin_start', 'bin_end', 'original', 'dequantized'],
    rows,
    meta: {
      scheme: label,
      shape: `${view.rows} x ${view.cols}`,
      'outside range (original)': h.outsideOriginal,
      'outside range (dequantized)': h.outsideDequantized,
    },
  };
}

/** The error histogram of one scheme: bins of x̂ − x and their counts. */
export function errorHistogramTable(view: QuantView, label: string, channel: string): DataTable {
  const h = view.errorHistogram;
  const rows: Cell[][] = [];
  for (let i = 0; i + 1 < h.edges.length; i++) rows.push([h.edges[i], h.edges[i + 1], h.counts[i]]);
  return {
    name: `error-histogram-${channel}`,
    columns: ['error_start', 'error_end', 'count'],
    rows,
    meta: { scheme: label, 'mean error': view.metrics.meanError, 'max abs error': view.metrics.maxAbsError },
  };
}

/** MSE per row of one scheme. */
export function rowErrorTable(view: QuantView, label: string, channel: string): DataTable {
  return {
    name: `row-mse-${channel}`,
    columns: ['row', 'mse'],
    rows: Array.from(view.rowMse, (mse, row) => [row, mse]),
    meta: { scheme: label },
  };
}

/** The heatmap grid of one scheme: one row per cell, with the matrix rows and columns it covers. */
export function heatmapTable(view: QuantView, label: string, channel: string): DataTable {
  const h = view.heatmap;
  const rows: Cell[][] = [];
  for (let r = 0; r < h.gridRows; r++) {
    for (let c = 0; c < h.gridCols; c++) {
      rows.push([r, c, r * h.rowsPerCell, c * h.colsPerCell, h.meanAbsError[r * h.gridCols + c]]);
    }
  }
  return {
    name: `heatmap-${channel}`,
    columns: ['cell_row', 'cell_col', 'first_row', 'first_col', 'mean_abs_error'],
    rows,
    meta: { scheme: label, 'rows per cell': h.rowsPerCell, 'cols per cell': h.colsPerCell },
  };
}

/** The worked example of one scheme: one row per step, one column per value, the parameters as meta. */
export function workedTable(example: WorkedExample, label: string, channel: string): DataTable {
  const count = example.steps[0]?.values.length ?? 0;
  const meta: Record<string, string | number> = {
    scheme: label,
    'largest error at value': example.worst + 1,
  };
  for (const p of example.params) meta[p.label] = p.value;
  return {
    name: `worked-example-${channel}`,
    columns: ['step', ...Array.from({ length: count }, (_, i) => `v${i + 1}`)],
    rows: example.steps.map((s) => [s.label, ...s.values]),
    meta,
  };
}
