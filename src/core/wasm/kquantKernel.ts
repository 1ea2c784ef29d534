/**
 * Loads the WebAssembly SIMD kernel of the GGUF k-quants Q4_K and Q6_K (src/kernels/kquantKernel.as.ts, compiled into
 * kquantKernel.wasm.ts) and runs it over a tensor's rows. The kernel has its own memory, one instance per
 * thread: rows go through it in chunks (x copied in, codes, values and sub-block parameters copied out), copies
 * that cost little next to the search. Where WebAssembly or its SIMD instructions are missing, or the memory
 * cannot be had, `quantizeKRowsOnKernel` returns false and ggmlK.ts runs its JS search, which gives the same bits.
 */

import type { DeqRange } from '../formats/formatOutput';
import { MINMAX_GROUPS, PAGE } from './kernelLayout';
import { KQUANT_KERNEL_BASE64, KQUANT_KERNEL_SHARED_BASE64 } from './kquantKernel.wasm';
import {
  compileBase64Module,
  instantiateOn,
  isSharedMemory,
  sharedInstances,
  sharedMemoryAvailable,
  type WasmMemory,
  wasmApi,
} from './wasmModule';

/** The kernel's exports (pointers are byte offsets into its memory). */
export interface KquantExports {
  scratchBytes(): number;
  quantizeRows(
    type: number,
    x: number,
    rows: number,
    cols: number,
    codes: number,
    deq: number,
    outA: number,
    outB: number,
    scratch: number,
  ): void;
  roundToFp16(x: number): number;
}

/** The Q4_K / Q6_K number the kernel's `quantizeRows` takes. */
export const KQUANT_TYPE = { q4_k: 0, q6_k: 1 } as const;
export type KquantType = (typeof KQUANT_TYPE)[keyof typeof KQUANT_TYPE];

/** Values per chunk of rows (a longer row is one chunk): about 0.7 MB of kernel memory. */
const CHUNK_VALUES = 65536;
/** The memory never grows past this (a row of more than ~20 million values stays in JS). */
const MAX_PAGES = 4096;

interface Instance {
  kernel: KquantExports;
  memory: WasmMemory;
}

const compiled: { plain?: object | null; shared?: object | null } = {};

/**
 * The compiled module, or null where WebAssembly SIMD is not available (compiled once per thread). `shared`: the
 * variant for a shared memory (the fused kernel's memory of a large tensor: fusedKernel.ts `createKernelBuffers`).
 */
function kquantModule(shared = false): object | null {
  if (shared) {
    if (compiled.shared === undefined) compiled.shared = compileBase64Module(KQUANT_KERNEL_SHARED_BASE64);
    return compiled.shared;
  }
  if (compiled.plain === undefined) compiled.plain = compileBase64Module(KQUANT_KERNEL_BASE64);
  return compiled.plain;
}

let instance: Instance | null | undefined;

/** The kernel's own instance (own memory), or null where WebAssembly SIMD is not available (made once per thread). */
function kquantInstance(): Instance | null {
  if (instance !== undefined) return instance;
  instance = null;
  const wasm = wasmApi();
  if (!wasm || !kquantModule()) return null;
  try {
    const memory = new wasm.Memory({ initial: 16, maximum: MAX_PAGES });
    const kernel = kquantOnMemory(memory);
    if (kernel) instance = { kernel, memory };
  } catch {
    instance = null;
  }
  return instance;
}

const onMemories = new WeakMap<WasmMemory, KquantExports | null>();

/**
 * The kernel instantiated on a given memory, once per memory: its own (kquantInstance), or the fused kernel's
 * (fusedKernel.ts `kquantRows`), where the tensor and the output buffers already are and the search needs no
 * copies. Null where WebAssembly SIMD is not available or the instance cannot be made.
 */
export function kquantOnMemory(memory: WasmMemory): KquantExports | null {
  let kernel = onMemories.get(memory);
  if (kernel === undefined) {
    kernel = instantiateOn<KquantExports>(kquantModule(isSharedMemory(memory)), memory);
    onMemories.set(memory, kernel);
  }
  return kernel;
}

/** The kernel on a shared memory a helper was posted (threads/kquantJob.ts's in-place parts), once per memory id. */
const kquantOnShared = sharedInstances(kquantOnMemory);

