/**
 * A format's quantization of a tensor, kept for the next call with the same scheme. A view change (histogram
 * bins, zoom, the group shown, heatmap size) does not change a format's codes and values, only how they are
 * measured, so that call copies them back instead of quantizing again: for Q4_K at 1024² the quantizer is ~20 of
 * ~30 ms. Two entries per tensor: schemes A and B recompute one after the other on every view change.
 *
 * Integer schemes are not kept: they quantize inside the measuring pass (one fused read of the tensor), so there
 * is nothing separate to skip.
 */
import type { Prepared } from './quantView';

/** One kept quantization: its scheme's key, what prepareFormat returned, and copies of the codes and values. */
export interface FormatMemoEntry {
  key: string;
  prepared: Prepared;
  codes: Int16Array;
  dequantized: Float32Array;
}

/** Entries per tensor, most recent last: one per scheme on screen. */
export const FORMAT_MEMO_ENTRIES = 2;

/**
 * Above this many values nothing is kept: each entry costs 6 bytes a value (24 MiB at 2048 x 2048, two entries
 * 48 MiB), and at 4096 x 4096 that would be 192 MiB of a browser tab for faster view changes.
 */
export const FORMAT_MEMO_MAX_VALUES = 1 << 22;

/** Whether `out` (a TensorCache's output buffers) is small enough to keep. */
export function memoFits(out: { codes: Int16Array }): boolean {
  return out.codes.length <= FORMAT_MEMO_MAX_VALUES;
}

/**
 * The kept quantization for `key`: its codes and values copied back into `out`, and its Prepared (with
 * `reused` set), or null. (Its `levelsOf` makes a new array per call, FormatOutput's contract, so transferring a
 * view's levels to the page detaches nothing kept.)
 */
export function recallFormat(
  memo: FormatMemoEntry[],
  key: string,
  out: { codes: Int16Array; dequantized: Float32Array },
): Prepared | null {
  const at = memo.findIndex((e) => e.key === key);
  if (at < 0) return null;
  const entry = memo[at];
  memo.splice(at, 1);
  memo.push(entry);
  out.codes.set(entry.codes);
  out.dequantized.set(entry.dequantized);
  return { ...entry.prepared, threads: 1, reused: true };
}

/**
 * Keeps `prepared` and copies of `out` under `key`, in place of the least recently used entry when full. The
 * evicted entry's arrays are reused: a fresh 6 MB pair would cost more in page faults (PERFORMANCE.md) than
 * the copy itself.
 */
export function rememberFormat(
  memo: FormatMemoEntry[],
  key: string,
  prepared: Prepared,
  out: { codes: Int16Array; dequantized: Float32Array },
): void {
  const n = out.codes.length;
  const at = memo.findIndex((e) => e.key === key);
  let entry: FormatMemoEntry | undefined = at >= 0 ? memo.splice(at, 1)[0] : undefined;
  if (!entry && memo.length >= FORMAT_MEMO_ENTRIES) entry = memo.shift();
  const codes = entry && entry.codes.length === n ? entry.codes : new Int16Array(n);
  const dequantized = entry && entry.dequantized.length === n ? entry.dequantized : new Float32Array(n);
  codes.set(out.codes);
  dequantized.set(out.dequantized);
  memo.push({ key, prepared: { ...prepared, reused: false }, codes, dequantized });
}

/**
 * Forgets every kept quantization, keeping the arrays for the next ones (for the benchmark, which times full
 * recomputes of one scheme on one tensor: without this, every call after the first would be a kept one).
 */
export function forgetFormats(memo: FormatMemoEntry[] | null): void {
  for (const entry of memo ?? []) entry.key = '';
}
