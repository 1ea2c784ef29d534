/**
 * The uniform result types of every reader. All are plain data (no classes, no functions), so a listing can
 * cross the worker boundary with postMessage and come back unchanged to `loadTensor`.
 */
import type { ElementType } from './dtypes';
import type { GgmlTypeName } from './ggmlTypes';

export type TensorFormat = 'safetensors' | 'npy' | 'npz' | 'gguf' | 'csv';

/**
 * Where a tensor's bytes are and how to decode them. Readers fill it in; `loadTensor` follows it.
 * `encoding` is an ElementType (a plain element per value), a ggml type name (blocks of values, GGUF), or
 * 'text' (CSV).
 */
export interface TensorLocation {
  /** Name of the ByteSource holding the bytes (shards and npz entries point at their file). */
  file: string;
  /** Absolute byte offset of the first value; for a deflated npz entry, of its compressed stream. */
  offset: number;
  encoding: ElementType | GgmlTypeName | 'text';
  littleEndian: boolean;
  /** 'F': NumPy Fortran (column-major) storage, transposed on load. */
  order: 'C' | 'F';
  /** Deflated npz entry: compressed length, and where the values start inside the inflated stream. */
  deflate?: { compressedSize: number; dataOffsetInStream: number };
}

export interface TensorEntry {
  name: string;
  /** The dtype as the file names it: 'BF16' (safetensors), '<f4' (npy), 'Q4_K' (GGUF), 'text' (CSV). */
  dtype: string;
  /** Outermost dimension first, as NumPy and PyTorch print it (GGUF's ne[] is reversed to get this). */
  shape: number[];
  /** Bytes the tensor's values occupy in the file (uncompressed for npz). */
  byteSize: number;
  /** False when the app cannot decode it (unsupported dtype, no values); `reason` says why. */
  loadable: boolean;
  reason?: string;
  location: TensorLocation;
}

export interface TensorListing {
  format: TensorFormat;
  /** The file the user opened (the index file for sharded safetensors). */
  fileName: string;
  tensors: TensorEntry[];
  /** Free-form key → value pairs from the file (safetensors `__metadata__`, GGUF KVs, CSV column names). */
  metadata?: Record<string, string>;
}

export interface LoadedTensor {
  name: string;
  dtype: string;
  /** The tensor's full shape in the file. */
  shape: number[];
  /** Rows and cols of `data` (rows = kept rows when sampled). The 2-D view is shapeAs2D(shape). */
  rows: number;
  cols: number;
  /** rows × cols float32 values, row-major. Owns its buffer (transferable). */
  data: Float32Array;
  /** NaN and ±Inf values in `data`. */
  nonFinite: number;
  /**
   * Set when the tensor was larger than the value limit and only evenly spaced rows were loaded:
   * kept row i is row floor(i · totalRows / keptRows) of the 2-D view.
   */
  sampled: null | { keptRows: number; totalRows: number };
}

export interface LoadOptions {
  signal?: AbortSignal;
  /** Called after each read with bytes read so far and the total this load will read. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Value limit above which rows are sampled (default MAX_VALUES = 64 Mi). */
  maxValues?: number;
  /** Most bytes a compressed array may declare (default MAX_INFLATE_BYTES = 4 GiB); larger is refused. */
  maxInflateBytes?: number;
  /**
   * Where the values go: an array of keptRows × cols values (zeroed) the loader decodes into, e.g. a kernel's memory
   * (the whole-model analysis: core/tensorCache.ts `tensorStorage`), so the tensor is not also copied there. A new
   * Float32Array by default; CSV ignores it.
   */
  allocate?: (rows: number, cols: number) => Float32Array;
}
