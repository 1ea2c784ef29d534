/**
 * Progress of a tensor load, in bytes, for the page's progress bar. Two sources feed it: `loadTensor`'s own
 * onProgress (after each read, with the load's total) and, for network sources, a ByteSource wrapper that
 * splits large reads into pieces so the bar moves during a 16 MiB read too. Worker-side; no DOM.
 */
import type { ByteSource } from '../io';

/** Largest single request of a wrapped source: 4 MiB (a 16 MiB read becomes 4 Range requests). */
export const PROGRESS_PIECE_BYTES = 4 * 1024 * 1024;

/**
 * A source that reads like `source` but splits reads longer than `pieceBytes` into sequential pieces and calls
 * `onBytes(n)` after each piece (and after each whole read). Same bytes, same errors; keeps `coalesceGapBytes`.
 */
export function withReadProgress(
  source: ByteSource,
  onBytes: (bytes: number) => void,
  pieceBytes = PROGRESS_PIECE_BYTES,
): ByteSource {
  return {
    name: source.name,
    size: source.size,
    coalesceGapBytes: source.coalesceGapBytes,
    async read(offset, length, signal) {
      if (length <= pieceBytes) {
        const bytes = await source.read(offset, length, signal);
        onBytes(bytes.length);
        return bytes;
      }
      const out = new Uint8Array(length);
      for (let pos = 0; pos < length; pos += pieceBytes) {
        const n = Math.min(pieceBytes, length - pos);
        const part = await source.read(offset + pos, n, signal);
        out.set(part.subarray(0, n), pos);
        onBytes(part.length);
        // A short answer: return what arrived, so the caller's length check names the problem.
        if (part.length < n) return out.subarray(0, pos + part.length);
      }
      return out;
    },
  };
}

export interface ProgressReporter {
  /** loadTensor's onProgress: bytes read so far by whole reads, and the load's total. */
  onLoad(loaded: number, total: number): void;
  /** A piece of a read arrived (withReadProgress). */
  onBytes(bytes: number): void;
  /**
   * The download has waited `idleMs` for a byte (sent at once), or flows again (null). `partial`: bytes the
   * waiting read has had, not yet counted (a read is counted when it ends), so the report says how far it got.
   */
  onStall(idleMs: number | null, partial: number): void;
}

/**
 * Merges both feeds into `post(loaded, total)` calls, at most one per `intervalMs`: the first (0) and the last
 * (loaded = total) are always sent at once; a report held back by the interval is sent when it ends (a trailing
 * report), so a download that stalls still shows how far it got. `loaded` never exceeds `total` nor goes down.
 * While the download waits for bytes, every report carries `stalledMs` (onStall).
 */
export function createProgressReporter(
  post: (loaded: number, total: number, stalledMs?: number) => void,
  intervalMs = 50,
  now: () => number = Date.now,
  schedule: (run: () => void, delayMs: number) => void = (run, delayMs) => {
    setTimeout(run, delayMs);
  },
): ProgressReporter {
  let total = 0;
  let wholeReads = 0;
  let pieces = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let lastSent = -1;
  let trailing = false;
  let stalledMs: number | undefined;
  let partialBytes = 0;
  const send = (force: boolean) => {
    const loaded = Math.max(lastSent, Math.min(total, Math.max(wholeReads, pieces) + partialBytes));
    if (loaded === lastSent && !force) return;
    const wait = lastSentAt + intervalMs - now();
    if (!force && wait > 0) {
      if (!trailing) {
        trailing = true;
        schedule(() => {
          trailing = false;
          send(false);
        }, wait);
      }
      return;
    }
    lastSentAt = now();
    lastSent = loaded;
    if (stalledMs === undefined) post(loaded, total);
    else post(loaded, total, stalledMs);
  };
  return {
    onLoad(loaded, t) {
      if (loaded === 0) pieces = 0; // reads before the load's first report were header reads
      total = t;
      wholeReads = loaded;
      send(loaded === 0 || loaded >= t);
    },
    onBytes(bytes) {
      pieces += bytes;
      if (total > 0) send(false);
    },
    onStall(idleMs, partial) {
      // Sent at once, even with no new byte: the page's notice appears, ticks, and goes when bytes come again.
      if (idleMs === null && stalledMs === undefined) return;
      stalledMs = idleMs ?? undefined;
      partialBytes = idleMs === null ? 0 : partial;
      send(true);
    },
  };
}
