/**
 * A quantized tensor kept in a compact form between forward passes, so a GPT-2 model is quantized once per model
 * and not on every greedy decoding step: one byte per value (the engine's code, offset to 0..255) and, per group,
 * what turns a code into its value, taken from the engine's own output:
 *  - 'affine' (integer schemes): the engine's scale Δ and zero point z per group, and its `dequantizeCode`
 *    (x̂ = (q − z)·Δ in float32), exactly what the fused pass writes;
 *  - 'table' (the other formats: float elements, block formats, k-means, binary, ternary): per group, the value
 *    the engine wrote for each code, read off its dequantized output (a format whose value depends only on the
 *    code within its group, as `valueOfCode` promises; checked, not assumed).
 * Built only when the reconstruction is bit-identical to the engine's `dequantized` (checked value by value at
 * build time; +0 and −0 count as the same weight, see `sameWeight`) and when it is small enough (`maxBytes`);
 * otherwise `compactOf` says why not, and the caller keeps its earlier plan for that tensor. Pure; no DOM.
 */
import { groupCount } from '../groups';
import { dequantizeCode } from '../integer';
import type { QuantResult } from '../quantView';
import type { Granularity, Scheme } from '../scheme';
import type { MatmulKernel } from '../wasm/matmulKernel';

/** A matrix [rows, cols] handed out a range of rows at a time (row-major float32). */
export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  /** Writes rows r0 … r1 − 1 into `out` (at least (r1 − r0)·cols values). */
  readRows(r0: number, r1: number, out: Float32Array): void;
}

export interface CompactTensor extends RowSource {
  readonly form: 'affine' | 'table';
  /** Bytes held: codes and per-group parameters or tables. */
  readonly bytes: number;
  /** Gives the codes back to the kernel's arena (the tensor is not read after this). */
  dispose(): void;
}

export type CompactRefusal =
  | { reason: 'code-span'; span: number }
  | { reason: 'too-large'; bytes: number; maxBytes: number }
  | { reason: 'mismatch'; index: number };

/** Codes of one tensor offset to 0..255: only formats with at most 256 distinct codes fit. */
export const MAX_SPAN = 256;

/**
 * The compact form of `result` (the engine's `quantize` of a rows × cols tensor with `scheme`), or why there is
 * none: codes spanning more than 256 values (16-bit integers, FP16 / BF16 casts), a form larger than `maxBytes`
 * (e.g. a per-group table for groups of a few values), or a value the form would not reproduce bit for bit
 * (non-finite inputs, whose codes carry no value).
 */
export function compactOf(
  scheme: Scheme,
  result: QuantResult,
  rows: number,
  cols: number,
  maxBytes: number,
  kernel?: MatmulKernel,
): CompactTensor | CompactRefusal {
  const n = rows * cols;
  const { codes } = result;
  let lo = 32767;
  let hi = -32768;
  const range = n > 0 ? (kernel?.codeRange(codes, n) ?? null) : null;
  if (range) [lo, hi] = range;
  else {
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c < lo) lo = c;
      if (c > hi) hi = c;
    }
  }
  const span = n === 0 ? 1 : hi - lo + 1;
  if (span > MAX_SPAN) return { reason: 'code-span', span };
  const groups = groupCount(result.granularity, rows, cols);
  const paramBytes = scheme.kind === 'integer' ? groups * 12 : groups * span * 4;
  const bytes = n + paramBytes;
  if (bytes > maxBytes) return { reason: 'too-large', bytes, maxBytes };
  // In the kernel's arena where it has room: the kernel then dequantizes a block's rows itself (readRows).
  const packed = kernel?.allocateBytes(n) ?? new Uint8Array(n);
  if (!kernel?.packCodes(codes, n, lo, packed)) for (let i = 0; i < n; i++) packed[i] = codes[i] - lo;
  const shape = {
    rows,
    cols,
    granularity: result.granularity,
    codes: packed,
    base: lo,
    kernel: kernel ?? null,
  };
  const compact =
    scheme.kind === 'integer'
      ? affineTensor(shape, result.scale.slice(0, groups), result.zeroPoint.slice(0, groups), bytes)
      : tableTensor(shape, result.dequantized, span, groups, bytes);
  if (!compact) {
    kernel?.free(packed);
    return { reason: 'mismatch', index: -1 };
  }
  const index = firstMismatch(compact, result.dequantized, kernel);
  if (index >= 0) compact.dispose();
  return index < 0 ? compact : { reason: 'mismatch', index };
}

export function isCompact(x: CompactTensor | CompactRefusal): x is CompactTensor {
  return 'readRows' in x;
}

export interface PackedShape {
  rows: number;
  cols: number;
  granularity: Granularity;
  /** code − base, one byte per value, row-major. */
  codes: Uint8Array;
  base: number;
  /** The kernel whose memory may hold `codes` (and the rows read): its dequantizing loops run there. */
  kernel: MatmulKernel | null;
}

/** Runs shorter than this are dequantized in TypeScript (a kernel call costs about what a few values do). */
const KERNEL_RUN = 16;

/**
 * Visits row r's runs of one group: [c0, c1) in group g. Groups are numbered as the engine numbers them
 * (groups.ts: row-major, group j of row r is r·⌈cols/size⌉ + j).
 */
function forEachRun(
  granularity: Granularity,
  cols: number,
  r: number,
  visit: (c0: number, c1: number, g: number) => void,
): void {
  switch (granularity.kind) {
    case 'tensor':
      visit(0, cols, 0);
      return;
    case 'row':
      visit(0, cols, r);
      return;
    case 'column':
      for (let c = 0; c < cols; c++) visit(c, c + 1, c);
      return;
    case 'group': {
      const size = granularity.size;
      const perRow = Math.ceil(cols / size);
      for (let j = 0; j < perRow; j++) visit(j * size, Math.min(cols, (j + 1) * size), r * perRow + j);
    }
  }
}

