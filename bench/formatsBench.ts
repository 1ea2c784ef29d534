/** Bench rows for the non-integer formats (issue #5): one full recompute per format on the same tensor. */
import type { Tensor2D, TensorCache } from '../src/core';

export interface FormatRow {
  name: string;
  ms: number;
  bitsPerWeight: number;
}

// TODO(#5): filled in once the formats are wired into computeQuantView.
export function formatRows(_t: Tensor2D, _cache: TensorCache, _repeats: number): FormatRow[] {
  return [];
}
