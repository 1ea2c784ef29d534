/**
 * The whole-model analysis loop, shared by the worker handler and the benchmark: list a model's tensors, decide
 * which are weights, then load, analyse and drop them one at a time, so memory stays bounded by the largest tensor
 * (its float32 values and one scheme's outputs) plus a constant, whatever the model's size. Quantized GGUF tensors
 * are dequantized by the loader (io/ggmlDequant.ts) and analysed as their float values; the row says so.
 */
import { createTensor } from '../core';
import type { TensorStorage } from '../core/tensorCache';
import { analyseTensor, analysisStorage } from '../core/wholeModel/analyseTensor';
import type { WholeModelRow } from '../core/wholeModel/modelTable';
import { isNonParameterBuffer, layerIndexOf, tensorKindOf } from '../core/wholeModel/tensorKinds';
import {
  type ByteSource,
  isParseError,
  type LoadedTensor,
  loadTensor,
  ParseError,
  type TensorEntry,
  type TensorListing,
} from '../io';
import { ggmlTypeByEncoding } from '../io/ggmlTypes';
import type { SkippedTensor, WholeModelPlan, WholeModelRequest } from './wholeModelProtocol';

const INTEGER_ENCODINGS = new Set(['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'bool']);

/** Why `entry` is not analysed, or null when it is a weight tensor to analyse. */
export function skipReason(entry: TensorEntry): string | null {
  if (!entry.loadable) return entry.reason ?? 'cannot be decoded';
  if (entry.shape.length < 2) return entry.shape.length === 1 ? '1-D (bias or norm)' : 'scalar';
  if (isNonParameterBuffer(entry.name, entry.shape)) return 'a buffer, not a parameter';
  if (INTEGER_ENCODINGS.has(entry.location.encoding)) return `integer dtype ${entry.dtype}`;
  if (entry.shape.some((d) => d === 0)) return 'no values';
  return null;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The plan of an analysis: the weight tensors (all, or those of `only`) and the skipped ones with reasons. */
export function planAnalysis(
  listing: TensorListing,
  label: string,
  only?: readonly string[],
): WholeModelPlan {
  const wanted = only ? new Set(only) : null;
  const tensors: WholeModelPlan['tensors'] = [];
  const skipped: SkippedTensor[] = [];
  for (const entry of listing.tensors) {
    const reason = skipReason(entry);
    if (reason) {
      skipped.push({ name: entry.name, shape: [...entry.shape], dtype: entry.dtype, reason });
      continue;
    }
    if (wanted && !wanted.has(entry.name)) continue;
    tensors.push({
      name: entry.name,
      shape: [...entry.shape],
      dtype: entry.dtype,
      params: product(entry.shape),
      bytes: entry.byteSize,
      kind: tensorKindOf(entry.name),
    });
  }
  return {
    label,
    format: listing.format,
    tensors,
    skipped,
    totalBytes: tensors.reduce((s, t) => s + t.bytes, 0),
  };
}

export interface AnalysisCallbacks {
  signal?: AbortSignal;
  /** Bytes of tensor `index` read so far, of `total`. */
  onReading?(tensor: string, index: number, loaded: number, total: number): void;
  onRow?(row: WholeModelRow, done: number, bytesDone: number, elapsedMs: number): void;
  /** The loader's value limit above which rows are sampled (io's MAX_VALUES by default). */
  maxValues?: number;
  /** Passed to analyseTensor (the bench compares the kernel and the JS pass). */
  wasm?: boolean;
  /** Called after each tensor is released (the bench collects garbage there to measure what stays live). */
  afterTensor?(): void;
}

const now = (): number =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

/**
 * Runs `plan` over `sources`: one tensor loaded, analysed with every scheme and released before the next. Resolves
 * with every row; rejects with the signal's AbortError when cancelled, and with an error naming the tensor when
 * one fails (a ParseError keeps its code and hint).
 */
export async function runAnalysis(
  sources: readonly ByteSource[],
  listing: TensorListing,
  plan: WholeModelPlan,
  request: WholeModelRequest,
  callbacks: AnalysisCallbacks = {},
): Promise<WholeModelRow[]> {
  const started = now();
  const rows: WholeModelRow[] = [];
  const indexOf = new Map(listing.tensors.map((t, i) => [t.name, i]));
  let bytesDone = 0;
  for (let k = 0; k < plan.tensors.length; k++) {
    const planned = plan.tensors[k];
    callbacks.signal?.throwIfAborted();
    const entry = listing.tensors[indexOf.get(planned.name) ?? -1];
    const tensorStarted = now();
    let row: WholeModelRow;
    // The values are decoded straight into the memory the analysis runs on (no second copy of the tensor).
    let storage: TensorStorage | null = null;
    try {
      let loaded: LoadedTensor | null = await loadTensor(sources, listing, planned.name, {
        signal: callbacks.signal,
        maxValues: callbacks.maxValues,
        onProgress: (loadedBytes, total) => callbacks.onReading?.(planned.name, k, loadedBytes, total),
        allocate: (rows, cols) => {
          storage = analysisStorage(rows, cols, request.schemes, { wasm: callbacks.wasm });
          return storage.values;
        },
      });
      const sampled = loaded.sampled;
      const analysis = analyseTensor(createTensor(loaded.rows, loaded.cols, loaded.data), request.schemes, {
        wasm: callbacks.wasm,
        storage: storage ?? undefined,
      });
      // Dropped before the next tensor loads: an async function's locals can outlive their block.
      loaded = null;
      storage = null;
      const quantized = entry ? ggmlTypeByEncoding(entry.location.encoding) : undefined;
      row = {
        index: indexOf.get(planned.name) ?? k,
        name: planned.name,
        shape: planned.shape,
        dtype: planned.dtype,
        params: planned.params,
        kind: planned.kind,
        layer: layerIndexOf(planned.name),
        dequantizedFrom: quantized?.dequantize && quantized.blockSize > 1 ? planned.dtype : null,
        sampled,
        bytes: planned.bytes,
        stats: analysis.stats,
        errors: analysis.errors,
        elapsedMs: now() - tensorStarted,
      };
    } catch (error) {
      throw namingTensor(error, planned.name, k, plan.tensors.length);
    }
    rows.push(row);
    callbacks.afterTensor?.();
    bytesDone += planned.bytes;
    callbacks.onRow?.(row, k + 1, bytesDone, now() - started);
  }
  return rows;
}

/** The same failure, its message prefixed with the tensor; cancellation passes through unchanged. */
function namingTensor(error: unknown, tensor: string, index: number, count: number): unknown {
  if (error instanceof Error && error.name === 'AbortError') return error;
  const where = `tensor "${tensor}" (${index + 1} of ${count})`;
  if (isParseError(error) && error instanceof ParseError) {
    return new ParseError({
      format: error.format,
      code: error.code,
      fileName: error.fileName,
      offset: error.offset,
      status: error.status,
      message: `${where} could not be read: ${error.detail}`,
      hint: `${error.hint} The rows done so far stay in the table; Resume analyses the rest.`,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new Error(`${where} could not be analysed: ${message}`);
  wrapped.name = error instanceof Error ? error.name : 'Error';
  return wrapped;
}