/** Rows of a tensor in a kernel memory (byte offsets of the first one), and the scratch the search may use there. */
export interface RowsInMemory {
  memory: WasmMemory;
  x: number;
  codes: number;
  deq: number;
  /** A and B of a batch of rows go through groupMin / groupMax, the search's own scratch into groupParams. */
  scratch: { groupMin: number; groupMax: number; groupParams: number };
}

/**
 * Q4_K or Q6_K over `rows` rows in place in a kernel memory, on `kernel` (an instance on that memory): codes and
 * values written where the rows are, the sub-blocks' A and B through the scratch into `out`. False (nothing
 * written) where the scratch is too small for the search or a row has more sub-blocks than a batch holds.
 */
export function quantizeRowsAt(
  kernel: KquantExports,
  type: KquantType,
  at: RowsInMemory,
  rows: number,
  cols: number,
  subSize: number,
  out: { A: Float32Array; B: Float32Array },
): boolean {
  // the scratch layout (kernelLayout.ts `takeScratch`): A and B of a batch in groupMin / groupMax (MINMAX_GROUPS
  // each), the search's own scratch in groupParams (4 x MINMAX_GROUPS floats)
  if (kernel.scratchBytes() > 4 * 4 * MINMAX_GROUPS) return false;
  const groupsPerRow = Math.ceil(cols / subSize);
  const batch = Math.floor(MINMAX_GROUPS / groupsPerRow);
  if (batch < 1) return false;
  const { scratch } = at;
  for (let r0 = 0; r0 < rows; r0 += batch) {
    const n = Math.min(batch, rows - r0);
    const values = r0 * cols;
    kernel.quantizeRows(
      type,
      at.x + 4 * values,
      n,
      cols,
      at.codes + 2 * values,
      at.deq + 4 * values,
      scratch.groupMin,
      scratch.groupMax,
      scratch.groupParams,
    );
    const buffer = at.memory.buffer;
    const groups = n * groupsPerRow;
    out.A.set(new Float32Array(buffer, scratch.groupMin, groups), r0 * groupsPerRow);
    out.B.set(new Float32Array(buffer, scratch.groupMax, groups), r0 * groupsPerRow);
  }
  return true;
}

/** quantizeRowsAt in a shared memory a helper was posted (threads/kquantJob.ts's in-place parts). */
export function quantizeKRowsInPlace(
  type: KquantType,
  at: RowsInMemory & { sharedId: number },
  rows: number,
  cols: number,
  subSize: number,
  out: { A: Float32Array; B: Float32Array },
): boolean {
  const kernel = kquantOnShared(at.sharedId, at.memory);
  return kernel !== null && quantizeRowsAt(kernel, type, at, rows, cols, subSize, out);
}

/** Whether this thread can run the k-quant kernel (WebAssembly with SIMD). */
export function kquantKernelAvailable(): boolean {
  return kquantInstance() !== null;
}

/** The kernel's FP16 rounding (for the test that compares it with ggmlCommon.ts `roundToFp16`). */
export function kernelRoundToFp16(x: number): number {
  const k = kquantInstance();
  if (!k) throw new Error('the k-quant kernel cannot run here');
  return k.kernel.roundToFp16(x);
}

/** The outputs of one Q4_K / Q6_K quantization; A and B per sub-block group (rows * groupsPerRow). */
export interface KRowsOutput {
  codes: Int16Array;
  dequantized: Float32Array;
  A: Float32Array;
  B: Float32Array;
  /** Set by a split search in place (threads/kquantJob.ts): the values' range, each thread's rows measured on the way. */
  range?: DeqRange;
}

/**
 * The outputs of `rows` rows laid out at byte offsets of `buffer` (x's codes, values, A and B one after the other:
 * a kernel memory, or a helper's part of the shared buffer).
 */
export function outputsAt(
  buffer: ArrayBufferLike,
  at: { codes: number; deq: number; a: number; b: number },
  values: number,
  groups: number,
): KRowsOutput {
  return {
    codes: new Int16Array(buffer, at.codes, values),
    dequantized: new Float32Array(buffer, at.deq, values),
    A: new Float32Array(buffer, at.a, groups),
    B: new Float32Array(buffer, at.b, groups),
  };
}

