/**
 * ByteSource: random access to the bytes of one file, wherever they live (memory, a File, an HTTP server).
 * Parsers only ever call `read(offset, length)`, so a multi-GB file lists instantly: only its header is read.
 * This is the only io module that touches a DOM type (`Blob.slice`); `fromHttp` lives in hub.ts.
 */
import { formatBytes, ParseError, type ParseFormat } from './parseError';

export interface ByteSource {
  /** File name as the user knows it ("model.safetensors"); used in messages and to match shards. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Resolves to exactly `length` bytes starting at `offset` (callers keep `offset + length <= size`).
   * The result may be a view into a shared buffer: treat it as read-only.
   * Rejects with the signal's reason (an `AbortError`) when `signal` aborts.
   */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Bytes it is cheaper to read through than to skip with a second request (HTTP: about one round trip's worth).
   * Loaders merge sampled row reads whose gap is at most this. Absent or 0: never read unneeded bytes.
   */
  readonly coalesceGapBytes?: number;
  /**
   * Largest read a loader makes at once (readRows.ts; absent: DEFAULT_CHUNK_BYTES, 16 MiB). A local file reads in
   * 4 MiB (LOCAL_CHUNK_BYTES): each read is a fresh buffer that waits for a collection, and fewer bytes waiting
   * lower the peak while a large tensor loads; over HTTP each read is a round trip, so those stay large.
   */
  readonly chunkBytes?: number;
}

/** Reads of a local file (`fromBlob`): the Whole model bench's peak fell by ~35 MiB from 16 MiB reads, same time. */
export const LOCAL_CHUNK_BYTES = 4 * 1024 * 1024;

/** Throws the signal's reason (an `AbortError` DOMException by default) if it has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/** A source over bytes already in memory (tests, pasted text, a file read whole). No copy is made. */
export function fromBytes(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    async read(offset, length, signal) {
      throwIfAborted(signal);
      checkReadArguments(name, bytes.length, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** A source over UTF-8 text (pasted numbers). */
export function fromText(name: string, text: string): ByteSource {
  return fromBytes(name, new TextEncoder().encode(text));
}

/**
 * A source over a Blob or File: each read is a `Blob.slice(...).arrayBuffer()`, so nothing outside the
 * requested range is loaded (this is what lets a 10 GB .safetensors list instantly). Works in a Web Worker.
 */
export function fromBlob(blob: Blob & { readonly name?: string }, name = blob.name ?? 'file'): ByteSource {
  return {
    name,
    size: blob.size,
    chunkBytes: LOCAL_CHUNK_BYTES,
    async read(offset, length, signal) {
      throwIfAborted(signal);
      checkReadArguments(name, blob.size, offset, length);
      const buffer = await blob.slice(offset, offset + length).arrayBuffer();
      throwIfAborted(signal);
      return new Uint8Array(buffer);
    },
  };
}

function checkReadArguments(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeError(`${name}: invalid read of ${length} bytes at ${offset}`);
  }
  if (offset + length > size) {
    throw new RangeError(`${name}: read of ${length} bytes at ${offset} runs past the end (${size} bytes)`);
  }
}

/**
 * Reads `length` bytes at `offset`, turning "past the end of the file" and a short answer into a ParseError
 * with code `truncated` that names `what` was being read. Every parser reads through this.
 */
export async function readRange(
  source: ByteSource,
  offset: number,
  length: number,
  format: ParseFormat,
  what: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new ParseError({
      format,
      code: 'bad-header',
      fileName: source.name,
      offset,
      message: `${what} has an impossible position (${length} bytes at offset ${offset})`,
      hint: 'The file header is corrupt; re-export the file.',
    });
  }
  if (offset + length > source.size) {
    throw new ParseError({
      format,
      code: 'truncated',
      fileName: source.name,
      offset,
      message: `${what} (${formatBytes(length)} at offset ${offset}) runs past the end of the file (${formatBytes(source.size)})`,
      hint: 'The file looks truncated: download or copy it again.',
    });
  }
  const bytes = await source.read(offset, length, signal);
  if (bytes.length !== length) {
    throw new ParseError({
      format,
      code: 'truncated',
      fileName: source.name,
      offset,
      message: `asked for ${formatBytes(length)} of ${what} at offset ${offset} but got ${formatBytes(bytes.length)}`,
      hint: 'The file changed or the server sent a short answer; try again.',
    });
  }
  return bytes;
}
