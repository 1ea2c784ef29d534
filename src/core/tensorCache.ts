/**
 * What does not depend on the scheme, kept per tensor: its summary (min, max, moments), the original
 * histogram for the last few bin-edge sets, and the reusable output buffers (no per-call allocation of
 * the large arrays: on this VM a fresh 64 MiB array costs ~190 ms in page faults, PERFORMANCE.md).
 */

import {
  type ChannelOutput,
  claimOutput,
  createFormatMemo,
  type FormatMemo,
  forgetOutput,
  outputsFor,
} from './formatMemo';
import { type SortedGroups, sortGroups } from './formats/radixSort';
import { summarizeWithSquares } from './generators';
import type { TensorSummary } from './generators.types';
import { type Binner, histogramInto } from './histogram';
import type { Tensor2D } from './tensor';
import {
  createKernelBuffers,
  emptyKernelBuffers,
  type KernelBuffers,
  selectOutput,
} from './wasm/fusedKernel';

export interface TensorCache {
  readonly tensor: Tensor2D;
  readonly summary: TensorSummary;
  /** Σx² over the finite values (float64), the numerator of the SQNR. */
  readonly sumSquares: number;
  /**
   * The WebAssembly kernel's memory for this tensor (a copy of the values, and the output buffers below), or null
   * where it cannot run (the JS pass then gives the same results).
   */
  readonly kernel: KernelBuffers | null;
  /**
   * The selected output buffers, length rows * cols, written by every computeQuantView call (`selectOutputOf` selects
   * its channel's).
   */
  codes: Int16Array;
  dequantized: Float32Array;
  /** Every output region: one per scheme panel up to formatMemo.ts `outputsFor`, the kernel's where it runs. */
  readonly outputs: ReadonlyArray<{ readonly codes: Int16Array; readonly dequantized: Float32Array }>;
  /**
   * Scratch counts of codes (65,536 entries cover every 16-bit pattern). One array shared by every cache of this
   * thread: a pass fills and reads it within one synchronous call, so a one-off cache (`quantize`, the lab's and the
   * language model's many small tensors) does not allocate and zero 256 KiB each time.
   */
  readonly codeCounts: Uint32Array;
  readonly originalHistograms: Map<string, { counts: Uint32Array; outside: number }>;
  /**
   * The k-means codebook's sorted groups (see sortedGroupsOf), per granularity, built the first time k-means runs
   * on this tensor with that granularity: until then nothing is allocated. Each costs 4 bytes per value (sorted
   * values) + 8 (float64 prefix sums) + 2 (ranks, per row up to 65,536 columns) or 4: ~14-16 MiB at 1024 x 1024.
   */
  readonly sortedGroups: { tensor?: SortedGroups; row?: SortedGroups };
  /**
   * Which scheme each channel's output holds, for view-only changes (formatMemo.ts); null where nothing is kept (a
   * cache used once per scheme, as by `quantize` and the sweep).
   */
  readonly formatMemo: FormatMemo | null;
  /**
   * True where the output buffers hold one row (`tensor.cols` + 1 values), not the tensor: the integer pass writes each
   * row's codes and dequantized values over the last row's and measures them as it goes, so the metrics are the
   * same without a whole tensor of outputs (the whole-model analysis: 4 bytes a value instead of 10). Integer
   * schemes only (a format writes the whole tensor before it is measured); nothing can be read back afterwards.
   */
  readonly rowOutputs: boolean;
  /**
   * Where a row-output pass hands each row's codes and values before the next row overwrites them (RowSink), or
   * null. Only with `rowOutputs` and the JS pass (the cache then has no kernel).
   */
  readonly rowSink: RowSink | null;
}

/**
 * Receives each row of an integer pass run with one row of outputs, in row order, as the engine wrote it: row
 * r's codes and dequantized values are `codes[at + c]`, `dequantized[at + c]` for c < cols, overwritten once the
 * call returns. `params` are the pass's own (the QuantResult's scale, zero point and code range). Lets a caller
 * keep the engine's codes in a form of its own (the language model's compact int8 codes) without the tensor's
 * int16 codes and float32 values ever existing at once: the same bits as the whole-tensor pass.
 */
export type RowSink = (
  row: number,
  codes: Int16Array,
  dequantized: Float32Array,
  at: number,
  params: { step: Float32Array; zero: Float64Array; qmin: number; qmax: number },
) => void;

