/**
 * When the same-frame engine (sameFrame.ts) may answer a change: the largest tensor it mirrors, a frame's share of
 * work, and the cost of each kind of scheme as last measured. Small and free of the engine, so the page loads it
 * with its first script and the engine itself only when a dataset is mirrored.
 */
import type { Scheme } from './scheme';
import type { QuantView } from './view';

/**
 * Tensors up to this many values are mirrored on the page (4 MiB of values, plus the kernel's copy and one output
 * region: ~14 MiB at the limit). At 1024² a per-tensor or per-row integer change costs 4-6 ms on one core.
 */
export const SAME_FRAME_MAX_VALUES = 1 << 20;

/**
 * A change is computed on the page when its kind of scheme last took at most this long: with the key press's task
 * (~3 ms), its render (~3 ms) and its frame (~5 ms), the new histogram is then painted within ~12 ms at 256² (an
 * engine of ~1.5 ms) and ~23 ms at 1024² (~10 ms), and the main thread is never held longer than a frame.
 */
export const SAME_FRAME_BUDGET_MS = 12;

/** Fields a slider or a drag changes that leave a computation's work the same. */
const COST_FREE_FIELDS = new Set(['bits', 'lo', 'hi', 'percentile', 'seed']);

/**
 * What one computation of a scheme costs, by its kind: the scheme without the values a slider or a drag changes
 * (bits, a manual clipping range, a percentile, a stochastic seed). k-means keeps its bits: its work grows with the
 * number of centroids.
 */
export function costKindOf(scheme: Scheme): string {
  return JSON.stringify(scheme, (key, value) =>
    COST_FREE_FIELDS.has(key) && !(key === 'bits' && scheme.kind === 'kmeans') ? undefined : value,
  );
}

/** The latest cost (ms on one thread) of each kind of scheme on one dataset, from the worker's results and the page's. */
export type CostBook = Map<string, number>;

/**
 * Records what a result cost. A worker's result may have shared its measuring (or a k-quant search) out with helper
 * threads, so the page's first computation of its kind may take up to twice as long; the page then books its own
 * time. A result that reused an earlier one's work says nothing about a new one.
 */
export function noteCost(book: CostBook, scheme: Scheme, view: QuantView): void {
  if (view.reused !== 'none') return;
  book.set(costKindOf(scheme), view.elapsedMs);
}
