/**
 * Shared machinery of the GGUF (llama.cpp / ggml) quantizers: FP16 round trip as `GGML_FP32_TO_FP16`,
 * `nearest_int`, and the row driver that runs a `quantize_row_*_ref` block function along each row.
 * Source: `ggml-org/llama.cpp` `ggml/src/ggml-quants.c` (identical in `ggml-org/ggml` `src/ggml-quants.c`).
 * Pure ES2022.
 *
 * Arithmetic: C evaluates these float expressions in float32, one rounding per operation (FLT_EVAL_METHOD 0 on
 * x86-64 / arm64), which `Math.fround` after each step reproduces. A build that contracts a*b + c into FMA
 * (GCC's default -ffp-contract=fast with -march=native) can differ in the last bit; this follows a non-FMA build.
 */
import type { Tensor2D } from '../tensor';
import type { FloatKernel } from '../wasm/fusedKernel';
import type { KRowsOutput } from '../wasm/kquantKernel';
import { encodeFloat, encoderConstants, roundToFormat, valueTable } from './floatFormat';
import {
  createGroupParams,
  type DeqRange,
  type FormatBuffers,
  type FormatOutput,
  type GroupParams,
  sortedDistinct,
} from './formatOutput';

const f = Math.fround;

/**
 * `GGML_FP16_TO_FP32(GGML_FP32_TO_FP16(x))`: x rounded to FP16 (round half even, overflow to Inf, as
 * `ggml_compute_fp32_to_fp16` and F16C `_cvtss_sh` do) and back.
 */
export function roundToFp16(x: number): number {
  return roundToFormat('fp16', x, false);
}

/** FP16 bit pattern of x (for tests and display). */
export function fp16Bits(x: number): number {
  return encodeFloat('fp16', x, false);
}

const MAGIC = 12582912; // 1.5 * 2^23
const nearestScratch = new Float32Array(1);
const nearestBits = new Int32Array(nearestScratch.buffer);

/**
 * ggml `nearest_int(fval)`: adds 1.5 * 2^23 in float32 (round half to even) and reads the low mantissa bits.
 * Exact RNE for |fval| <= 4194303 (the reference asserts this); beyond that the same bit arithmetic is replayed.
 */
export function nearestInt(fval: number): number {
  const val = f(fval + MAGIC);
  if (Math.abs(fval) <= 4194303) return val - MAGIC;
  nearestScratch[0] = val;
  return (nearestBits[0] & 0x007fffff) - 0x00400000;
}

/** One GGUF type: block layout, code range and storage. */
export interface GgmlLayout {
  /** Values per block (32, or 256 for k-quant super-blocks). */
  blockSize: number;
  /** Values per sub-block with its own effective scale (= blockSize for the legacy types). */
  subSize: number;
  /** Code range the quantizer produces. */
  qmin: number;
  qmax: number;
  /** Bits of the element codes (levelsTotal = 2^elementBits). */
  elementBits: number;
  /** Bytes of one block, from `ggml-common.h` (`sizeof(block_q4_0)` = 18). */
  blockBytes: number;
  storage: string;
}

/**
 * A block quantizer: reads x (blockSize values, zero-padded), writes the codes L and, per sub-block s, the
 * dequantization x_hat = fround(fround(A[s] * (q - Z[s])) + B[s]) that the reference `dequantize_row_*` applies.
 */
export type GgmlBlockQuantizer = (
  x: Float32Array,
  L: Int32Array,
  A: Float32Array,
  Z: Int32Array,
  B: Float32Array,
) => void;

/** A legacy type as the WebAssembly kernel's `ggmlLegacyRow` knows it: its number and its fixed zero point. */
export interface GgmlKernelType {
  type: number;
  zeroPoint: number;
}

/**
 * A whole-tensor kernel for a type with several sub-blocks per block (ggmlK.ts: Q4_K / Q6_K on the k-quant
 * WebAssembly kernel): it writes the codes and dequantized values, and per group (numbered as below) A and B
 * with the fixed zero point, and returns the number of threads it ran on; 0 when it cannot run (then the block
 * quantizer runs in JS).
 */
export interface GgmlRowsKernel {
  zeroPoint: number;
  /** `kernel`: the fused kernel over the same tensor and buffers, where it runs (the search then needs no copies). */
  run(t: Tensor2D, out: KRowsOutput, kernel: FloatKernel | undefined): number;
}

/** Group g's grid ends (lo, hi) as the reference's dequantization gives them, from its A, z and B. */
function setGridEnds(
  params: GroupParams,
  g: number,
  a: number,
  z: number,
  off: number,
  qmin: number,
  qmax: number,
): void {
  const first = ggmlDequant(a, z, off, qmin);
  const last = ggmlDequant(a, z, off, qmax);
  params.lo[g] = Math.min(first, last);
  params.hi[g] = Math.max(first, last);
}

/** The dequantized value of code q with sub-block parameters (A, z, B), as `dequantize_row_*` computes it. */
export function ggmlDequant(a: number, z: number, b: number, q: number): number {
  // Skipping "+ 0" keeps the sign of a zero product, as the reference's plain `x0*d` does.
  return b === 0 ? f(a * (q - z)) : f(f(a * (q - z)) + b);
}

