/**
 * Streams a deflated zip member through fflate's `Inflate` (raw DEFLATE, RFC 1951), reading the compressed
 * bytes in chunks from a ByteSource, so a large .npz member is never held whole in memory and listing
 * inflates only as far as the .npy header.
 */
import { Inflate } from 'fflate';
import { type ByteSource, readRange, throwIfAborted } from './byteSource';
import { ParseError } from './parseError';

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
    pos += n;
    try {
      inflater.push(bytes, pos >= compressedSize);
    } catch (error) {
      throw new ParseError({
        format: 'npz',
        code: 'bad-header',
        fileName: source.name,
        offset: start + pos - n,
        message: `the compressed data of "${memberName}" is corrupt (${(error as Error).message})`,
        hint: 'The archive is damaged: save or download it again.',
      });
    }
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