/** Copies `from` (whole rows) into `out` from row r0 on. */
export function copyRowsInto(
  out: KRowsOutput,
  from: KRowsOutput,
  r0: number,
  cols: number,
  groupsPerRow: number,
): void {
  out.codes.set(from.codes, r0 * cols);
  out.dequantized.set(from.dequantized, r0 * cols);
  out.A.set(from.A, r0 * groupsPerRow);
  out.B.set(from.B, r0 * groupsPerRow);
}

/**
 * Q4_K or Q6_K over a row-major tensor on the kernel, as ggmlCommon.ts `quantizeGgmlRows` with ggmlK.ts's block
 * quantizers: codes and dequantized values, and per sub-block (`subSize` values, groups numbered row after row)
 * A and B. False (nothing written) where the kernel cannot run or a row does not fit its memory.
 */
export function quantizeKRowsOnKernel(
  type: KquantType,
  data: Float32Array,
  rows: number,
  cols: number,
  subSize: number,
  out: KRowsOutput,
): boolean {
  const k = kquantInstance();
  if (!k) return false;
  if (rows <= 0 || cols <= 0) return true;
  const groupsPerRow = Math.ceil(cols / subSize);
  const chunkRows = Math.max(1, Math.min(rows, Math.floor(CHUNK_VALUES / cols)));
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const scratch = 0;
  const xAt = align(k.kernel.scratchBytes());
  const codesAt = xAt + align(4 * chunkRows * cols);
  const deqAt = codesAt + align(2 * chunkRows * cols);
  const aAt = deqAt + align(4 * chunkRows * cols);
  const bAt = aAt + align(4 * chunkRows * groupsPerRow);
  const end = bAt + align(4 * chunkRows * groupsPerRow);
  const pages = Math.ceil(end / PAGE);
  const have = k.memory.buffer.byteLength / PAGE;
  if (pages > MAX_PAGES) return false;
  if (pages > have) {
    try {
      k.memory.grow(pages - have);
    } catch {
      return false;
    }
  }
  const buffer = k.memory.buffer;
  for (let r0 = 0; r0 < rows; r0 += chunkRows) {
    const n = Math.min(chunkRows, rows - r0);
    const values = n * cols;
    const groups = n * groupsPerRow;
    new Float32Array(buffer, xAt, values).set(data.subarray(r0 * cols, r0 * cols + values));
    k.kernel.quantizeRows(type, xAt, n, cols, codesAt, deqAt, aAt, bAt, scratch);
    const done = outputsAt(buffer, { codes: codesAt, deq: deqAt, a: aAt, b: bAt }, values, groups);
    copyRowsInto(out, done, r0, cols, groupsPerRow);
  }
  return true;
}

/**
 * Runs both searches a few times on a small made-up tensor in a small shared memory, so that the shared-memory
 * variant (a separate module: threads/kquantJob.ts's in-place parts) runs in V8's optimising tier from a helper's first
 * real part. Nothing where memory cannot be shared.
 */
export function warmSharedKquantKernel(values: Float32Array, rows: number, cols: number): void {
  const wasm = wasmApi();
  if (!wasm || !sharedMemoryAvailable()) return;
  let kernel: KquantExports | null = null;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: 8, maximum: 8, shared: true });
    kernel = kquantOnMemory(memory);
  } catch {
    return;
  }
  if (!kernel) return;
  const n = rows * cols;
  const xAt = Math.ceil(kernel.scratchBytes() / 16) * 16;
  const codesAt = xAt + 4 * n;
  const deqAt = codesAt + 2 * n;
  const aAt = deqAt + 4 * n;
  const bAt = aAt + n; // up to n / 16 sub-blocks of 4 bytes each
  if (bAt + n > memory.buffer.byteLength) return;
  new Float32Array(memory.buffer, xAt, n).set(values.subarray(0, n));
  for (let round = 0; round < 30; round++)
    for (const type of [KQUANT_TYPE.q4_k, KQUANT_TYPE.q6_k])
      kernel.quantizeRows(type, xAt, rows, cols, codesAt, deqAt, aAt, bAt, 0);
}
