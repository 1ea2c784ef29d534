/**
 * Row sampling for tensors too large to analyse whole. A tensor is viewed as rows × cols (first dimension
 * as rows, the rest flattened: `shapeAs2D` in src/core/tensor.ts). Above `maxValues` values the loaders keep
 * evenly spaced whole rows, deterministically, and read only those rows' bytes.
 */
import { formatCount, ParseError, type ParseFormat } from './parseError';

/** Default cap on values loaded for analysis: 64 Mi float32 values = 256 MiB. */
export const MAX_VALUES = 64 * 1024 * 1024;

/**
 * The most a compressed (.npz deflated) array may declare: reading even a sample of its rows inflates the whole
 * stream (in bounded steps, see inflateStream.ts), so this bounds the time a small archive can take, the way
 * MAX_VALUES bounds the memory every source may fill.
 */
export const MAX_INFLATE_BYTES = 4 * 1024 * 1024 * 1024;

/** Which rows of a tensor are loaded. */
export interface RowPlan {
  totalRows: number;
  cols: number;
  /** Rows loaded (= totalRows unless sampled). */
  keptRows: number;
  /** null when every row is loaded. */
  sampled: null | { keptRows: number; totalRows: number };
}

/**
 * The i-th kept row of a sample of `keptRows` out of `totalRows`: floor(i · totalRows / keptRows).
 * Strictly increasing in i, starts at row 0, and spreads the sample evenly over the tensor.
 */
export function sampledRow(i: number, keptRows: number, totalRows: number): number {
  if (keptRows === totalRows) return i;
  const product = i * totalRows;
  if (Number.isSafeInteger(product)) return Math.floor(product / keptRows);
  return Number((BigInt(i) * BigInt(totalRows)) / BigInt(keptRows));
}

/**
 * Index i of row r in the sample, or −1 if r is not kept. Inverse of `sampledRow`: the only candidate is
 * i = ceil(r · keptRows / totalRows).
 */
export function keptIndexOfRow(r: number, keptRows: number, totalRows: number): number {
  if (keptRows === totalRows) return r;
  let i: number;
  const product = r * keptRows;
  if (Number.isSafeInteger(product)) i = Math.ceil(product / totalRows);
  else {
    const p = BigInt(r) * BigInt(keptRows);
    const t = BigInt(totalRows);
    i = Number((p + t - 1n) / t);
  }
  return i < keptRows && sampledRow(i, keptRows, totalRows) === r ? i : -1;
}

/**
 * Decides how many rows to load so that keptRows × cols ≤ maxValues.
 * Throws ParseError (`too-large`) when even one row is over the limit.
 */
export function planRows(
  totalRows: number,
  cols: number,
  maxValues: number,
  context: { format: ParseFormat; fileName: string; tensorName: string },
): RowPlan {
  if (totalRows * cols <= maxValues) return { totalRows, cols, keptRows: totalRows, sampled: null };
  if (cols > maxValues) {
    throw new ParseError({
      format: context.format,
      code: 'too-large',
      fileName: context.fileName,
      message: `tensor "${context.tensorName}" has rows of ${formatCount(cols)} values, more than the limit of ${formatCount(maxValues)} values even for a single row`,
      hint: 'Pick a smaller tensor, or export a slice of this one.',
    });
  }
  const keptRows = Math.max(1, Math.floor(maxValues / cols));
  return { totalRows, cols, keptRows, sampled: { keptRows, totalRows } };
}
