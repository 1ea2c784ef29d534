/**
 * The result shape every format quantizer returns (`FormatOutput`) and small helpers to build it:
 * per-group parameter arrays, block iteration along rows, and grid levels. Pure ES2022.
 */

import type { Granularity } from '../scheme';
import type { FloatKernel } from '../wasm/fusedKernel';
import type { SortedGroups } from './radixSort';

export interface FormatOutput {
  /**
   * How groups map onto the matrix, numbered like the integer engine: tensor -> 1 group; row -> rows;
   * column -> cols; {group, size} -> rows * ceil(cols / size), group j of row r is r * ceil(cols / size) + j.
   */
  granularity: Granularity;
  /** Per group: the block scale or step (see each format's notes for what exactly), as stored / used. */
  scale: Float32Array;
  /** Per group: integer zero point, 0 where the format has none or its offset is not an integer number of steps. */
  zeroPoint: Int32Array;
  /** Per group: smallest / largest representable dequantized value; inputs outside [lo, hi] were clipped. */
  lo: Float32Array;
  hi: Float32Array;
  /**
   * Ascending distinct dequantized grid points of group g (float formats: the uneven float grid times the scale),
   * in a new array on every call: a view's levels are transferred to the page, and a kept quantization
   * (formatMemo.ts) is asked again.
   */
  levelsOf(group: number): Float32Array;
  /**
   * The dequantized value of the code with 16-bit pattern `pattern` in `group`, for formats where every value is
   * a function of its code within its group (float element formats). A single-group tensor then bins its
   * dequantized histogram from the code counts instead of value by value. Absent: not known per code.
   */
  valueOfCode?(group: number, pattern: number): number;
  /** Element bits plus every scale / zero-point / codebook bit stored for this tensor, divided by rows * cols. */
  bitsPerWeight: number;
  /** Plain words: "E2M1 elements + E8M0 scale per 32". */
  storage: string;
  /** How many distinct codes the element format has (2^element bits; 2 binary, 3 ternary). */
  levelsTotal: number;
  /**
   * Set when every code lies in [0, codeRange) and, within a group, every value of one code is the same (up to the
   * sign of a zero): the measuring pass may then bin a group's values from its code counts. Absent: neither is
   * promised (signed codes such as MXINT8's and Q8_0's).
   */
  codeRange?: number;
  /** Threads the quantizer ran on, where more than one (a Q4_K / Q6_K search split over helper threads). */
  threads?: number;
  /**
   * The dequantized values' range and the largest |x_hat - x| over the finite inputs, where the quantizer measured
   * them on the way (a split Q4_K / Q6_K search: each thread its rows); else the measuring pass scans for them.
   */
  range?: DeqRange;
}

/** formatBridge.ts's range scan: smallest and largest x_hat (the first of equal values), largest |x_hat - x|. */
export interface DeqRange {
  deqMin: number;
  deqMax: number;
  maxErr: number;
}

/** Output buffers of one quantization: codes (bit pattern / index; -1 for a non-finite input) and dequantized values. */
export interface FormatBuffers {
  codes: Int16Array;
  dequantized: Float32Array;
  /**
   * The WebAssembly float element encoder over the same tensor and buffers (only when every value is finite):
   * float and MX formats encode with it, the same bits as their JS loops.
   */
  kernel?: FloatKernel;
  /**
   * The tensor's groups (whole tensor, or each row) with their finite values sorted, from the tensor's cache,
   * built on first use. The k-means codebook uses it instead of sorting on every call; absent: it sorts itself.
   */
  sortedGroups?: (granularity: 'tensor' | 'row') => SortedGroups;
}

/** Per-group parameter arrays, zero-filled. */
export interface GroupParams {
  scale: Float32Array;
  zeroPoint: Int32Array;
  lo: Float32Array;
  hi: Float32Array;
}

export function createGroupParams(groups: number): GroupParams {
  return {
    scale: new Float32Array(groups),
    zeroPoint: new Int32Array(groups),
    lo: new Float32Array(groups),
    hi: new Float32Array(groups),
  };
}

/** Sorts ascending and drops duplicates (+0 and -0 are one value); NaN entries are dropped. */
export function sortedDistinct(values: ArrayLike<number>): Float32Array {
  const sorted = Float32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (Number.isNaN(v)) continue;
    if (n === 0 || v !== sorted[n - 1]) sorted[n++] = v;
  }
  return sorted.slice(0, n);
}

/** Every element value times `scale`, rounded to float32 as the dequantizer does, ascending and distinct. */
export function scaledLevels(elementValues: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(elementValues.length);
  // Ascending values times a positive scale stay ascending after rounding (fround is monotone), so one pass that
  // drops repeats replaces the sort: FP16's 63,487 levels took ~3 ms per recompute through sortedDistinct.
  let n = 0;
  let ascending = scale > 0 && scale < Number.POSITIVE_INFINITY;
  for (let i = 0; i < elementValues.length && ascending; i++) {
    const v = Math.fround(elementValues[i] * scale);
    if (n > 0 && !(v >= out[n - 1])) ascending = false;
    else if (n === 0 || v !== out[n - 1]) out[n++] = v;
  }
  if (ascending) return out.slice(0, n);
  for (let i = 0; i < elementValues.length; i++) out[i] = Math.fround(elementValues[i] * scale);
  return sortedDistinct(out);
}

/**
 * Visits the blocks of `blockSize` consecutive values along each row, row-major, the last block of a row being
 * shorter when cols is not a multiple of blockSize. `visit(group, start, length)` gets the flat start index.
 */
export function forEachRowBlock(
  rows: number,
  cols: number,
  blockSize: number,
  visit: (group: number, start: number, length: number) => void,
): void {
  const perRow = Math.ceil(cols / blockSize);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < perRow; j++) {
      const c0 = j * blockSize;
      visit(r * perRow + j, r * cols + c0, Math.min(blockSize, cols - c0));
    }
  }
}

/** Number of blocks of `blockSize` along rows: rows * ceil(cols / blockSize). */
export function rowBlockCount(rows: number, cols: number, blockSize: number): number {
  return rows * Math.ceil(cols / blockSize);
}

/** Largest |x| over the finite values of data[start, start + length); 0 when there are none. */
export function finiteAbsMax(data: Float32Array, start: number, length: number): number {
  let amax = 0;
  for (let i = start; i < start + length; i++) {
    const a = Math.abs(data[i]);
    if (a > amax && a !== Number.POSITIVE_INFINITY) amax = a;
  }
  return amax;
}
