/**
 * The kernels' memory layout, in one place: the sizes the fused kernel's scratch is laid out with, which the
 * k-quant kernel (instantiated on the same memory), the measuring pass (wasmPass.ts), k-means and the helper
 * threads (src/core/threads/) read too. The AssemblyScript sources (src/kernels/) take every size from their
 * callers' pointers and lengths, so these are the only copies.
 */
import { MAX_BINS } from '../validate';

/** A WebAssembly page. */
export const PAGE = 65536;
/** Largest code range a count sub-array holds (16-bit codes). */
export const MAX_LEVELS = 65536;
/** Heatmap cells of one row of cells (validate.ts caps heatmapMaxCells at 1024). */
export const MAX_HEAT_COLS = 1024;
/**
 * Most codes a format may have for its groups to be binned from their code counts (one recorded value per code,
 * wasmPass.ts): beyond this the value-by-value binning is cheaper anyway.
 */
export const MAX_RECORDED_CODES = 4096;
/** Largest k-means group `codesByRank` takes (its ranks are 16-bit). */
export const RANKED_MAX = 65536;
/** Groups whose minima and maxima one `groupMinMax` call may write (the caller batches rows). */
export const MINMAX_GROUPS = 65536;

/** Helper threads a shared memory has scratch for (kquantThreads.ts starts at most three). */
export const MAX_HELPER_SCRATCH = 3;
/**
 * Tensors from this many values on get a shared memory where it can be had: below it a measuring pass takes about
 * what waking a helper can, so it is never split (threads/measureJob.ts uses the same bound).
 */
export const SHARED_MIN_VALUES = 1 << 18;

/** Distance between the four lane sub-arrays of the error and dequantized histograms: every bin, and the outside. */
export const HIST_STRIDE = MAX_BINS + 1;

/** Lays out one scratch set with `take` (bytes -> offset). */
export function takeScratch(take: (bytes: number) => number): ScratchPointers {
  return {
    counts: take(4 * 4 * MAX_LEVELS),
    errHist: take(4 * 4 * HIST_STRIDE),
    deqEdges: take(8 * HIST_STRIDE),
    deqEdges32: take(4 * HIST_STRIDE),
    deqHist: take(4 * 4 * HIST_STRIDE),
    totals: take(4 * MAX_LEVELS),
    codeValues: take(4 * MAX_RECORDED_CODES),
    groupParams: take(4 * 4 * MINMAX_GROUPS),
    rowSums: take(8 * 2),
    heatRow: take(8 * MAX_HEAT_COLS),
    acc: take(8 * 4),
    groupMin: take(4 * MINMAX_GROUPS),
    groupMax: take(4 * MINMAX_GROUPS),
  };
}

/** Byte offsets of one thread's scratch: what one measuring pass counts and sums into. */
export interface ScratchPointers {
  counts: number;
  errHist: number;
  deqEdges: number;
  deqEdges32: number;
  deqHist: number;
  totals: number;
  codeValues: number;
  groupParams: number;
  rowSums: number;
  heatRow: number;
  acc: number;
  /** Per-group outputs of a batch of rows (MINMAX_GROUPS each): minima and maxima, a k-quant part's A and B. */
  groupMin: number;
  groupMax: number;
}
