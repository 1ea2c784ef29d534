/** Per-group minimum and maximum over the finite values (one pass), for ranges and absmax. */
import type { Granularity } from './scheme';

/**
 * Fills outMin / outMax (length = group count) with each group's finite min and max. A group with no finite
 * value gets min = max = 0, so its scale falls back to the zero-range rule.
 * Walks one contiguous run (a row, or a group along a row) at a time with the group fixed, so the inner loop has
 * no per-element group arithmetic.
 */
export function groupMinMaxInto(
  data: Float32Array,
  granularity: Granularity,
  rows: number,
  cols: number,
  outMin: Float32Array,
  outMax: Float32Array,
): void {
  outMin.fill(Number.POSITIVE_INFINITY);
  outMax.fill(Number.NEGATIVE_INFINITY);
  if (granularity.kind === 'column') {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const x = data[base + c];
        if (x - x !== 0) continue;
        if (x < outMin[c]) outMin[c] = x;
        if (x > outMax[c]) outMax[c] = x;
      }
    }
  } else {
    const size = granularity.kind === 'group' ? granularity.size : cols;
    const perRow = Math.ceil(cols / size);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < perRow; j++) {
        const g = granularity.kind === 'tensor' ? 0 : r * perRow + j;
        const start = r * cols + j * size;
        const end = r * cols + Math.min(cols, (j + 1) * size);
        let lo = outMin[g];
        let hi = outMax[g];
        for (let i = start; i < end; i++) {
          const x = data[i];
          // NaN fails both compares; +-Inf are excluded explicitly
          if (x < lo && x !== Number.NEGATIVE_INFINITY) lo = x;
          if (x > hi && x !== Number.POSITIVE_INFINITY) hi = x;
        }
        outMin[g] = lo;
        outMax[g] = hi;
      }
    }
  }
  for (let g = 0; g < outMin.length; g++) {
    if (outMin[g] > outMax[g]) {
      outMin[g] = 0;
      outMax[g] = 0;
    }
  }
}
