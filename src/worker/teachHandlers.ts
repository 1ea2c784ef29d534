/**
 * Handler group for teaching (issue #6): the worked example's step-by-step table, and a short slice of the
 * resident matrix for it ("take 10 values from the matrix"). Spread into `createHandlers`.
 */
import { EngineError } from '../core/engineError';
import { createRng } from '../core/random';
import { computeWorkedExample, MAX_WORKED_VALUES } from '../core/workedExample';
import type { EngineStore } from './handlers';
import type { Handlers } from './protocol';
import type { ValueSample } from './teachProtocol';

/**
 * `count` consecutive finite values of the tensor, starting at a position drawn from `seed` (the same seed gives
 * the same slice of the same matrix). Consecutive values along a row are what one quantization group sees.
 * E.g. count 10 on a 256 × 256 matrix: row r, columns c..c+9 for a seeded r and c ≤ 246.
 */
export function sampleConsecutive(
  data: Float32Array,
  cols: number,
  count: number,
  seed: number,
): ValueSample {
  const n = data.length;
  const rows = Math.max(1, Math.floor(n / Math.max(1, cols)));
  const rng = createRng(seed);
  const row = Math.floor(rng.uniform() * rows);
  const col = Math.floor(rng.uniform() * Math.max(1, cols - count + 1));
  const values: number[] = [];
  // Runs on past the row's end (and wraps to the start) only when the matrix has fewer than `count` columns,
  // or when non-finite values had to be skipped.
  const start = row * cols + Math.min(col, Math.max(0, cols - 1));
  for (let k = 0; k < n && values.length < count; k++) {
    const v = data[(start + k) % n];
    if (Number.isFinite(v)) values.push(v);
  }
  return { values, row, col: start - row * cols };
}

export function createTeachHandlers(store: EngineStore): Pick<Handlers, 'sampleValues' | 'workedExample'> {
  return {
    sampleValues(datasetId, count, seed) {
      if (!Number.isInteger(count) || count < 1 || count > MAX_WORKED_VALUES) {
        throw new EngineError('count', `count must be an integer in 1..${MAX_WORKED_VALUES} (got ${count})`);
      }
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
        throw new EngineError('seed', `seed must be an integer in 0..4294967295 (got ${seed})`);
      }
      const { tensor } = store.get(datasetId);
      return sampleConsecutive(tensor.data, tensor.cols, count, seed);
    },
    workedExample(values, scheme, options) {
      if (!Array.isArray(values)) throw new EngineError('values', 'values must be a list of numbers');
      return computeWorkedExample(values, scheme, { rawNonFinite: options?.rawNonFinite === true });
    },
  };
}
