/**
 * Loads the WebAssembly SIMD kernel of the fused integer pass and the formats' rows (src/kernels/fusedKernel.as.ts,
 * its functions by format family in src/kernels/fused/, compiled into fusedKernel.wasm.ts) and lays out one tensor's buffers in its memory: the input values, the codes and
 * dequantized values (which the TensorCache exposes as typed-array views, so every other reader sees them),
 * and the small scratch arrays the kernel counts into.
 *
 * The memory is sized once per tensor and never grows (growing would detach the views). Where WebAssembly or
 * its SIMD instructions are missing, or the memory cannot be had, `createKernelBuffers` returns null and the
 * engine runs the JS pass, which gives the same results.
 */
import type { EncoderConstants } from '../formats/floatFormat';
import type { DeqRange } from '../formats/formatOutput';
import { FUSED_KERNEL_BASE64, FUSED_KERNEL_SHARED_BASE64 } from './fusedKernel.wasm';
import {
  HIST_STRIDE,
  MAX_HEAT_COLS,
  MAX_HELPER_SCRATCH,
  MAX_LEVELS,
  MINMAX_GROUPS,
  PAGE,
  RANKED_MAX,
  type ScratchPointers,
  SHARED_MIN_VALUES,
  takeScratch,
} from './kernelLayout';
import { type KquantType, kquantOnMemory, quantizeRowsAt } from './kquantKernel';
import {
  compileBase64Module,
  instantiateOn,
  sharedInstances,
  sharedMemoryAvailable,
  type WasmMemory,
  wasmApi,
} from './wasmModule';

/**
 * One span of a row through the kernel (quantize or measure): values at x / codes / deq, n of them, the heatmap
 * cell sums starting at `heat` (the first cell ends after `untilCell` values); returns the span's Σ error².
 */
type SpanFunction = (
  x: number,
  codes: number,
  deq: number,
  n: number,
  heat: number,
  untilCell: number,
  colsPerCell: number,
) => number;

/** The kernel's exports (pointers are byte offsets into its memory). */
export interface KernelExports {
  setLayout(
    counts: number,
    countStride: number,
    errHist: number,
    errStride: number,
    errBins: number,
    errLo: number,
    errHi: number,
    acc: number,
  ): void;
  setDeqBinning(
    mode: number,
    edges: number,
    edges32: number,
    hist: number,
    bins: number,
    scale: number,
    totals: number,
    seenOnly: boolean,
    recorded: number,
  ): void;
  groupMinMax(x: number, rows: number, cols: number, size: number, outMin: number, outMax: number): void;
  setSpan(d: number, z: number, qmin: number, qmax: number, lo: number, hi: number, rounding: number): void;
  measureSpan: SpanFunction;
  rangeScan(x: number, deq: number, n: number, out: number): void;
  groupRow(
    quantizing: boolean,
    x: number,
    codes: number,
    deq: number,
    cols: number,
    size: number,
    groups: number,
    params: number,
    heatRow: number,
    colsPerCell: number,
    sums: number,
  ): void;
  setFloatFormat(
    shift: number,
    roundAdd: number,
    normalMinBits: number,
    invSubA: number,
    invSubB: number,
    signBit: number,
    maxPattern: number,
    overflowPattern: number,
    table: number,
  ): void;
  encodeFloat(x: number, codes: number, deq: number, n: number, scale: number): void;
  absMax(x: number, n: number): number;
  setCodebook(values: number, bounds: number, cells: number): void;
  nvfp4Row(x: number, codes: number, deq: number, cols: number, s2: number, outScale: number): void;
  nf4CodesRow(x: number, codes: number, cols: number, floor: number, outAbsmax: number): void;
  codesByRank(rank: number, codeOfRank: number, values: number, codes: number, deq: number, n: number): void;
  floatRow(
    x: number,
    codes: number,
    deq: number,
    cols: number,
    block: number,
    maxFinite: number,
    outScale: number,
  ): void;
  decodeRow(codes: number, deq: number, cols: number, block: number, scales: number): void;
  mxRow(
    x: number,
    codes: number,
    deq: number,
    cols: number,
    emax: number,
    roundUp: boolean,
    maxElem: number,
    maxElemLog2: number,
    int8: boolean,
    outScale: number,
  ): void;
  signRow(x: number, codes: number, deq: number, n: number, ternary: boolean): number;
  ggmlLegacyRow(
    type: number,
    x: number,
    codes: number,
    deq: number,
    cols: number,
    outA: number,
    outB: number,
  ): void;
  quantizeSpan: SpanFunction;
}

