/**
 * A format's quantization of a tensor, kept for the next call with the same scheme. A view change (histogram
 * bins, zoom, the group shown, heatmap size) does not change a format's codes and values, only how they are
 * measured, so that call measures the kept ones instead of quantizing again: for Q4_K at 1024² the quantizer is
 * ~20 of ~30 ms.
 *
 * Nothing is copied. The tensor's cache has one output region (codes and dequantized values) per scheme panel
 * ("channel": A and B recompute one after the other on every view change), and each call selects its channel's
 * region before quantizing into it or measuring what it holds. A channel remembers which format scheme its region
 * holds; any other scheme written there (a new format, an integer scheme, another tensor) replaces that.
 *
 * Integer schemes are not kept: they quantize inside the measuring pass (one fused read of the tensor), so there
 * is nothing separate to skip.
 */
import type { Prepared } from './quantView';

/** A channel's output region, and the format quantization it holds (key: the scheme as JSON), if any. */
export interface ChannelOutput {
  readonly channel: string;
  readonly output: number;
  key: string | null;
  prepared: Prepared | null;
}

export interface FormatMemo {
  /** How many output regions the cache has: channels beyond that take over the least recently used one's. */
  readonly outputs: number;
  /** The channels seen, most recently used last. */
  readonly channels: ChannelOutput[];
}

/**
 * Above this many values a cache has one output region (each more costs 6 bytes a value: 24 MiB at 2048 x 2048,
 * 96 MiB at 4096 x 4096), shared by the channels, so only calls of one channel in a row reuse it.
 */
export const FORMAT_MEMO_MAX_VALUES = 1 << 22;

/** Output regions per cache at or below FORMAT_MEMO_MAX_VALUES: one per scheme on screen (A and B). */
export const OUTPUTS_PER_CACHE = 2;

/** Output regions for a tensor of `n` values. */
export function outputsFor(n: number): number {
  return n <= FORMAT_MEMO_MAX_VALUES ? OUTPUTS_PER_CACHE : 1;
}

export function createFormatMemo(outputs: number): FormatMemo {
  return { outputs, channels: [] };
}

/**
 * `channel`'s output region: its own, or for a channel not seen yet a free region, else the least recently used
 * channel's (which forgets what it held). The caller selects `output` in the cache.
 */
export function claimOutput(memo: FormatMemo, channel: string): ChannelOutput {
  const { channels } = memo;
  const at = channels.findIndex((c) => c.channel === channel);
  let claimed: ChannelOutput;
  if (at >= 0) {
    claimed = channels.splice(at, 1)[0];
  } else {
    const taken = new Set(channels.map((c) => c.output));
    let output = 0;
    while (taken.has(output)) output++;
    if (output >= memo.outputs) output = (channels.shift() as ChannelOutput).output;
    claimed = { channel, output, key: null, prepared: null };
  }
  channels.push(claimed);
  return claimed;
}

/** The kept quantization for `key` in `claimed`'s region (marked reused, on one thread), or null. */
export function recallFormat(claimed: ChannelOutput, key: string): Prepared | null {
  return claimed.key === key && claimed.prepared ? { ...claimed.prepared, threads: 1, reused: true } : null;
}

/**
 * Records that `claimed`'s region now holds `key`'s quantization (null key: something not kept, e.g. an integer
 * scheme, which overwrote it).
 */
export function rememberFormat(claimed: ChannelOutput, key: string | null, prepared: Prepared | null): void {
  claimed.key = key;
  claimed.prepared = key === null ? null : prepared;
}

/**
 * Forgets every kept quantization (the regions stay): for the benchmark, which times full recomputes of one scheme
 * on one tensor (without this, every call after the first would measure the kept one).
 */
export function forgetFormats(memo: FormatMemo | null): void {
  for (const c of memo?.channels ?? []) rememberFormat(c, null, null);
}
