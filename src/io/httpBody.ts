/**
 * Reading an HTTP body with a bound: stream it, stop (and cancel the rest) as soon as `limit` bytes have come,
 * and turn a connection that drops midway into a message that says how much arrived. A server that ignores the
 * end of a Range request, or an index served without Content-Length, then costs at most `limit` bytes of memory.
 */

import { formatBytes } from './parseError';

/** Why a bounded body read failed: `over` (more than the limit came), `short` (the body ended or dropped early). */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  /** `stalled`: no byte came for the stall time (the read was cancelled). */
  readonly kind: 'over' | 'short' | 'stalled';
  /** Bytes received before the read stopped. */
  readonly received: number;
  /** Those bytes (a Range read resumes after them). */
  readonly partial: Uint8Array;
  constructor(kind: 'over' | 'short' | 'stalled', partial: Uint8Array, message: string) {
    super(message);
    this.kind = kind;
    this.received = partial.length;
    this.partial = partial;
  }
}

/** Seconds without a byte after which a body read counts as stalled (default of `readBodyBounded`). */
export const STALL_MS = 20_000;

/**
 * Reads at most `limit` bytes of `response`'s body. `exact`: the body must be exactly `limit` bytes (a Range
 * reply); otherwise it may be shorter (an index of unknown length). More than `limit` bytes: the stream is
 * cancelled and a BodyReadError `over` thrown; fewer (when exact) or a dropped connection: `short`.
 */
export async function readBodyBounded(
  response: Response,
  limit: number,
  exact: boolean,
  stallMs = STALL_MS,
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
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array> | 'stalled';
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        chunk = await Promise.race([
          reader.read(),
          new Promise<'stalled'>((resolve) => {
            timer = setTimeout(() => resolve('stalled'), stallMs);
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
      }
      if (chunk === 'stalled') {
        await reader.cancel().catch(() => undefined);
        throw new BodyReadError(
          'stalled',
          partial(),
          `no data came for ${Math.round(stallMs / 1000)} s after ${formatBytes(received)}`,
        );
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
    reader.releaseLock();
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