/** One tensor's kernel instance and the layout of its memory. */
export interface KernelBuffers {
  readonly kernel: KernelExports;
  /** The memory itself (the k-quant kernel is instantiated on it too: `kquantRows`). */
  readonly memory: WasmMemory;
  readonly x: Float32Array;
  /** The selected output (`selectOutput`): where the kernels write codes and dequantized values, and read them. */
  codes: Int16Array;
  dequantized: Float32Array;
  /** Every output region of this memory (one, or one per scheme kept: formatMemo.ts), with its byte offsets. */
  readonly outputs: ReadonlyArray<KernelOutput>;
  /** Four sub-arrays of code counts, `levels` apart (lane k of every vector counts into sub-array k). */
  readonly counts: Uint32Array;
  /** Four sub-arrays of HIST_STRIDE error-bin counts; slot `bins` of each counts errors outside the edges. */
  readonly errHist: Uint32Array;
  /** The dequantized histogram's edges, and four sub-arrays of HIST_STRIDE counts (slot `bins`: outside). */
  readonly deqEdges: Float64Array;
  /** The same edges as float32 (exact: they are float32 values). */
  readonly deqEdges32: Float32Array;
  readonly deqHist: Uint32Array;
  /** The tensor's code counts (index q - qmin) when groups are flushed in the kernel. */
  readonly totals: Uint32Array;
  /** Per-group minima and maxima of a batch of rows (MINMAX_GROUPS each). */
  readonly groupMin: Float32Array;
  readonly groupMax: Float32Array;
  /** The value table of the float element format being encoded (up to 2^16 patterns). */
  readonly table: Float32Array;
  /** One row's group parameters for `groupRow`: step, zero point, lo, hi (MINMAX_GROUPS each at most). */
  readonly groupParams: Float32Array;
  /** `groupRow`'s [row Σ error², tensor Σ error²]. */
  readonly rowSums: Float64Array;
  /** Σ|error| of the heatmap cells of the current row of cells. */
  readonly heatRow: Float64Array;
  /** [Σ error, max error², clipped count]. */
  readonly acc: Float64Array;
  /**
   * Where the memory is shared (a large tensor, where threads exist): an id for helper threads, which instantiate
   * the kernel on the same memory (threads/measureJob.ts), and one set of scratch per helper; else null and [].
   */
  readonly sharedId: number | null;
  readonly helperScratch: ReadonlyArray<PassScratch>;
  /** Byte offsets: the tensor, the selected output, the value table, and this thread's scratch. */
  readonly ptr: ScratchPointers & { x: number; codes: number; deq: number; table: number };
}

/** One thread's scratch as views (KernelBuffers is one: the owning thread's). */
export type PassScratch = Pick<
  KernelBuffers,
  | 'counts'
  | 'errHist'
  | 'deqEdges'
  | 'deqEdges32'
  | 'deqHist'
  | 'totals'
  | 'groupParams'
  | 'rowSums'
  | 'heatRow'
  | 'acc'
> & { readonly ptr: ScratchPointers };

