/**
 * One tensor of the whole-model table: its statistics and, per scheme, the error metrics the explorer shows for
 * the same tensor and scheme. The metrics come from the engine's own `computeQuantView` (the call the explorer's
 * scheme panels make), so a row equals what opening that tensor in the explorer prints.
 */
import { computeQuantView } from '../quantView';
import type { Scheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { createTensorCache, type TensorStorage, tensorStorage } from '../tensorCache';
import type { ViewParams } from '../view';
import { computeTensorStats, type TensorStats } from './tensorStats';

/** The error of one scheme on one tensor. */
export interface SchemeError {
  /** 10·log10(Σx² / Σ(x − x̂)²) in dB; +Infinity when the error is 0. */
  sqnrDb: number;
  mse: number;
  rmse: number;
  /** RMSE / std of the tensor: comparable across tensors of different magnitude (0 for a constant tensor). */
  relRmse: number;
  maxAbsError: number;
  /** The scheme's storage cost on this tensor (element bits + scale / zero-point bits per value). */
  bitsPerWeight: number;
  /** Share of values outside their group's clipping range. */
  clippedFraction: number;
}

export interface TensorAnalysis {
  stats: TensorStats;
  /** One entry per scheme, in the order asked. */
  errors: SchemeError[];
  elapsedMs: number;
}

/** The smallest view the pass accepts: metrics do not depend on it; bins and heatmap only cost time. */
const METRICS_VIEW: ViewParams = { bins: 8, range: null, errorBins: 8, group: 0, heatmapMaxCells: 1 };

const now = (): number =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

/**
 * Whether `schemes` are measured with one row of outputs (TensorCache.rowOutputs): all integer schemes, whose pass
 * quantizes and measures row by row. A format writes the whole tensor's codes and values before they are measured.
 */
export function measuresByRow(schemes: readonly Scheme[]): boolean {
  return schemes.every((s) => s.kind === 'integer');
}

/**
 * Room for a rows × cols tensor to be loaded into and analysed with `schemes` (io's LoadOptions.allocate): in the
 * kernel's memory where it runs, with one row of outputs where the schemes allow (measuresByRow).
 */
export function analysisStorage(
  rows: number,
  cols: number,
  schemes: readonly Scheme[],
  options: { wasm?: boolean } = {},
): TensorStorage {
  return tensorStorage(rows, cols, { wasm: options.wasm, rowOutputs: measuresByRow(schemes) });
}

/**
 * Statistics and per-scheme errors of `tensor`. One tensor cache serves every scheme (one output region,
 * overwritten scheme after scheme). Integer schemes only: one row of outputs (measuresByRow), so the memory is the
 * tensor (4 bytes a value) plus a row; with a format among them the tensor plus one scheme's outputs (10 bytes a
 * value). `wasm`: as createTensorCache's (false keeps the tensor out of a kernel memory, a slower pass). `storage`:
 * from analysisStorage, holding `tensor.data` (loaded there: the kernel then needs no copy of it).
 * E.g. analyseTensor(w, [DEFAULT_SCHEME_A]).errors[0].sqnrDb equals quantize(w, DEFAULT_SCHEME_A).metrics.sqnrDb.
 */
export function analyseTensor(
  tensor: Tensor2D,
  schemes: readonly Scheme[],
  options: { wasm?: boolean; storage?: TensorStorage } = {},
): TensorAnalysis {
  const started = now();
  const stats = computeTensorStats(tensor.data);
  const cache = createTensorCache(tensor, {
    keepFormats: false,
    wasm: options.wasm,
    rowOutputs: measuresByRow(schemes),
    storage: options.storage,
  });
  const errors = schemes.map((scheme): SchemeError => {
    const m = computeQuantView(tensor, scheme, METRICS_VIEW, cache).metrics;
    return {
      sqnrDb: m.sqnrDb,
      mse: m.mse,
      rmse: m.rmse,
      relRmse: stats.std > 0 ? m.rmse / stats.std : 0,
      maxAbsError: m.maxAbsError,
      bitsPerWeight: m.bitsPerWeight,
      clippedFraction: m.clippedFraction,
    };
  });
  return { stats, errors, elapsedMs: now() - started };
}
