/**
 * What does not depend on the scheme, kept per tensor: its summary (min, max, moments), the original
 * histogram for the last few bin-edge sets, and the reusable output buffers (no per-call allocation of
 * the large arrays: on this VM a fresh 64 MiB array costs ~190 ms in page faults, PERFORMANCE.md).
 */
import { summarizeWithSquares } from './generators';
import type { TensorSummary } from './generators.types';
import { type Binner, histogramInto } from './histogram';
import type { Tensor2D } from './tensor';

export interface TensorCache {
  readonly tensor: Tensor2D;
  readonly summary: TensorSummary;
  /** Σx² over the finite values (float64), the numerator of the SQNR. */
  readonly sumSquares: number;
  /** Output buffers, length rows * cols, overwritten by every computeQuantView call. */
  readonly codes: Int16Array;
  readonly dequantized: Float32Array;
  /** Scratch counts of codes (65,536 entries cover every 16-bit pattern). */
  readonly codeCounts: Uint32Array;
  readonly originalHistograms: Map<string, { counts: Uint32Array; outside: number }>;
}

const HISTOGRAMS_KEPT = 8;

export function createTensorCache(tensor: Tensor2D): TensorCache {
  const n = tensor.rows * tensor.cols;
  const { summary, sumSquares } = summarizeWithSquares(tensor);
  return {
    tensor,
    summary,
    sumSquares,
    codes: new Int16Array(n),
    dequantized: new Float32Array(n),
    codeCounts: new Uint32Array(65536),
    originalHistograms: new Map(),
  };
}

/** The original values' histogram over `binner`'s edges, computed once per edge set. */
export function originalHistogram(
  cache: TensorCache,
  binner: Binner,
): { counts: Uint32Array; outside: number } {
  const key = `${binner.lo}|${binner.hi}|${binner.bins}`;
  const hit = cache.originalHistograms.get(key);
  if (hit) return hit;
  const counts = new Uint32Array(binner.bins);
  const outside = histogramInto(cache.tensor.data, binner, counts);
  // values that are NaN / Inf count as outside in histogramInto; they are reported separately
  const entry = { counts, outside: outside - cache.summary.nonFinite };
  if (cache.originalHistograms.size >= HISTOGRAMS_KEPT) {
    const oldest = cache.originalHistograms.keys().next().value;
    if (oldest !== undefined) cache.originalHistograms.delete(oldest);
  }
  cache.originalHistograms.set(key, entry);
  return entry;
}
