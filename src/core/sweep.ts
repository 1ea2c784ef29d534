/**
 * The sweep: error against bits per weight for many formats and granularities on the same data, with the
 * Pareto front (no other point has both fewer bits and lower error). A generator, so the worker can report
 * progress and stop between schemes when the user cancels.
 */
import { describeFormat, sweepFormatSchemes } from './formats';
import { computeQuantView, describeGroup } from './quantView';
import type { Granularity, IntegerScheme, Scheme } from './scheme';
import type { Tensor2D } from './tensor';
import { createTensorCache } from './tensorCache';

export interface SweepPoint {
  scheme: Scheme;
  label: string;
  family: 'absmax' | 'zeroPoint' | 'float' | 'block' | 'other';
  bitsPerWeight: number;
  mse: number;
  sqnrDb: number;
  onFront: boolean;
}

export interface SweepResult {
  points: SweepPoint[];
  /** Rows measured, when large matrices are sampled to keep the sweep interactive. */
  rowsUsed: number;
  totalRows: number;
}

/** Values a sweep measures at most: larger matrices are sampled by evenly spaced whole rows (deterministic). */
export const SWEEP_MAX_VALUES = 1 << 17;

/** Every scheme the sweep tries: integer absmax / zero-point at 2..8 bits and four granularities, float and block formats, k-means. */
export function defaultSweepSchemes(): Scheme[] {
  const grans: Granularity[] = [
    { kind: 'tensor' },
    { kind: 'row' },
    { kind: 'group', size: 128 },
    { kind: 'group', size: 32 },
  ];
  const out: Scheme[] = [];
  for (const method of ['absmax', 'zeroPoint'] as const) {
    for (let bits = 2; bits <= 8; bits++) {
      for (const granularity of grans) {
        const s: IntegerScheme = {
          kind: 'integer',
          method,
          bits,
          granularity,
          rounding: { kind: 'halfEven' },
          clipping: { kind: 'none' },
        };
        out.push(s);
      }
    }
  }
  // every format's own sweep entries (formats/registry.ts): float formats per row, block formats, NF4 with and
  // without double quantization, k-means 2..4 bits per row, binary, ternary
  out.push(...sweepFormatSchemes());
  return out;
}

export function labelOf(s: Scheme): string {
  if (s.kind === 'integer')
    return `${s.method === 'absmax' ? 'absmax' : 'zero-point'} int${s.bits} per ${describeGroup(s.granularity)}`;
  return describeFormat(s).label;
}

function familyOf(s: Scheme): SweepPoint['family'] {
  if (s.kind === 'integer') return s.method;
  if (s.kind === 'float' || s.kind === 'block') return s.kind;
  return 'other';
}

/** Evenly spaced whole rows so that rows * cols <= limit (every row when it already fits). */
export function sampleRows(t: Tensor2D, limit = SWEEP_MAX_VALUES): Tensor2D {
  const keep = Math.max(1, Math.min(t.rows, Math.floor(limit / t.cols)));
  if (keep >= t.rows) return t;
  const data = new Float32Array(keep * t.cols);
  for (let k = 0; k < keep; k++) {
    const r = Math.floor((k * t.rows) / keep);
    data.set(t.data.subarray(r * t.cols, (r + 1) * t.cols), k * t.cols);
  }
  return { rows: keep, cols: t.cols, data };
}

/** Marks the points no other point beats on both bits per weight and MSE. */
export function markParetoFront(points: SweepPoint[]): void {
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a].bitsPerWeight - points[b].bitsPerWeight || points[a].mse - points[b].mse);
  let best = Number.POSITIVE_INFINITY;
  for (const i of order) {
    points[i].onFront = points[i].mse < best;
    if (points[i].mse < best) best = points[i].mse;
  }
}

const SWEEP_VIEW = { bins: 8, range: null, errorBins: 8, group: 0, heatmapMaxCells: 1 };

/**
 * Yields after each scheme with its progress; the final return is the whole result.
 * Usage: `for (let s = it.next(); !s.done; s = it.next()) report(s.value)`; stop calling next() to cancel.
 */
export function* runSweep(
  tensor: Tensor2D,
  schemes: Scheme[] = defaultSweepSchemes(),
): Generator<{ done: number; total: number; point: SweepPoint }, SweepResult> {
  const t = sampleRows(tensor);
  const cache = createTensorCache(t, { keepFormats: false }); // each scheme runs once
  const points: SweepPoint[] = [];
  for (const scheme of schemes) {
    const v = computeQuantView(t, scheme, SWEEP_VIEW, cache);
    const point: SweepPoint = {
      scheme,
      label: labelOf(scheme),
      family: familyOf(scheme),
      bitsPerWeight: v.metrics.bitsPerWeight,
      mse: v.metrics.mse,
      sqnrDb: v.metrics.sqnrDb,
      onFront: false,
    };
    points.push(point);
    yield { done: points.length, total: schemes.length, point };
  }
  markParetoFront(points);
  return { points, rowsUsed: t.rows, totalRows: tensor.rows };
}
