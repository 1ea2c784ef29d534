/**
 * Tensor2D: the one shape the engine works on. Pure data, no DOM.
 * Rows are output channels (PyTorch `nn.Linear.weight` is `[out, in]`); 1-D input is a 1 x n tensor.
 */
import { EngineError } from './engineError';

/** A 2-D float32 tensor, row-major: element (r, c) is `data[r * cols + c]`. */
export interface Tensor2D {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/**
 * Views an N-D shape as 2-D: the first dimension as rows, the rest flattened
 * (a conv weight `[out, in, kh, kw]` becomes `out x (in*kh*kw)`; a 1-D `[n]` becomes `1 x n`; a scalar `1 x 1`).
 */
export function shapeAs2D(shape: readonly number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  if (shape.length === 1) return { rows: 1, cols: shape[0] };
  return { rows: shape[0], cols: shape.slice(1).reduce((a, b) => a * b, 1) };
}

/** Builds a tensor, checking that `data.length === rows * cols` and that it is not empty. */
export function createTensor(rows: number, cols: number, data: Float32Array): Tensor2D {
  if (!Number.isInteger(rows) || rows < 1)
    throw new EngineError('rows', `rows must be a positive integer (got ${rows})`);
  if (!Number.isInteger(cols) || cols < 1)
    throw new EngineError('cols', `cols must be a positive integer (got ${cols})`);
  if (data.length !== rows * cols) {
    throw new EngineError(
      'data',
      `data has ${data.length} values but the shape ${rows} x ${cols} needs ${rows * cols}`,
    );
  }
  return { rows, cols, data };
}
