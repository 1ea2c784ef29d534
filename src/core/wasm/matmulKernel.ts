/**
 * Loads the GPT-2 matrix-product kernel (src/kernels/matmul.as.ts, compiled into matmul.wasm.ts) and runs
 * out = x·Wᵀ + b on the caller's typed arrays.
 *
 * The kernel's memory has a fixed size, chosen when the kernel is made, and never grows (growing would detach every
 * view handed out): a scratch region (a chunk of tokens, a chunk of weight rows, their outputs) and an **arena** of
 * `arenaBytes` from which `allocate` hands out Float32Array views. A weight that lives in the arena (the float32
 * model loaded into it, a quantized block dequantized into it) is multiplied where it lies; any other weight is
 * copied in a chunk of rows at a time (OUT_CHUNK rows, reused scratch), so a large matrix never has a second whole
 * copy. Tokens are taken TOKEN_CHUNK at a time; every output is computed alone, so the chunking changes no bits.
 *
 * `createMatmulKernel` falls back to src/core/gpt2/matmulJs.ts (the same bits) where WebAssembly SIMD is missing
 * or the memory cannot be had; `allocate` then returns null and the caller keeps plain arrays. Pure; no DOM.
 */
import { matmulJs } from '../gpt2/matmulJs';
import { PAGE } from './kernelLayout';
import { MATMUL_KERNEL_BASE64 } from './matmul.wasm';
import { compileBase64Module, instantiateOn, type WasmMemory, wasmApi } from './wasmModule';

interface MatmulExports {
  linear(
    x: number,
    rows: number,
    inDim: number,
    w: number,
    outCount: number,
    bias: number,
    out: number,
    outStride: number,
  ): void;
  dequantAffine(codes: number, n: number, offset: number, step: number, out: number): void;
  dequantTable(codes: number, n: number, table: number, out: number): void;
  minMaxI16(codes: number, n: number): number;
  packI16(codes: number, n: number, lo: number, out: number): void;
}

export interface MatmulKernel {
  /** True when the WebAssembly SIMD kernel runs; false: the TypeScript twin (same bits). */
  readonly wasm: boolean;
  /** Bytes the arena can still hand out (free lists not counted). */
  arenaFree(): number;
  /**
   * `length` float32 values in the kernel's memory (zero when new, as last left when reused), or null
   * where the arena has no room (or there is no arena): the caller then uses a plain array.
   */
  allocate(length: number): Float32Array | null;
  /** `length` bytes in the arena (a compact tensor's codes), as `allocate`. */
  allocateBytes(length: number): Uint8Array | null;
  /** Gives an `allocate`d view back for a later allocation of the same size (no-op for other arrays). */
  free(view: Float32Array | Uint8Array): void;
  /** Whether `values` lies in this kernel's memory (multiplied in place). */
  owns(values: Float32Array | Uint8Array): boolean;
  /**
   * out[outAt + i] = fround((codes[at + i] + offset)·step) for i < n, where codes and out lie in this kernel's
   * memory, offset is an integer and every code + offset is below 2^24 in magnitude (then exact: the engine's
   * dequantizeCode bits); false, having written nothing, otherwise.
   */
  dequantAffine(
    codes: Uint8Array,
    at: number,
    n: number,
    offset: number,
    step: number,
    out: Float32Array,
    outAt: number,
  ): boolean;
  /** out[outAt + i] = table[codes[at + i]] for i < n (table: up to 256 values, every code below its length); false, having written nothing, where codes or out are not in this kernel's memory. */
  dequantTable(
    codes: Uint8Array,
    at: number,
    n: number,
    table: Float32Array,
    out: Float32Array,
    outAt: number,
  ): boolean;
  /** [smallest, largest] of n ≥ 1 int16 codes (copied in a chunk at a time), or null without the kernel. */
  codeRange(codes: Int16Array, n: number): [number, number] | null;
  /**
   * out[i] = codes[i] − lo for i < n, where out lies in this kernel's memory and every codes[i] − lo is in 0..255
   * (the caller's codeRange); false, having written nothing, otherwise.
   */
  packCodes(codes: Int16Array, n: number, lo: number, out: Uint8Array): boolean;
  /**
   * out[t·outStride + outOffset + o] = x[t, :]·w[o, :] + bias[o] for t < rows, o < outDim (outStride defaults
   * to outDim). Float32 lanes, float64 across lanes: see src/kernels/matmul.as.ts.
   */
  linear(
    x: Float32Array,
    rows: number,
    inDim: number,
    w: Float32Array,
    outDim: number,
    bias: Float32Array | null,
    out: Float32Array,
    outStride?: number,
    outOffset?: number,
  ): void;
  /**
   * `linear` with a weight handed out by rows (w.rows outputs, w.cols = inDim; a quantized model's compact codes):
   * a panel of `panelRows(inDim)` rows at a time is read (dequantized) into the kernel's scratch, where it stays in
   * cache while the tokens pass over it, and multiplied there. The same bits as reading the whole weight and
   * calling `linear` (every output is computed alone from the same values), without a dequantized copy of the
   * weight: one byte a weight from memory instead of four written and read back.
   */
  linearRows(
    x: Float32Array,
    rows: number,
    inDim: number,
    w: RowsOfWeight,
    bias: Float32Array | null,
    out: Float32Array,
    outStride?: number,
    outOffset?: number,
  ): void;
}