/** Views of a scratch set laid out by takeScratch. */
export function scratchViews(buffer: ArrayBufferLike, ptr: ScratchPointers): PassScratch {
  return {
    counts: new Uint32Array(buffer, ptr.counts, 4 * MAX_LEVELS),
    errHist: new Uint32Array(buffer, ptr.errHist, 4 * HIST_STRIDE),
    deqEdges: new Float64Array(buffer, ptr.deqEdges, HIST_STRIDE),
    deqEdges32: new Float32Array(buffer, ptr.deqEdges32, HIST_STRIDE),
    deqHist: new Uint32Array(buffer, ptr.deqHist, 4 * HIST_STRIDE),
    totals: new Uint32Array(buffer, ptr.totals, MAX_LEVELS),
    groupParams: new Float32Array(buffer, ptr.groupParams, 4 * MINMAX_GROUPS),
    rowSums: new Float64Array(buffer, ptr.rowSums, 2),
    heatRow: new Float64Array(buffer, ptr.heatRow, MAX_HEAT_COLS),
    acc: new Float64Array(buffer, ptr.acc, 4),
    ptr,
  };
}

/** One output region of a kernel memory: codes (int16) and dequantized values (float32), and their offsets. */
export interface KernelOutput {
  readonly codes: Int16Array;
  readonly dequantized: Float32Array;
  readonly codesAt: number;
  readonly deqAt: number;
}

/** Makes output `k` the one every kernel call writes and reads (`ptr.codes`, `ptr.deq`, `codes`, `dequantized`). */
export function selectOutput(buffers: KernelBuffers, k: number): void {
  const out = buffers.outputs[k];
  buffers.ptr.codes = out.codesAt;
  buffers.ptr.deq = out.deqAt;
  buffers.codes = out.codes;
  buffers.dequantized = out.dequantized;
}

const compiled: { plain?: object | null; shared?: object | null } = {};

/**
 * The compiled module, or null where WebAssembly SIMD is not available (compiled once per thread). `shared`: the
 * variant for a shared memory (null also where threads are missing).
 */
export function kernelModule(shared = false): object | null {
  if (!shared) {
    if (compiled.plain === undefined) compiled.plain = compileBase64Module(FUSED_KERNEL_BASE64);
    return compiled.plain;
  }
  if (compiled.shared === undefined)
    compiled.shared = sharedMemoryAvailable() ? compileBase64Module(FUSED_KERNEL_SHARED_BASE64) : null;
  return compiled.shared;
}

let nextSharedId = 1;

/** Whether this thread can run the kernel (WebAssembly with SIMD). */
export function kernelAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * Buffers for a tensor of `n` values, holding a copy of `values`, with `outputs` output regions (the first
 * selected), in a shared memory where `shared` (by default for large tensors) and threads exist; null when the kernel cannot run here or the memory cannot be allocated (the caller falls back to the
 * JS pass).
 */
export function createKernelBuffers(
  values: Float32Array,
  outputs = 1,
  shared = values.length >= SHARED_MIN_VALUES,
): KernelBuffers | null {
  // A large tensor's memory is shared where threads exist, so helpers can measure parts of it in place.
  if (shared) {
    const shared = kernelBuffersOn(values.length, values, outputs, true, values.length);
    if (shared) return shared;
  }
  return kernelBuffersOn(values.length, values, outputs, false, values.length);
}

/**
 * Buffers for a tensor of `n` values not read yet (its `x` zeroed, for a loader to decode into: the values are then
 * in the kernel's memory only, not also in a JS array) with one output region of `outputLength` values: `n` for
 * a whole tensor's codes and dequantized values, or one row's (the whole-model analysis of integer schemes, whose
 * pass writes each row's outputs over the last: tensorCache.ts `rowOutputs`). Never shared: helpers keep their
 * instances on the last two shared memories they were posted (wasmModule.ts `sharedInstances`), which held two old
 * tensors alive in the whole-model analysis (Q4_K + NF4 on the GPT-2 bench: ~1250 MiB above the process shared,
 * ~600 MiB not, in about the same time). Null where the kernel cannot run here or the memory cannot be had.
 */
export function emptyKernelBuffers(n: number, outputLength = n): KernelBuffers | null {
  return kernelBuffersOn(n, null, 1, false, outputLength);
}