const HISTOGRAMS_KEPT = 8;

const CODE_COUNTS_SCRATCH = new Uint32Array(1 << 16);

/**
 * Below this many values the JS pass takes well under a millisecond, less than setting up a kernel memory
 * (which reserves address space per instance), so small tensors stay on JS unless asked.
 */
const KERNEL_MIN_VALUES = 1 << 14;

/** One row of outputs: `cols` values and one more (the JS pass starts an odd row one value early: quantView.ts). */
const rowOutputLength = (cols: number) => cols + 1;

/** A tensor's values allocated before they are read: in the kernel's memory where it will run, else a JS array. */
export interface TensorStorage {
  readonly values: Float32Array;
  readonly kernel: KernelBuffers | null;
  readonly rowOutputs: boolean;
}

/**
 * Room for a rows × cols tensor that a loader decodes straight into (`values`), then handed to createTensorCache as
 * `storage` with a tensor over those values: the kernel then runs on them without copying them into its memory
 * (4 bytes a value less). `wasm` as createTensorCache's; `rowOutputs`: one row of outputs (TensorCache.rowOutputs).
 */
export function tensorStorage(
  rows: number,
  cols: number,
  options: { wasm?: boolean; rowOutputs?: boolean } = {},
): TensorStorage {
  const n = rows * cols;
  const rowOutputs = options.rowOutputs === true;
  const kernel =
    (options.wasm ?? n >= KERNEL_MIN_VALUES)
      ? emptyKernelBuffers(n, rowOutputs ? rowOutputLength(cols) : n)
      : null;
  return { values: kernel ? kernel.x : new Float32Array(n), kernel, rowOutputs };
}

/**
 * `wasm`: true / false forces the kernel on (where it can run) or off; by default it serves larger tensors.
 * `keepFormats`: false where each scheme runs once (a second output region would be memory for nothing).
 * `sharedMemory`: true puts even a small tensor's kernel memory in shared memory (a helper thread warming up).
 * `rowOutputs`: output buffers of one row (TensorCache.rowOutputs; implies keepFormats false).
 * `storage`: from tensorStorage, holding `tensor.data` (its kernel and row outputs are used; `wasm`, `rowOutputs`
 * and `sharedMemory` are then the storage's).
 * A storage may be larger than the tensor (one storage serving tensors of several shapes): it is used where
 * `tensor.data` is a prefix of its values and its row outputs are long enough.
 * `rowSink`: each row's outputs handed over as the pass writes them (TensorCache.rowSink); implies `rowOutputs`:
 * the kernel's pass with a `storage` of row outputs, else the JS pass.
 */
export function createTensorCache(
  tensor: Tensor2D,
  options: {
    wasm?: boolean;
    keepFormats?: boolean;
    sharedMemory?: boolean;
    rowOutputs?: boolean;
    storage?: TensorStorage;
    rowSink?: RowSink;
  } = {},
): TensorCache {
  const n = tensor.rows * tensor.cols;
  const rowSink = options.rowSink ?? null;
  const { summary, sumSquares } = summarizeWithSquares(tensor);
  const storage =
    options.storage && holds(options.storage, tensor) && (rowSink === null || options.storage.rowOutputs)
      ? options.storage
      : null;
  const rowOutputs = rowSink !== null || (storage ? storage.rowOutputs : options.rowOutputs === true);
  const useKernel = options.wasm ?? n >= KERNEL_MIN_VALUES;
  const keeps = options.keepFormats !== false && !rowOutputs;
  const outputCount = keeps ? outputsFor(n) : 1;
  const outputLength = rowOutputs ? rowOutputLength(tensor.cols) : n;
  const kernel = storage
    ? storage.kernel
    : !useKernel || rowSink !== null
      ? null
      : rowOutputs
        ? emptyKernelBuffers(n, outputLength)
        : createKernelBuffers(tensor.data, outputCount, options.sharedMemory);
  if (kernel && !storage && rowOutputs) kernel.x.set(tensor.data);
  const outputs = kernel
    ? kernel.outputs
    : Array.from({ length: outputCount }, () => ({
        codes: new Int16Array(outputLength),
        dequantized: new Float32Array(outputLength),
      }));
  return {
    tensor,
    summary,
    sumSquares,
    kernel,
    codes: outputs[0].codes,
    dequantized: outputs[0].dequantized,
    outputs,
    codeCounts: CODE_COUNTS_SCRATCH,
    originalHistograms: new Map(),
    sortedGroups: {},
    formatMemo: keeps ? createFormatMemo(outputCount) : null,
    rowOutputs,
    rowSink,
  };
}

