/**
 * Reading an HTTP body with a bound: stream it, stop (and cancel the rest) as soon as `limit` bytes have come,
 * and turn a connection that drops midway into a message that says how much arrived. A server that ignores the
 * end of a Range request, or an index served without Content-Length, then costs at most `limit` bytes of memory.
 */

import { formatBytes } from './parseError';

/**
 * Why a bounded body read failed: `over` (more than the limit came), `short` (the body ended or dropped early),
 * `stalled` (no byte came for the stall time; the read was cancelled), `retry` (the user asked to read again
 * while it waited for bytes; the read was cancelled).
 */
export type BodyReadFault = 'over' | 'short' | 'stalled' | 'retry';

export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  readonly kind: BodyReadFault;
  /** Bytes received before the read stopped. */
  readonly received: number;
  /** Those bytes (a Range read resumes after them). */
  readonly partial: Uint8Array;
  constructor(kind: BodyReadFault, partial: Uint8Array, message: string) {
    super(message);
    this.kind = kind;
    this.received = partial.length;
    this.partial = partial;
  }
}

/** Time without a byte after which a body read counts as stalled and is retried (default of `readBodyBounded`). */
export const STALL_MS = 20_000;

/** Time without a byte after which the page is told a download waits (and offers Retry), well before STALL_MS. */
export const STALL_NOTICE_MS = 5_000;

/** How often a waiting read repeats its notice: the page's "no data for N s" ticks, and the worker stays audible. */
const IDLE_TICK_MS = 1_000;

/**
 * What a body read tells, and hears, while it waits for bytes: after `noticeMs` without one it calls `onIdle`
 * (then about every second), `onFlowing` when bytes come again, and it stops waiting at once (BodyReadError
 * `retry`, with the bytes received) when `retrySignal()`'s signal aborts: the user's Retry.
 */
export interface StallWatch {
  noticeMs: number;
  /** `received`: bytes this body read has had so far (a read not yet counted by its caller's progress). */
  onIdle(idleMs: number, received: number): void;
  onFlowing(): void;
  /** The signal of the next Retry; read once per body read, when it starts. */
  retrySignal(): AbortSignal;
}

/**
 * Reads at most `limit` bytes of `response`'s body. `exact`: the body must be exactly `limit` bytes (a Range
 * reply); otherwise it may be shorter (an index of unknown length). More than `limit` bytes: the stream is
 * cancelled and a BodyReadError `over` thrown; fewer (when exact) or a dropped connection: `short`. No byte
 * for `stallMs`: `stalled`; the watch's Retry while waiting: `retry`.
 */
export async function readBodyBounded(
  response: Response,
  limit: number,
  exact: boolean,
  stallMs = STALL_MS,
  watch?: StallWatch,
): Promise<Uint8Array> {
  // A Range reply has its exact size; a body of unknown length (an index) grows with what arrives.
  const out = exact ? new Uint8Array(limit) : null;
  const parts: Uint8Array[] = [];
  let received = 0;
  const partial = () => (out ? out.subarray(0, received) : concat(parts, received));
  const reader = response.body?.getReader();
  if (!reader) {
    if (exact && limit > 0) throw new BodyReadError('short', new Uint8Array(0), 'the reply had no body');
    return new Uint8Array(0);
  }
  const retry = watch?.retrySignal();
  let lastByteAt = Date.now();
  let announced = false;
  // One read request at a time: a tick or a Retry leaves it pending, and the next turn waits on the same one
  // (a second read() would queue behind it, and the chunk answering the first would be lost).
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array> | 'tick' | 'retry';
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onRetry: (() => void) | undefined;
      const idle = Date.now() - lastByteAt;
      // Wake at the stall time, and (when watched) at the notice time, then every second to repeat the notice.
      const untilStall = stallMs - idle;
      const untilNotice = watch ? (idle < watch.noticeMs ? watch.noticeMs - idle : IDLE_TICK_MS) : untilStall;
      try {
        pending ??= reader.read();
        chunk = await Promise.race([
          pending,
          new Promise<'tick'>((resolve) => {
            timer = setTimeout(() => resolve('tick'), Math.max(0, Math.min(untilStall, untilNotice)));
          }),
          new Promise<'retry'>((resolve) => {
            if (!retry) return;
            if (retry.aborted) return resolve('retry');
            onRetry = () => resolve('retry');
            retry.addEventListener('abort', onRetry, { once: true });
          }),
        ]);
      } catch (error) {
        throw new BodyReadError(
          'short',
          partial(),
          `the connection dropped after ${formatBytes(received)}${exact ? ` of ${formatBytes(limit)}` : ''} (${(error as Error).message})`,
        );
      } finally {
        clearTimeout(timer);
        if (onRetry) retry?.removeEventListener('abort', onRetry);
      }
      if (chunk === 'retry') {
        await reader.cancel().catch(() => undefined);
        throw new BodyReadError(
          'retry',
          partial(),
          `read again at the user's request after ${formatBytes(received)}`,
        );
      }
      if (chunk === 'tick') {
        const waited = Date.now() - lastByteAt;
        if (waited >= stallMs) {
          await reader.cancel().catch(() => undefined);
          throw new BodyReadError(
            'stalled',
            partial(),
            `no data came for ${Math.round(stallMs / 1000)} s after ${formatBytes(received)}`,
          );
        }
        if (watch && waited >= watch.noticeMs) {
          announced = true;
          watch.onIdle(waited, received);
        }
        continue;
      }
      pending = null;
      lastByteAt = Date.now();
      if (announced) {
        announced = false;
        watch?.onFlowing();
      }
      if (chunk.done) break;
      const bytes = chunk.value;
      if (received + bytes.length > limit) {
        await reader.cancel().catch(() => undefined);
        throw new BodyReadError('over', partial(), `the body ran past ${limit} bytes`);
      }
      if (out) out.set(bytes, received);
      else parts.push(bytes);
      received += bytes.length;
    }
  } finally {
    pending?.catch(() => undefined); // settled by the cancel above, or by the release below: never unhandled
    reader.releaseLock();
    // A read that ends while announced as waiting (retried, stalled, dropped) no longer waits.
    if (announced) watch?.onFlowing();
  }
  if (exact && received < limit) {
    throw new BodyReadError(
      'short',
      partial(),
      `the body ended after ${formatBytes(received)} of ${formatBytes(limit)}`,
    );
  }
  return out ?? concat(parts, received);
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const whole = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