function kernelBuffersOn(
  n: number,
  values: Float32Array | null,
  outputs: number,
  shared: boolean,
  outputLength: number,
): KernelBuffers | null {
  const module = kernelModule(shared);
  const wasm = wasmApi();
  if (!module || !wasm) return null;
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  let end = 0;
  const take = (bytes: number) => {
    const at = end;
    end += align(bytes);
    return at;
  };
  const xAt = take(4 * n);
  const regions: { deqAt: number; codesAt: number }[] = [];
  for (let k = 0; k < outputs; k++)
    regions.push({ deqAt: take(4 * outputLength), codesAt: take(2 * outputLength) });
  const own = takeScratch(take);
  const table = take(4 * MAX_LEVELS);
  const helpers = shared ? Array.from({ length: MAX_HELPER_SCRATCH }, () => takeScratch(take)) : [];
  const ptr = {
    ...own,
    x: xAt,
    deq: regions[0].deqAt,
    codes: regions[0].codesAt,
    table,
  };
  const pages = Math.ceil(end / PAGE);
  if (pages > 65536) return null;
  try {
    const memory = new wasm.Memory({ initial: pages, maximum: pages, ...(shared ? { shared } : {}) });
    const instance = new wasm.Instance(module, { env: { memory } });
    const buffer = memory.buffer;
    const x = new Float32Array(buffer, ptr.x, n);
    if (values) x.set(values);
    const outs = regions.map(({ deqAt, codesAt }) => ({
      codes: new Int16Array(buffer, codesAt, outputLength),
      dequantized: new Float32Array(buffer, deqAt, outputLength),
      codesAt,
      deqAt,
    }));
    const scratch = scratchViews(buffer, own);
    return {
      ...scratch,
      kernel: instance.exports as KernelExports,
      memory,
      x,
      codes: outs[0].codes,
      dequantized: outs[0].dequantized,
      outputs: outs,
      groupMin: new Float32Array(buffer, ptr.groupMin, MINMAX_GROUPS),
      groupMax: new Float32Array(buffer, ptr.groupMax, MINMAX_GROUPS),
      table: new Float32Array(buffer, ptr.table, MAX_LEVELS),
      sharedId: shared ? nextSharedId++ : null,
      helperScratch: helpers.map((at) => scratchViews(buffer, at)),
      ptr,
    };
  } catch {
    // RangeError: the memory could not be reserved (a very large tensor on a small machine).
    return null;
  }
}

/**
 * `rows` rows in batches whose outputs (`perRow` a row, written by the kernel into groupMin and groupMax) fit those
 * buffers: `run(r0, n)` runs rows [r0, r0 + n), whose outputs are then copied to outMin / outMax from r0 * perRow.
 * False (nothing run) when one row has more outputs than the buffers hold.
 */
export function inRowBatches(
  buffers: KernelBuffers,
  rows: number,
  perRow: number,
  run: (r0: number, n: number) => void,
  outMin: Float32Array,
  outMax: Float32Array,
): boolean {
  const batch = Math.floor(MINMAX_GROUPS / perRow);
  if (batch < 1) return false;
  for (let r0 = 0; r0 < rows; r0 += batch) {
    const n = Math.min(batch, rows - r0);
    run(r0, n);
    outMin.set(buffers.groupMin.subarray(0, n * perRow), r0 * perRow);
    outMax.set(buffers.groupMax.subarray(0, n * perRow), r0 * perRow);
  }
  return true;
}

