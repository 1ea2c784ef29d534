/** Test ByteSources: one that records every read, and one that pretends to be huge. */
import type { ByteSource } from '../../src/io';

export interface CountingSource extends ByteSource {
  /** [offset, length] of every read, in order. */
  readonly reads: [number, number][];
  readonly bytesRead: number;
}

/** Wraps bytes; records each read. `gap` sets coalesceGapBytes (as an HTTP source would). */
export function countingSource(name: string, bytes: Uint8Array, gap?: number): CountingSource {
  const reads: [number, number][] = [];
  return {
    name,
    size: bytes.length,
    reads,
    coalesceGapBytes: gap,
    get bytesRead() {
      return reads.reduce((n, [, l]) => n + l, 0);
    },
    async read(offset, length, signal) {
      signal?.throwIfAborted();
      if (offset < 0 || offset + length > bytes.length) throw new RangeError('read past the end');
      reads.push([offset, length]);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * A source of `size` bytes (e.g. 10 GB) whose first bytes are `prefix`; reading anything past the prefix
 * fails the test, which proves a listing reads the header only.
 */
export function hugeSource(name: string, prefix: Uint8Array, size: number): CountingSource {
  const inner = countingSource(name, prefix);
  return {
    ...inner,
    name,
    size,
    reads: inner.reads,
    get bytesRead() {
      return inner.bytesRead;
    },
    async read(offset, length, signal) {
      if (offset + length > prefix.length)
        throw new Error(`read of ${length} bytes at ${offset} is past the header`);
      return inner.read(offset, length, signal);
    },
  };
}
