/**
 * Reading an HTTP body with a bound: stream it, stop (and cancel the rest) as soon as `limit` bytes have come,
 * and turn a connection that drops midway into a message that says how much arrived. A server that ignores the
 * end of a Range request, or an index served without Content-Length, then costs at most `limit` bytes of memory.
 */

import { formatBytes } from './parseError';

/** Why a bounded body read failed: `over` (more than the limit came), `short` (the body ended or dropped early). */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  readonly kind: 'over' | 'short';
  /** Bytes received before the read stopped. */
  readonly received: number;
  constructor(kind: 'over' | 'short', received: number, message: string) {
    super(message);
    this.kind = kind;
    this.received = received;
  }
}

/**
 * Reads at most `limit` bytes of `response`'s body. `exact`: the body must be exactly `limit` bytes (a Range
 * reply); otherwise it may be shorter (an index of unknown length). More than `limit` bytes: the stream is
 * cancelled and a BodyReadError `over` thrown; fewer (when exact) or a dropped connection: `short`.
 */
export async function readBodyBounded(
  response: Response,
  limit: number,
  exact: boolean,
): Promise<Uint8Array> {
  // A Range reply has its exact size; a body of unknown length (an index) grows with what arrives.
  const out = exact ? new Uint8Array(limit) : null;
  const parts: Uint8Array[] = [];
  let received = 0;
  const reader = response.body?.getReader();
  if (!reader) {
    if (exact && limit > 0) throw new BodyReadError('short', 0, 'the reply had no body');
    return new Uint8Array(0);
  }
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new BodyReadError(
          'short',
          received,
          `the connection dropped after ${formatBytes(received)}${exact ? ` of ${formatBytes(limit)}` : ''} (${(error as Error).message})`,
        );
      }
      if (chunk.done) break;
      const bytes = chunk.value;
      if (received + bytes.length > limit) {
        await reader.cancel().catch(() => undefined);
        throw new BodyReadError('over', received + bytes.length, `the body ran past ${limit} bytes`);
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
      received,
      `the body ended after ${formatBytes(received)} of ${formatBytes(limit)}`,
    );
  }
  if (out) return out;
  const whole = new Uint8Array(received);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