/** The float element encoder of the kernel, for one tensor (formats/floatScheme.ts and formats/mx.ts use it). */
export interface FloatKernel {
  /** Largest |x| of x[start, start + length) (finite values: the caller checks). */
  absMax(start: number, length: number): number;
  /** Selects the element format: its encoder constants and value table. */
  selectFormat(k: EncoderConstants, table: Float32Array, saturate: boolean): void;
  /** codes / dequantized [start, end) = encode(fround(x / scale)), table[code] * scale. */
  encode(start: number, end: number, scale: number): void;
  /**
   * One row in blocks of `block`, each scaled by fround(absmax / maxFinite) (1 for zero) and encoded with the
   * selected format; the blocks' scales go to scales[at ..].
   */
  floatRow(
    start: number,
    cols: number,
    block: number,
    maxFinite: number,
    scales: Float32Array,
    at: number,
  ): void;
  /**
   * Selects a 16-entry codebook (NF4): its values, its thresholds (+Inf last) and its cell table (the code of
   * -1 + j / 1024 for j = 0 .. 2048).
   */
  selectCodebook(values: Float32Array, bounds: Float32Array, cells: Uint8Array): void;
  /**
   * One row of NF4 codes (blocks of 64, the NF4 codebook selected): per block, codes = bucketize(clamp(fround(x *
   * inv), -1, 1)) with inv = fround(1 / max(absmax, floor)); the blocks' absmax go to absmax[at ..].
   */
  nf4CodesRow(start: number, cols: number, floor: number, absmax: Float32Array, at: number): void;
  /**
   * k-means codes and values of a group of n <= 65,536 values at `start` from their ranks: code = codeOfRank[rank],
   * value = valueOfCode[code + 1] (valueOfCode[0] is NaN).
   */
  codesByRank(
    start: number,
    n: number,
    rank: Uint16Array,
    rankAt: number,
    codeOfRank: Int16Array,
    valueOfCode: Float32Array,
  ): void;
  /** One row of values: block b of `block` values = values[code] * scales[at + b]. */
  decodeRow(start: number, cols: number, block: number, scales: Float32Array, at: number): void;
  /**
   * One row (starting at value `start`, `cols` long) of a GGUF legacy type (0 Q8_0, 1 Q4_0, 2 Q5_0, 3 Q4_1,
   * 4 Q5_1; FP16 must be the selected format): codes and values; each block of 32's FP16 scale and offset go to
   * scale[at ..] and offset[at ..].
   */
  ggmlLegacyRow(
    type: number,
    start: number,
    cols: number,
    scale: Float32Array,
    offset: Float32Array,
    at: number,
  ): void;
  /**
   * One row of NVFP4 (blocks of 16; E4M3, saturating, must be the selected format) with the tensor scale s2:
   * codes and values; the blocks' scales S go to scales[at ..].
   */
  nvfp4Row(start: number, cols: number, s2: number, scales: Float32Array, at: number): void;
  /**
   * One row of an MX format (blocks of 32; for a float element the format, saturating, must be selected): codes
   * and values; the blocks' scales X go to scales[at ..].
   */
  mxRow(
    start: number,
    cols: number,
    element: { emax: number; maxElem: number; int8: boolean },
    roundUp: boolean,
    scales: Float32Array,
    at: number,
  ): void;
  /** One row of binary (XNOR-Net) or ternary (TWN) weights: codes and values; returns the row's alpha. */
  signRow(start: number, cols: number, ternary: boolean): number;
  /**
   * Q4_K or Q6_K (kquantKernel.ts, instantiated on this memory: no copies) over rows [firstRow, firstRow + rows)
   * of a `cols`-wide tensor: codes and values in place; the sub-blocks' A and B (`subSize` values each, row after
   * row) to A[0 ..] and B[0 ..]. False (nothing written) where the k-quant kernel cannot run on this memory or
   * one row has more sub-blocks than its buffers hold.
   */
  kquantRows(
    type: KquantType,
    firstRow: number,
    rows: number,
    cols: number,
    subSize: number,
    A: Float32Array,
    B: Float32Array,
  ): boolean;
  /** The memory as helper threads can use it in place (threads/kquantJob.ts), or null where it is not shared. */
  readonly shared: SharedTensor | null;
  /** formatBridge.ts's range scan over rows [firstRow, firstRow + rows) of the selected output. */
  rangeRows(firstRow: number, rows: number, cols: number): DeqRange;
}

/** The fused kernel on a shared memory a helper was posted (once per memory id), or null where it cannot run here. */
export const kernelOnShared = sharedInstances((memory) =>
  instantiateOn<KernelExports>(kernelModule(true), memory),
);