/**
 * Runs a block quantizer along each row. A short last block of a row is zero-padded (llama.cpp needs rows that
 * are multiples of the block; this is what quantizing the zero-padded row would give, padding discarded), and a
 * non-finite input counts as 0 for its block and dequantizes to NaN (code -1). Groups are the sub-blocks:
 * group j of row r is r * ceil(cols / subSize) + j, with scale A, zero point Z, and [lo, hi] the grid's ends.
 */
export function quantizeGgmlRows(
  t: Tensor2D,
  layout: GgmlLayout,
  quantizeBlock: GgmlBlockQuantizer,
  out: FormatBuffers,
  onKernel?: GgmlKernelType,
  rowsKernel?: GgmlRowsKernel,
): FormatOutput {
  const { rows, cols, data } = t;
  const { blockSize, subSize, qmin, qmax } = layout;
  const subPerBlock = blockSize / subSize;
  const groupsPerRow = Math.ceil(cols / subSize);
  const blocksPerRow = Math.ceil(cols / blockSize);
  const groups = rows * groupsPerRow;
  const params = createGroupParams(groups);
  const offset = new Float32Array(groups);
  const { codes, dequantized } = out;
  const x = new Float32Array(blockSize);
  const L = new Int32Array(blockSize);
  const A = new Float32Array(subPerBlock);
  const Z = new Int32Array(subPerBlock);
  const B = new Float32Array(subPerBlock);

  /** Group g's parameters, and its grid's ends as the reference's dequantization gives them. */
  const setGroup = (g: number, a: number, z: number, off: number) => {
    params.scale[g] = a;
    params.zeroPoint[g] = z;
    offset[g] = off;
    setGridEnds(params, g, a, z, off, qmin, qmax);
  };

  // On a WebAssembly kernel where one is given, the same codes, values and group parameters A and B (written
  // straight into the scales and offsets): the legacy types (one sub-block per block) a row per call, the k-quants
  // on their own kernel, the whole tensor at once.
  const kernelA = params.scale;
  const kernelB = offset;
  let zeroPointOnKernel: number | null = null;
  let threads = 1;
  let range: DeqRange | undefined;
  const kernel = onKernel !== undefined && subPerBlock === 1 ? out.kernel : undefined;
  if (kernel && onKernel) {
    kernel.selectFormat(encoderConstants('fp16'), valueTable('fp16'), false);
    for (let r = 0; r < rows; r++)
      kernel.ggmlLegacyRow(onKernel.type, r * cols, cols, kernelA, kernelB, r * groupsPerRow);
    zeroPointOnKernel = onKernel.zeroPoint;
  } else if (rowsKernel) {
    const rowsOut: KRowsOutput = { codes, dequantized, A: kernelA, B: kernelB };
    threads = rowsKernel.run(t, rowsOut, out.kernel);
    range = rowsOut.range;
    if (threads > 0) zeroPointOnKernel = rowsKernel.zeroPoint;
    else threads = 1;
  }
  if (zeroPointOnKernel !== null) {
    params.zeroPoint.fill(zeroPointOnKernel);
    for (let g = 0; g < groups; g++)
      setGridEnds(params, g, params.scale[g], zeroPointOnKernel, offset[g], qmin, qmax);
  }
  const rowsByKernel = zeroPointOnKernel !== null ? rows : 0;
  for (let r = rowsByKernel; r < rows; r++) {
    for (let b = 0; b < blocksPerRow; b++) {
      const c0 = b * blockSize;
      const length = Math.min(blockSize, cols - c0);
      const base = r * cols + c0;
      for (let k = 0; k < blockSize; k++) {
        const v = k < length ? data[base + k] : 0;
        x[k] = v - v === 0 ? v : 0;
      }
      quantizeBlock(x, L, A, Z, B);
      for (let s = 0; s < subPerBlock; s++) {
        const s0 = s * subSize;
        if (s0 >= length) break;
        const a = A[s];
        const z = Z[s];
        const off = B[s];
        setGroup(r * groupsPerRow + b * subPerBlock + s, a, z, off);
        const end = Math.min(length, s0 + subSize);
        for (let k = s0; k < end; k++) {
          const v = data[base + k];
          if (v - v !== 0) {
            codes[base + k] = -1;
            dequantized[base + k] = Number.NaN;
          } else {
            codes[base + k] = L[k];
            dequantized[base + k] = ggmlDequant(a, z, off, L[k]);
          }
        }
      }
    }
  }

  return {
    granularity: { kind: 'group', size: subSize },
    ...params,
    levelsOf: (group: number) => {
      const levels: number[] = [];
      for (let q = qmin; q <= qmax; q++) {
        levels.push(ggmlDequant(params.scale[group], params.zeroPoint[group], offset[group], q));
      }
      return sortedDistinct(levels);
    },
    bitsPerWeight: (8 * layout.blockBytes * blocksPerRow) / cols,
    storage: layout.storage,
    levelsTotal: 2 ** layout.elementBits,
    // codes qmin..qmax, each one value per sub-block (A * (q - z) + B); Q8_0's are signed
    ...(qmin >= 0 ? { codeRange: qmax + 1 } : {}),
    ...(threads > 1 ? { threads } : {}),
    ...(range ? { range } : {}),
  };
}
