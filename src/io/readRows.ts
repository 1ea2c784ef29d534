/**
 * Reads the kept rows of a row-major tensor straight from its byte range, decoding each row as it arrives.
 * Reads are chunked (progress is reported after each) and, when sampling, only the kept rows' byte ranges
 * are requested (gaps up to `source.coalesceGapBytes` are read through to save round trips on HTTP).
 */
import { type ByteSource, readRange, throwIfAborted } from './byteSource';
import type { ParseFormat } from './parseError';
import { type RowPlan, sampledRow } from './sampling';

/** Decodes `rowCount` whole rows starting at `bytes[byteOffset]` into `out[outOffset...]`. */
export type RowDecoder = (
  bytes: Uint8Array,
  byteOffset: number,
  rowCount: number,
  out: Float32Array,
  outOffset: number,
) => void;

export interface ReadProgress {
  signal?: AbortSignal;
  /** Called after each read with bytes read so far and bytes this load will read in total. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Largest single read, in bytes (default: the source's `chunkBytes`, else 16 MiB). */
  chunkBytes?: number;
  /** The output's keptRows × cols values (LoadOptions.allocate); a new array by default. */
  allocate?: (rows: number, cols: number) => Float32Array;
}

export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

interface RowRead {
  /** Kept-row indices [firstKept, endKept). */
  firstKept: number;
  endKept: number;
  /** Source rows [startRow, endRow) read in one request. */
  startRow: number;
  endRow: number;
}

/** Groups kept rows into reads: consecutive rows merge up to chunkBytes; gaps merge up to gapBytes. */
export function planRowReads(
  plan: RowPlan,
  rowBytes: number,
  chunkBytes: number,
  gapBytes: number,
): RowRead[] {
  const { keptRows, totalRows } = plan;
  const maxRows = Math.max(1, Math.floor(chunkBytes / Math.max(1, rowBytes)));
  const reads: RowRead[] = [];
  let i = 0;
  while (i < keptRows) {
    const startRow = sampledRow(i, keptRows, totalRows);
    let endRow = startRow + 1;
    let j = i + 1;
    while (j < keptRows) {
      const r = sampledRow(j, keptRows, totalRows);
      if ((r - endRow) * rowBytes > gapBytes || r + 1 - startRow > maxRows) break;
      endRow = r + 1;
      j++;
    }
    reads.push({ firstKept: i, endKept: j, startRow, endRow });
    i = j;
  }
  return reads;
}

/**
 * Loads the rows of `plan` from `source`, where row r occupies bytes
 * [dataOffset + r·rowBytes, dataOffset + (r+1)·rowBytes), into a new Float32Array of keptRows × cols.
 */
export async function readRows(
  source: ByteSource,
  dataOffset: number,
  rowBytes: number,
  plan: RowPlan,
  decode: RowDecoder,
  format: ParseFormat,
  options: ReadProgress = {},
): Promise<Float32Array> {
  const out = options.allocate?.(plan.keptRows, plan.cols) ?? new Float32Array(plan.keptRows * plan.cols);
  const reads = planRowReads(
    plan,
    rowBytes,
    options.chunkBytes ?? source.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    source.coalesceGapBytes ?? 0,
  );
  const totalBytes = reads.reduce((sum, r) => sum + (r.endRow - r.startRow) * rowBytes, 0);
  let loaded = 0;
  options.onProgress?.(0, totalBytes);
  for (const read of reads) {
    throwIfAborted(options.signal);
    const length = (read.endRow - read.startRow) * rowBytes;
    const bytes = await readRange(
      source,
      dataOffset + read.startRow * rowBytes,
      length,
      format,
      'tensor data',
      options.signal,
    );
    if (read.endKept - read.firstKept === read.endRow - read.startRow) {
      decode(bytes, 0, read.endRow - read.startRow, out, read.firstKept * plan.cols);
    } else {
      for (let k = read.firstKept; k < read.endKept; k++) {
        const r = sampledRow(k, plan.keptRows, plan.totalRows);
        decode(bytes, (r - read.startRow) * rowBytes, 1, out, k * plan.cols);
      }
    }
    loaded += length;
    options.onProgress?.(loaded, totalBytes);
  }
  return out;
}