/** A weight [rows, cols] handed out a range of rows at a time (core/gpt2/compactTensor.ts's RowSource). */
export interface RowsOfWeight {
  readonly rows: number;
  readonly cols: number;
  readRows(r0: number, r1: number, out: Float32Array): void;
}

/** Values of one panel of linearRows: 256 KiB of float32, within a core's L2 while the tokens pass. */
export const PANEL_VALUES = 65536;

/** Rows of a linearRows panel for inputs of width inDim: a multiple of 4 (the kernel's blocking), ≤ OUT_CHUNK. */
export function panelRows(inDim: number): number {
  return Math.min(OUT_CHUNK, Math.max(4, Math.floor(PANEL_VALUES / Math.max(1, inDim)) & ~3));
}

/** Tokens per kernel call. */
export const TOKEN_CHUNK = 64;
/** Weight rows (outputs) per kernel call. */
export const OUT_CHUNK = 128;
/** Widest input the scratch takes (GPT-2 medium's MLP: 4096); a wider product runs the TypeScript twin. */
export const MAX_IN = 8192;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The scratch regions' byte offsets (offset 0 is left unused: the kernel's "no bias"). */
const X_AT = 16;
const W_AT = X_AT + 4 * TOKEN_CHUNK * MAX_IN;
const B_AT = W_AT + 4 * OUT_CHUNK * MAX_IN;
const O_AT = B_AT + 4 * OUT_CHUNK;
const T_AT = align(O_AT + 4 * TOKEN_CHUNK * OUT_CHUNK);
const SCRATCH_END = T_AT + 4 * 256;
/** Int16 codes per chunk copied into the weight region (codeRange, packCodes). */
const CODE_CHUNK = (4 * OUT_CHUNK * MAX_IN) / 2;

/** linearRows in TypeScript (the twin's, and the kernel's for inputs wider than its scratch). */
function linearRowsJs(
  x: Float32Array,
  rows: number,
  inDim: number,
  w: RowsOfWeight,
  bias: Float32Array | null,
  out: Float32Array,
  outStride = w.rows,
  outOffset = 0,
): void {
  const step = panelRows(inDim);
  const panel = new Float32Array(step * inDim);
  for (let o0 = 0; o0 < w.rows; o0 += step) {
    const o1 = Math.min(w.rows, o0 + step);
    w.readRows(o0, o1, panel);
    matmulJs(x, rows, inDim, panel, o1 - o0, bias?.subarray(o0, o1) ?? null, out, outStride, outOffset + o0);
  }
}

/** The TypeScript twin as a kernel without an arena. */
function jsKernel(): MatmulKernel {
  return {
    wasm: false,
    arenaFree: () => 0,
    allocate: () => null,
    allocateBytes: () => null,
    free() {},
    owns: () => false,
    dequantAffine: () => false,
    dequantTable: () => false,
    codeRange: () => null,
    packCodes: () => false,
    linear: (x, rows, inDim, w, outDim, bias, out, outStride = outDim, outOffset = 0) =>
      matmulJs(x, rows, inDim, w, outDim, bias, out, outStride, outOffset),
    linearRows: linearRowsJs,
  };
}

