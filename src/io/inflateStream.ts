/**
 * Streams a deflated zip member through fflate's `Inflate` (raw DEFLATE, RFC 1951), reading the compressed
 * bytes in chunks from a ByteSource, so a large .npz member is never held whole in memory and listing
 * inflates only as far as the .npy header.
 *
 * Output-bounded: DEFLATE expands at most ~1032:1 (a length-258 match costs at least 2 bits), so the compressed
 * bytes are handed to the inflater INPUT_SLICE_BYTES at a time and no step yields more than
 * MAX_INFLATE_STEP_BYTES, whatever the archive. A 1 MB bomb of zeros that declares 1 GiB is then inflated in
 * ~8 MiB steps, each checked for cancellation, instead of one 1 GiB allocation per MiB of input.
 */
import { Inflate } from 'fflate';
import { type ByteSource, readRange, throwIfAborted } from './byteSource';
import { ParseError } from './parseError';

/** Compressed bytes per inflater step: 8 KiB, at most ~8 MiB out at DEFLATE's ~1032:1 ceiling. */
const INPUT_SLICE_BYTES = 8 * 1024;
/** The largest chunk one inflater step can hand `onData`: 1032 × INPUT_SLICE_BYTES, rounded up. */
export const MAX_INFLATE_STEP_BYTES = 9 * 1024 * 1024;
/** Time between yields to the event loop, so a cancel message reaches a worker busy inflating memory-held bytes. */
const YIELD_EVERY_MS = 30;

export interface InflateOptions {
  signal?: AbortSignal;
  /** Compressed bytes read so far, of the member's total. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Compressed bytes per read (default 1 MiB). */
  chunkBytes?: number;
}

/**
 * Inflates the member whose compressed bytes are [start, start + compressedSize), calling `onData` with each
 * inflated chunk until it returns true (enough) or the stream ends. Resolves to whether the stream ended.
 * Corrupt data becomes a ParseError naming the member.
 */
export async function streamInflate(
  source: ByteSource,
  start: number,
  compressedSize: number,
  memberName: string,
  onData: (chunk: Uint8Array) => boolean | undefined,
  options: InflateOptions = {},
): Promise<boolean> {
  let stop = false;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (!stop && chunk.length > 0) stop = onData(chunk) === true;
    if (final) ended = true;
  });
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  let pos = 0;
  let lastYield = Date.now();
  while (!stop && !ended && pos < compressedSize) {
    throwIfAborted(options.signal);
    const n = Math.min(chunkBytes, compressedSize - pos);
    const bytes = await readRange(
      source,
      start + pos,
      n,
      'npz',
      `the compressed data of "${memberName}"`,
      options.signal,
    );
    for (let at = 0; at < n && !stop && !ended; at += INPUT_SLICE_BYTES) {
      const slice = bytes.subarray(at, Math.min(n, at + INPUT_SLICE_BYTES));
      const last = pos + at + slice.length >= compressedSize;
      try {
        inflater.push(slice, last);
      } catch (error) {
        throw new ParseError({
          format: 'npz',
          code: 'bad-header',
          fileName: source.name,
          offset: start + pos + at,
          message: `the compressed data of "${memberName}" is corrupt (${(error as Error).message})`,
          hint: 'The archive is damaged: save or download it again.',
        });
      }
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
      }
      throwIfAborted(options.signal);
    }
    pos += n;
    options.onProgress?.(pos, compressedSize);
  }
  return ended;
}

/** The first `want` inflated bytes of a member (fewer if the member is shorter). */
export async function inflatePrefix(
  source: ByteSource,
  start: number,
  compressedSize: number,
  memberName: string,
  want: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = new Uint8Array(want);
  let filled = 0;
  await streamInflate(
    source,
    start,
    compressedSize,
    memberName,
    (chunk) => {
      const take = Math.min(chunk.length, want - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      return filled >= want;
    },
    { signal, chunkBytes: 64 * 1024 },
  );
  return out.subarray(0, filled);
}