/** The range scan of `n` values at x / deq (byte offsets) on `kernel`, through the 3 float64 at `acc`. */
export function rangeOn(
  kernel: KernelExports,
  memory: WasmMemory,
  x: number,
  deq: number,
  n: number,
  acc: number,
): DeqRange {
  kernel.rangeScan(x, deq, n, acc);
  const out = new Float64Array(memory.buffer, acc, 3);
  return { deqMin: out[0], deqMax: out[1], maxErr: out[2] };
}

/**
 * A tensor in a shared kernel memory, as a helper thread works on it in place: the memory, its id (a helper keeps
 * its instances on it), where the tensor and the selected output start, and each helper's scratch.
 */
export interface SharedTensor {
  memory: WasmMemory;
  sharedId: number;
  x: number;
  codes: number;
  deq: number;
  helperScratch: ScratchPointers[];
}

/** The encoder on `buffers` (its copy of the tensor's values and its output views). */
export function floatKernelOf(buffers: KernelBuffers): FloatKernel {
  const { kernel, ptr } = buffers;
  /**
   * A row's blocks in pieces of at most MINMAX_GROUPS whole blocks (the kernel writes one output per block into
   * groupMin, and a second into groupMax where `out2` is given), the outputs copied to out[at ..] (out2[at ..]):
   * a row of any length runs, a 1 x 4M vector included.
   */
  const inPieces = (
    start: number,
    cols: number,
    block: number,
    out: Float32Array,
    at: number,
    run: (from: number, n: number) => void,
    out2?: Float32Array,
  ) => {
    const piece = MINMAX_GROUPS * block;
    for (let c0 = 0; c0 < cols; c0 += piece) {
      const n = Math.min(piece, cols - c0);
      run(start + c0, n);
      const blocks = Math.ceil(n / block);
      out.set(buffers.groupMin.subarray(0, blocks), at + c0 / block);
      out2?.set(buffers.groupMax.subarray(0, blocks), at + c0 / block);
    }
  };
  let tableInMemory: Float32Array | null = null;
  return {
    rangeRows: (firstRow, rows, cols) =>
      rangeOn(
        kernel,
        buffers.memory,
        ptr.x + 4 * firstRow * cols,
        ptr.deq + 4 * firstRow * cols,
        rows * cols,
        ptr.acc,
      ),
    // read when asked: the selected output (ptr.codes, ptr.deq) changes with selectOutput
    get shared(): SharedTensor | null {
      if (buffers.sharedId === null) return null;
      return {
        memory: buffers.memory,
        sharedId: buffers.sharedId,
        x: ptr.x,
        codes: ptr.codes,
        deq: ptr.deq,
        helperScratch: buffers.helperScratch.map((scratch) => scratch.ptr),
      };
    },
    absMax: (start, length) => kernel.absMax(ptr.x + 4 * start, length),
    selectFormat(k, table, saturate) {
      if (tableInMemory !== table) {
        buffers.table.set(table);
        tableInMemory = table;
      }
      // 1 / quantum as two float32 factors: both powers of two, so |y| * a * b is exact
      const a = Math.min(k.invSubQuantum, 2 ** 64);
      kernel.setFloatFormat(
        k.shift,
        k.roundAdd,
        k.normalMinBits,
        a,
        k.invSubQuantum / a,
        k.signBit,
        k.maxPattern,
        saturate ? k.maxPattern : k.overflowPattern,
        ptr.table,
      );
    },
    encode: (start, end, scale) =>
      kernel.encodeFloat(ptr.x + 4 * start, ptr.codes + 2 * start, ptr.deq + 4 * start, end - start, scale),
    selectCodebook(values, bounds, cells) {
      // in the value-table region: 16 values, 16 thresholds, then the cell table
      const memory = buffers.table.buffer;
      new Float32Array(memory, ptr.table, values.length).set(values);
      new Float32Array(memory, ptr.table + 64, bounds.length).set(bounds);
      new Uint8Array(memory, ptr.table + 128, cells.length).set(cells);
      tableInMemory = null;
      kernel.setCodebook(ptr.table, ptr.table + 64, ptr.table + 128);
    },
    floatRow(start, cols, block, maxFinite, scales, at) {
      inPieces(start, cols, block, scales, at, (from, n) =>
        kernel.floatRow(
          ptr.x + 4 * from,
          ptr.codes + 2 * from,
          ptr.deq + 4 * from,
          n,
          block,
          maxFinite,
          ptr.groupMin,
        ),
      );
    },
    codesByRank(start, n, rank, rankAt, codeOfRank, valueOfCode) {
      if (n > RANKED_MAX) throw new RangeError(`groups of more than ${RANKED_MAX} values`);
      // in the group-parameter scratch: ranks, the code of each rank, then the values
      const memory = buffers.groupParams.buffer;
      const at = ptr.groupParams;
      new Uint16Array(memory, at, n).set(rank.subarray(rankAt, rankAt + n));
      new Int16Array(memory, at + 2 * RANKED_MAX, n).set(codeOfRank.subarray(0, n));
      new Float32Array(memory, at + 4 * RANKED_MAX, valueOfCode.length).set(valueOfCode);
      kernel.codesByRank(
        at,
        at + 2 * RANKED_MAX,
        at + 4 * RANKED_MAX,
        ptr.codes + 2 * start,
        ptr.deq + 4 * start,
        n,
      );
    },
    nf4CodesRow(start, cols, floor, absmax, at) {
      inPieces(start, cols, 64, absmax, at, (from, n) =>
        kernel.nf4CodesRow(ptr.x + 4 * from, ptr.codes + 2 * from, n, floor, ptr.groupMin),
      );
    },
    decodeRow(start, cols, block, scales, at) {
      const piece = MINMAX_GROUPS * block;
      for (let c0 = 0; c0 < cols; c0 += piece) {
        const n = Math.min(piece, cols - c0);
        const first = at + c0 / block;
        buffers.groupMax.set(scales.subarray(first, first + Math.ceil(n / block)));
        kernel.decodeRow(ptr.codes + 2 * (start + c0), ptr.deq + 4 * (start + c0), n, block, ptr.groupMax);
      }
    },
    nvfp4Row(start, cols, s2, scales, at) {
      inPieces(start, cols, 16, scales, at, (from, n) =>
        kernel.nvfp4Row(ptr.x + 4 * from, ptr.codes + 2 * from, ptr.deq + 4 * from, n, s2, ptr.groupMin),
      );
    },
    mxRow(start, cols, element, roundUp, scales, at) {
      const maxElemLog2 = Math.floor(Math.log2(element.maxElem));
      inPieces(start, cols, 32, scales, at, (from, n) =>
        kernel.mxRow(
          ptr.x + 4 * from,
          ptr.codes + 2 * from,
          ptr.deq + 4 * from,
          n,
          element.emax,
          roundUp,
          element.maxElem,
          maxElemLog2,
          element.int8,
          ptr.groupMin,
        ),
      );
    },
    signRow: (start, cols, ternary) =>
      kernel.signRow(ptr.x + 4 * start, ptr.codes + 2 * start, ptr.deq + 4 * start, cols, ternary),
    kquantRows(type, firstRow, rows, cols, subSize, A, B) {
      const kquant = kquantOnMemory(buffers.memory);
      if (!kquant) return false;
      const at = firstRow * cols;
      const rowsAt = { x: ptr.x + 4 * at, codes: ptr.codes + 2 * at, deq: ptr.deq + 4 * at };
      return quantizeRowsAt(
        kquant,
        type,
        { ...rowsAt, memory: buffers.memory, scratch: ptr },
        rows,
        cols,
        subSize,
        {
          A,
          B,
        },
      );
    },
    ggmlLegacyRow(type, start, cols, scale, offset, at) {
      inPieces(
        start,
        cols,
        32,
        scale,
        at,
        (from, n) =>
          kernel.ggmlLegacyRow(
            type,
            ptr.x + 4 * from,
            ptr.codes + 2 * from,
            ptr.deq + 4 * from,
            n,
            ptr.groupMin,
            ptr.groupMax,
          ),
        offset,
      );
    },
  };
}
