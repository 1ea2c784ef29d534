/** Per-group minimum and maximum over the finite values (one pass), for ranges and absmax. */
import type { Granularity } from './scheme';

/**
 * Fills outMin / outMax (length = group count) with each group's finite min and max. A group with no finite
 * value gets min = max = 0, so its scale falls back to the zero-range rule.
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
  const size = granularity.kind === 'group' ? granularity.size : cols;
  const perRow = granularity.kind === 'group' ? Math.ceil(cols / size) : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const x = data[base + c];
      if (x - x !== 0) continue;
      let g: number;
      switch (granularity.kind) {
        case 'tensor':
          g = 0;
          break;
        case 'row':
          g = r;
          break;
        case 'column':
          g = c;
          break;
        case 'group':
          g = r * perRow + ((c / size) | 0);
          break;
      }
      if (x < outMin[g]) outMin[g] = x;
      if (x > outMax[g]) outMax[g] = x;
    }
  }
  for (let g = 0; g < outMin.length; g++) {
    if (outMin[g] > outMax[g]) {
      outMin[g] = 0;
      outMax[g] = 0;
    }
  }
}