/** Integer schemes: x̂ = dequantizeCode(q, Δ_g, z_g), through a per-run table where a run is long. */
export function affineTensor(
  p: PackedShape,
  scale: Float32Array,
  zero: Float64Array,
  bytes: number,
): CompactTensor {
  const { rows, cols, granularity, codes, base, kernel } = p;
  const span = MAX_SPAN;
  const table = new Float32Array(span);
  let tableGroup = -1;
  return {
    form: 'affine',
    rows,
    cols,
    bytes,
    dispose: () => kernel?.free(codes),
    readRows(r0, r1, out) {
      for (let r = r0; r < r1; r++) {
        const src = r * cols;
        const dst = (r - r0) * cols;
        forEachRun(granularity, cols, r, (c0, c1, g) => {
          const d = scale[g];
          const z = zero[g];
          if (
            c1 - c0 >= KERNEL_RUN &&
            kernel?.dequantAffine(codes, src + c0, c1 - c0, base - z, d, out, dst + c0)
          ) {
            return;
          }
          if (c1 - c0 >= span) {
            if (tableGroup !== g) {
              for (let k = 0; k < span; k++) table[k] = dequantizeCode(k + base, d, z);
              tableGroup = g;
            }
            for (let c = c0; c < c1; c++) out[dst + c] = table[codes[src + c]];
          } else {
            for (let c = c0; c < c1; c++) out[dst + c] = dequantizeCode(codes[src + c] + base, d, z);
          }
        });
      }
    },
  };
}

/** Other formats: per group, the engine's value of each code (null if a code has two values in one group). */
function tableTensor(
  p: PackedShape,
  dequantized: Float32Array,
  span: number,
  groups: number,
  bytes: number,
): CompactTensor | null {
  const { rows, cols, granularity, codes, kernel } = p;
  const table = new Float32Array(groups * span);
  const seen = new Uint8Array(groups * span);
  const bits = new Uint32Array(table.buffer);
  const deqBits = new Uint32Array(dequantized.buffer, dequantized.byteOffset, rows * cols);
  let consistent = true;
  for (let r = 0; r < rows && consistent; r++) {
    forEachRun(granularity, cols, r, (c0, c1, g) => {
      for (let c = c0; c < c1; c++) {
        const i = r * cols + c;
        const k = g * span + codes[i];
        if (seen[k] === 0) {
          seen[k] = 1;
          bits[k] = deqBits[i];
        } else if (!sameWeight(bits[k], deqBits[i])) consistent = false;
      }
    });
  }
  if (!consistent) return null;
  return {
    form: 'table',
    rows,
    cols,
    bytes,
    dispose: () => kernel?.free(codes),
    readRows(r0, r1, out) {
      for (let r = r0; r < r1; r++) {
        const src = r * cols;
        const dst = (r - r0) * cols;
        forEachRun(granularity, cols, r, (c0, c1, g) => {
          const o = g * span;
          const n = c1 - c0;
          if (
            n >= 4 * KERNEL_RUN &&
            kernel?.dequantTable(codes, src + c0, n, table.subarray(o, o + span), out, dst + c0)
          ) {
            return;
          }
          for (let c = c0; c < c1; c++) out[dst + c] = table[o + codes[src + c]];
        });
      }
    },
  };
}

/** Index of the first value whose bits differ from the engine's output, or −1. */
function firstMismatch(compact: RowSource, dequantized: Float32Array, kernel?: MatmulKernel): number {
  const { cols } = compact;
  const chunkRows = Math.max(1, Math.floor(65536 / Math.max(1, cols)));
  const buffer = kernel?.allocate(chunkRows * cols) ?? new Float32Array(chunkRows * cols);
  try {
    return mismatchIn(compact, dequantized, buffer, chunkRows);
  } finally {
    kernel?.free(buffer);
  }
}

function mismatchIn(
  compact: RowSource,
  dequantized: Float32Array,
  buffer: Float32Array,
  chunkRows: number,
): number {
  const { rows, cols } = compact;
  const got = new Uint32Array(buffer.buffer, buffer.byteOffset, buffer.length);
  const want = new Uint32Array(dequantized.buffer, dequantized.byteOffset, rows * cols);
  for (let r0 = 0; r0 < rows; r0 += chunkRows) {
    const r1 = Math.min(rows, r0 + chunkRows);
    compact.readRows(r0, r1, buffer);
    const n = (r1 - r0) * cols;
    const o = r0 * cols;
    for (let i = 0; i < n; i++) if (!sameWeight(got[i], want[o + i])) return o + i;
  }
  return -1;
}

/**
 * Equal float32 bit patterns, or +0 and −0. The engine's code of a small negative value rounded half away from
 * zero to 0 is −0 (its value −0) but is stored as the integer 0 (value +0): the code alone cannot tell. The
 * forward pass cannot tell either: a weight only ever enters a product added to a sum that starts at +0, or
 * (the embeddings) a sum that the first residual add makes +0 whichever sign it had, and in IEEE 754 x + (±0) = x
 * for x ≠ 0 and +0 + (−0) = +0 (tests/core/gpt2/comparison.test.ts checks the logits bit for bit).
 */
export function sameWeight(a: number, b: number): boolean {
  return a === b || ((a | b) & 0x7fffffff) === 0;
}