/** Whether `storage` holds `tensor.data` (its values, or their first rows × cols) and room for its outputs. */
function holds(storage: TensorStorage, tensor: Tensor2D): boolean {
  const { values, kernel, rowOutputs } = storage;
  const data = tensor.data;
  if (data === values) return true;
  const outputs = kernel?.outputs[0].codes.length ?? 0;
  return (
    kernel !== null &&
    data.buffer === values.buffer &&
    data.byteOffset === values.byteOffset &&
    data.length <= values.length &&
    outputs >= (rowOutputs ? rowOutputLength(tensor.cols) : data.length)
  );
}

/**
 * Selects `channel`'s output region for a call on `tensor` and returns what it holds (formatMemo.ts), or null
 * where nothing is kept: a one-off cache, or a tensor other than the cache's (its results then replace whatever
 * the selected region held).
 */
export function selectOutputOf(cache: TensorCache, tensor: Tensor2D, channel: string): ChannelOutput | null {
  const memo = cache.formatMemo;
  if (memo === null) return null;
  if (tensor.data !== cache.tensor.data) {
    const selected = cache.outputs.findIndex((o) => o.codes === cache.codes);
    for (const c of memo.channels) if (c.output === selected) forgetOutput(c);
    return null;
  }
  const claimed = claimOutput(memo, channel);
  const out = cache.outputs[claimed.output];
  cache.codes = out.codes;
  cache.dequantized = out.dequantized;
  if (cache.kernel) selectOutput(cache.kernel, claimed.output);
  return claimed;
}

/**
 * The kernel to use for `tensor`, or null for the JS loops: it holds a copy of the cache's own tensor, and its
 * loops assume finite values (the JS loops mask NaN / ±Inf).
 */
export function kernelFor(cache: TensorCache, tensor: Tensor2D): KernelBuffers | null {
  return cache.kernel !== null && cache.summary.nonFinite === 0 && tensor.data === cache.tensor.data
    ? cache.kernel
    : null;
}

/**
 * Above this many values k-means sorts on every call instead of caching (14-16 bytes a value would be 224 MiB at
 * 4096 x 4096, too much to keep in a browser tab for a speed-up of one slider).
 */
export const SORTED_GROUPS_MAX_VALUES = 1 << 22;

/** Whether k-means on `tensor` may keep its sorted groups in `cache` (the cache's own tensor, not too large). */
export function cachesSortedGroups(cache: TensorCache, tensor: Tensor2D): boolean {
  return tensor.data === cache.tensor.data && tensor.data.length <= SORTED_GROUPS_MAX_VALUES;
}

/**
 * The cache tensor's finite values sorted per group (the whole tensor, or each row) with the permutation back to
 * the elements: slider-independent work of the k-means codebook, done once per granularity on first use.
 */
export function sortedGroupsOf(cache: TensorCache, granularity: 'tensor' | 'row'): SortedGroups {
  const hit = cache.sortedGroups[granularity];
  if (hit) return hit;
  const { rows, cols, data } = cache.tensor;
  const built = granularity === 'row' ? sortGroups(data, rows, cols) : sortGroups(data, 1, rows * cols);
  cache.sortedGroups[granularity] = built;
  return built;
}

/** The original values' histogram over `binner`'s edges, computed once per edge set. */
export function originalHistogram(
  cache: TensorCache,
  binner: Binner,
): { counts: Uint32Array; outside: number } {
  const key = `${binner.lo}|${binner.hi}|${binner.bins}`;
  const hit = cache.originalHistograms.get(key);
  if (hit) return hit;
  const counts = new Uint32Array(binner.bins);
  const outside = histogramInto(cache.tensor.data, binner, counts);
  // values that are NaN / Inf count as outside in histogramInto; they are reported separately
  const entry = { counts, outside: outside - cache.summary.nonFinite };
  if (cache.originalHistograms.size >= HISTOGRAMS_KEPT) {
    const oldest = cache.originalHistograms.keys().next().value;
    if (oldest !== undefined) cache.originalHistograms.delete(oldest);
  }
  cache.originalHistograms.set(key, entry);
  return entry;
}
