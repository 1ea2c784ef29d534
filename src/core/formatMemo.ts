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
import type { QuantView } from './view';

/**
 * A channel's output region, the format quantization it holds (key: the scheme as JSON), if any, and the last view
 * measured from it (key: scheme and view but the group), for a change of the group shown alone.
 */
export interface ChannelOutput {
  readonly channel: string;
  readonly output: number;
  key: string | null;
  prepared: Prepared | null;
  measured: MeasuredView | null;
}

/** A view kept whole (its own copies of the arrays: the one sent to the page is transferred), with its Prepared. */
export interface MeasuredView {
  key: string;
  prepared: Prepared;
  view: QuantView;
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
    claimed = { channel, output, key: null, prepared: null, measured: null };
  }
  channels.push(claimed);
  return claimed;
}

/** The kept quantization for `key` in `claimed`'s region (marked reused, on one thread), or null. */
export function recallFormat(claimed: ChannelOutput, key: string): Prepared | null {
  return claimed.key === key && claimed.prepared
    ? { ...claimed.prepared, threads: 1, reused: 'quantization' }
    : null;
}

/**
 * Records that `claimed`'s region now holds `key`'s quantization (null key: something not kept, e.g. an integer
 * scheme, which overwrote it).
 */
export function rememberFormat(claimed: ChannelOutput, key: string | null, prepared: Prepared | null): void {
  claimed.key = key;
  claimed.prepared = key === null ? null : prepared;
}

/** Forgets what `claimed`'s region holds and the view measured from it (something else was written there). */
export function forgetOutput(claimed: ChannelOutput): void {
  rememberFormat(claimed, null, null);
  claimed.measured = null;
}

/**
 * Forgets every kept quantization and view (the regions stay): for the benchmark, which times full recomputes of
 * one scheme on one tensor (without this, every call after the first would measure the kept one).
 */
export function forgetFormats(memo: FormatMemo | null): void {
  for (const c of memo?.channels ?? []) forgetOutput(c);
}

/** A deep copy of a view: plain objects and arrays copied, typed arrays sliced (so they own their buffers). */
export function copyView<T>(value: T): T {
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): T }).slice();
  if (Array.isArray(value)) return value.map(copyView) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyView(v);
    return out as T;
  }
  return value;
}