/**
 * A kernel whose memory holds the scratch and an arena of `arenaBytes` (rounded up to pages), or the TypeScript
 * twin where WebAssembly SIMD is missing or that much memory cannot be had (then with no arena: `allocate` null).
 */
export function createMatmulKernel(arenaBytes = 0): MatmulKernel {
  const wasm = wasmApi();
  const module = compileBase64Module(MATMUL_KERNEL_BASE64);
  if (!wasm || !module) return jsKernel();
  const pages = Math.ceil((SCRATCH_END + align(arenaBytes)) / PAGE);
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pages, maximum: pages });
  } catch {
    return arenaBytes > 0 ? createMatmulKernel(0) : jsKernel();
  }
  const kernel = instantiateOn<MatmulExports>(module, memory);
  if (!kernel) return jsKernel();
  const buffer = memory.buffer;
  const end = buffer.byteLength;
  let next = SCRATCH_END;
  /** Byte offsets of freed views, by their aligned byte length. */
  const freeLists = new Map<number, number[]>();
  const handed = new WeakSet<Float32Array | Uint8Array>();
  const owns = (values: Float32Array | Uint8Array) => values.buffer === buffer && values.byteLength > 0;
  /** Byte offset of `bytes` bytes in the arena, or null. */
  const take = (bytes: number): number | null => {
    let at = freeLists.get(bytes)?.pop();
    if (at === undefined) {
      if (next + bytes > end) return null;
      at = next;
      next += bytes;
    }
    return at;
  };

  /**
   * Outputs o0 … o0 + on − 1 of every token from weights already in the kernel's memory at `wAt`: places their
   * bias, then runs the tokens through in chunks (the input is already at X_AT when it is one chunk) and copies
   * each token's outputs to its row of `out`. Shared by `linear` (float32 weights) and `linearRows` (a panel).
   */
  const multiplyOutputs = (
    f32: Float32Array,
    x: Float32Array,
    rows: number,
    inDim: number,
    wAt: number,
    o0: number,
    on: number,
    bias: Float32Array | null,
    bInPlace: boolean,
    oneTokenChunk: boolean,
    out: Float32Array,
    outStride: number,
    outOffset: number,
  ): void => {
    let bAt = 0;
    if (bias) {
      if (bInPlace) bAt = bias.byteOffset + 4 * o0;
      else {
        f32.set(bias.subarray(o0, o0 + on), B_AT / 4);
        bAt = B_AT;
      }
    }
    for (let t0 = 0; t0 < rows; t0 += TOKEN_CHUNK) {
      const tn = Math.min(TOKEN_CHUNK, rows - t0);
      if (!oneTokenChunk) f32.set(x.subarray(t0 * inDim, (t0 + tn) * inDim), X_AT / 4);
      kernel.linear(X_AT, tn, inDim, wAt, on, bAt, O_AT, on);
      for (let t = 0; t < tn; t++) {
        const from = O_AT / 4 + t * on;
        out.set(f32.subarray(from, from + on), (t0 + t) * outStride + outOffset + o0);
      }
    }
  };

  const linear: MatmulKernel['linear'] = (
    x,
    rows,
    inDim,
    w,
    outDim,
    bias,
    out,
    outStride = outDim,
    outOffset = 0,
  ) => {
    if (inDim > MAX_IN || inDim === 0) {
      matmulJs(x, rows, inDim, w, outDim, bias, out, outStride, outOffset);
      return;
    }
    const f32 = new Float32Array(buffer);
    const wInPlace = owns(w);
    const bInPlace = bias !== null && owns(bias);
    const oneTokenChunk = rows <= TOKEN_CHUNK;
    if (oneTokenChunk) f32.set(x.subarray(0, rows * inDim), X_AT / 4);
    for (let o0 = 0; o0 < outDim; o0 += OUT_CHUNK) {
      const on = Math.min(OUT_CHUNK, outDim - o0);
      let wAt: number;
      if (wInPlace) wAt = w.byteOffset + 4 * o0 * inDim;
      else {
        f32.set(w.subarray(o0 * inDim, (o0 + on) * inDim), W_AT / 4);
        wAt = W_AT;
      }
      multiplyOutputs(
        f32,
        x,
        rows,
        inDim,
        wAt,
        o0,
        on,
        bias,
        bInPlace,
        oneTokenChunk,
        out,
        outStride,
        outOffset,
      );
    }
  };

  const linearRows: MatmulKernel['linearRows'] = (
    x,
    rows,
    inDim,
    w,
    bias,
    out,
    outStride = w.rows,
    outOffset = 0,
  ) => {
    if (inDim > MAX_IN || inDim === 0) {
      linearRowsJs(x, rows, inDim, w, bias, out, outStride, outOffset);
      return;
    }
    const f32 = new Float32Array(buffer);
    const outDim = w.rows;
    const step = panelRows(inDim);
    // The panel lies in the weight scratch (its own view: readRows dequantizes in the kernel there).
    const panel = new Float32Array(buffer, W_AT, step * inDim);
    const bInPlace = bias !== null && owns(bias);
    const oneTokenChunk = rows <= TOKEN_CHUNK;
    if (oneTokenChunk) f32.set(x.subarray(0, rows * inDim), X_AT / 4);
    for (let o0 = 0; o0 < outDim; o0 += step) {
      const on = Math.min(step, outDim - o0);
      w.readRows(o0, o0 + on, panel);
      multiplyOutputs(
        f32,
        x,
        rows,
        inDim,
        W_AT,
        o0,
        on,
        bias,
        bInPlace,
        oneTokenChunk,
        out,
        outStride,
        outOffset,
      );
    }
  };

  return {
    wasm: true,
    arenaFree: () => end - next,
    allocate(length) {
      const at = take(align(4 * length));
      if (at === null) return null;
      const view = new Float32Array(buffer, at, length);
      handed.add(view);
      return view;
    },
    allocateBytes(length) {
      const at = take(align(length));
      if (at === null) return null;
      const view = new Uint8Array(buffer, at, length);
      handed.add(view);
      return view;
    },
    free(view) {
      if (!handed.has(view)) return;
      handed.delete(view);
      const bytes = align(view.byteLength);
      const list = freeLists.get(bytes) ?? [];
      list.push(view.byteOffset);
      freeLists.set(bytes, list);
    },
    dequantAffine(codes, at, n, offset, step, out, outAt) {
      const exact = Number.isInteger(offset) && Math.abs(offset) + 255 < 2 ** 24;
      if (!exact || !owns(codes) || !owns(out) || at + n > codes.length || outAt + n > out.length)
        return false;
      kernel.dequantAffine(codes.byteOffset + at, n, offset, step, out.byteOffset + 4 * outAt);
      return true;
    },
    codeRange(codes, n) {
      if (n < 1 || n > codes.length) return null;
      let lo = 32767;
      let hi = -32768;
      for (let i0 = 0; i0 < n; i0 += CODE_CHUNK) {
        const m = Math.min(CODE_CHUNK, n - i0);
        new Int16Array(buffer, W_AT, m).set(codes.subarray(i0, i0 + m));
        const both = kernel.minMaxI16(W_AT, m);
        lo = Math.min(lo, (both << 16) >> 16);
        hi = Math.max(hi, both >> 16);
      }
      return [lo, hi];
    },
    packCodes(codes, n, lo, out) {
      if (!owns(out) || n > codes.length || n > out.length) return false;
      for (let i0 = 0; i0 < n; i0 += CODE_CHUNK) {
        const m = Math.min(CODE_CHUNK, n - i0);
        new Int16Array(buffer, W_AT, m).set(codes.subarray(i0, i0 + m));
        kernel.packI16(W_AT, m, lo, out.byteOffset + i0);
      }
      return true;
    },
    dequantTable(codes, at, n, table, out, outAt) {
      if (!owns(codes) || !owns(out) || at + n > codes.length || outAt + n > out.length) return false;
      new Float32Array(buffer, T_AT, 256).set(table.subarray(0, Math.min(256, table.length)));
      kernel.dequantTable(codes.byteOffset + at, n, T_AT, out.byteOffset + 4 * outAt);
      return true;
    },
    owns,
    linear,
    linearRows,
  };
}

let made: MatmulKernel | undefined;

/** This thread's kernel without an arena (every weight copied in by chunks), made on first use. */
export function matmulKernel(): MatmulKernel {
  if (made === undefined) made = createMatmulKernel(0);
  return made;
}
