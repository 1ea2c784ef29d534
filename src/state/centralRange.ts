/** The default zoom of a new dataset (useDefaultZoom) and the toolbar's "central" button: the bulk of the values. */
import type { TensorSummary } from '../core/generators.types';

/** The central part of the data: mean ± 4 std, clamped to [min, max]; null if that is the whole range. */
export function centralRange(summary: TensorSummary | undefined): [number, number] | null {
  if (!summary || !(summary.std > 0)) return null;
  const lo = Math.max(summary.min, summary.mean - 4 * summary.std);
  const hi = Math.min(summary.max, summary.mean + 4 * summary.std);
  return hi > lo && (lo > summary.min || hi < summary.max) ? [lo, hi] : null;
}
