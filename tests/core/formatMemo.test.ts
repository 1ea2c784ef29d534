/**
 * A format's quantization kept for view-only changes (src/core/formatMemo.ts): a view change on the same scheme
 * reuses the codes and values in its channel's output region, and what it draws is exactly what a fresh
 * computation gives; channels A and B alternating keep both, and a new scheme on one leaves the other's; a third
 * channel takes the least recently used one's region; the kept levels survive the transfer of a view to the page;
 * integer schemes, other tensors and caches made for one-off use keep nothing and replace what they overwrite.
 */
import { describe, expect, it } from 'vitest';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_VIEW,
  defaultSweepSchemes,
  generateTensor,
  type IntegerScheme,
  type QuantView,
  type Scheme,
  type ViewParams,
} from '../../src/core';
import {
  claimOutput,
  createFormatMemo,
  FORMAT_MEMO_MAX_VALUES,
  OUTPUTS_PER_CACHE,
  outputsFor,
} from '../../src/core/formatMemo';

const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 256, cols: 256, seed: 7 });
const formats = defaultSweepSchemes().filter((s) => s.kind !== 'integer');
const Q4K: Scheme = { kind: 'block', format: 'q4_k' };
const NF4: Scheme = { kind: 'block', format: 'nf4' };
/** 8-bit patterns against Q4_K's 4-bit codes: codes left from the other scheme would change "levels used". */
const FP8: Scheme = { kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true };
const MXFP4: Scheme = { kind: 'block', format: 'mxfp4' };

/** A view as the page draws it, without what says how it was computed (time, threads, reuse). */
function drawn(v: QuantView) {
  const { elapsedMs: _e, threads: _t, reused: _r, ...rest } = v;
  return rest;
}

/** What a cache that has never seen `scheme` gives for `view`. */
function fresh(scheme: Scheme, view: ViewParams): QuantView {
  return computeQuantView(t, scheme, view, createTensorCache(t));
}

const zoomed: ViewParams = { ...DEFAULT_VIEW, bins: 37, range: [-0.02, 0.03], errorBins: 19, group: 5 };

describe('a format kept across view changes', () => {
  it('every non-integer sweep scheme: the second view reuses the quantization and draws what a fresh cache draws', () => {
    expect(formats.length).toBeGreaterThan(15);
    for (const scheme of formats) {
      const cache = createTensorCache(t);
      const first = computeQuantView(t, scheme, DEFAULT_VIEW, cache);
      expect(first.reused).toBe('none');
      const second = computeQuantView(t, scheme, zoomed, cache);
      expect(second.reused, JSON.stringify(scheme)).toBe('quantization');
      expect(drawn(second), JSON.stringify(scheme)).toEqual(drawn(fresh(scheme, zoomed)));
      // and back: the first view again, from the kept codes
      expect(drawn(computeQuantView(t, scheme, DEFAULT_VIEW, cache))).toEqual(drawn(first));
    }
  });

  it('channels A and B alternating both stay kept; a new scheme on B leaves A its own; a third channel takes the least recently used region', () => {
    expect(OUTPUTS_PER_CACHE).toBe(2);
    const cache = createTensorCache(t);
    const on = (channel: string, scheme: Scheme, view: ViewParams) =>
      computeQuantView(t, scheme, view, cache, { channel });
    const views = [DEFAULT_VIEW, zoomed, { ...DEFAULT_VIEW, bins: 80, group: 100 }];
    const start = { ...DEFAULT_VIEW, bins: 50 };
    on('a', Q4K, start);
    on('b', FP8, start);
    for (const view of views) {
      for (const [channel, scheme] of [
        ['a', Q4K],
        ['b', FP8],
      ] as const) {
        const v = on(channel, scheme, view);
        expect(v.reused).toBe('quantization');
        expect(drawn(v)).toEqual(drawn(fresh(scheme, view)));
      }
    }
    // B drags through schemes: A's region is untouched
    expect(on('b', MXFP4, zoomed).reused).toBe('none');
    expect(on('b', NF4, zoomed).reused).toBe('none');
    const a = on('a', Q4K, DEFAULT_VIEW);
    expect(a.reused).toBe('quantization');
    expect(drawn(a)).toEqual(drawn(fresh(Q4K, DEFAULT_VIEW)));
    // B was used less recently than A: channel C takes B's region, so B quantizes again
    expect(on('c', MXFP4, DEFAULT_VIEW).reused).toBe('none');
    expect(on('a', Q4K, zoomed).reused).toBe('quantization');
    const b = on('b', NF4, zoomed);
    expect(b.reused).toBe('none');
    expect(drawn(b)).toEqual(drawn(fresh(NF4, zoomed)));
  });

  it('one region (a tensor above FORMAT_MEMO_MAX_VALUES): each channel takes it over from the other', () => {
    expect(outputsFor(FORMAT_MEMO_MAX_VALUES)).toBe(2);
    expect(outputsFor(FORMAT_MEMO_MAX_VALUES + 1)).toBe(1);
    const memo = createFormatMemo(1);
    const a = claimOutput(memo, 'a');
    a.key = 'kept';
    const b = claimOutput(memo, 'b');
    expect(b.output).toBe(a.output);
    expect(b.key).toBeNull();
    const again = claimOutput(memo, 'a');
    expect(again.key).toBeNull();
    expect(memo.channels.map((c) => c.channel)).toEqual(['a']);
  });

  it('a scheme differing in one parameter is quantized again, and replaces the kept one in its channel', () => {
    const cache = createTensorCache(t);
    const nf4 = (doubleQuant: boolean): Scheme => ({ kind: 'block', format: 'nf4', doubleQuant });
    computeQuantView(t, nf4(false), DEFAULT_VIEW, cache);
    const other = computeQuantView(t, nf4(true), DEFAULT_VIEW, cache);
    expect(other.reused).toBe('none');
    expect(drawn(other)).toEqual(drawn(fresh(nf4(true), DEFAULT_VIEW)));
    // the channel's region now holds the double-quantized one: going back quantizes again
    const back = computeQuantView(t, nf4(false), zoomed, cache);
    expect(back.reused).toBe('none');
    expect(drawn(back)).toEqual(drawn(fresh(nf4(false), zoomed)));
  });

  it('the levels of a reused view are its own: transferring a view to the page does not detach the kept ones', () => {
    // FormatOutput.levelsOf makes a new array per call, for every format
    for (const scheme of formats) {
      const cache = createTensorCache(t);
      const view = { ...DEFAULT_VIEW, group: 3 };
      const expected = fresh(scheme, view).levels;
      for (let k = 0; k < 3; k++) {
        const v = computeQuantView(t, scheme, view, cache);
        expect(v.levels).toEqual(expected);
        structuredClone(v.levels, { transfer: [v.levels.buffer] }); // what serve() does to the reply
        expect(v.levels.length).toBe(0);
      }
    }
  });

  it('integer schemes are never reused, and replace the format their channel held', () => {
    const cache = createTensorCache(t);
    const int4 = defaultSweepSchemes().find((s) => s.kind === 'integer');
    if (!int4) throw new Error('the sweep has no integer scheme');
    computeQuantView(t, int4, DEFAULT_VIEW, cache);
    expect(computeQuantView(t, int4, zoomed, cache).reused).toBe('none');
    computeQuantView(t, NF4, DEFAULT_VIEW, cache, { channel: 'a' });
    computeQuantView(t, int4, DEFAULT_VIEW, cache, { channel: 'a' });
    const nf4 = computeQuantView(t, NF4, zoomed, cache, { channel: 'a' });
    expect(nf4.reused).toBe('none');
    expect(drawn(nf4)).toEqual(drawn(fresh(NF4, zoomed)));
  });

  it('another tensor on the cache keeps nothing and replaces what the selected region held; a one-off cache keeps nothing', () => {
    const cache = createTensorCache(t);
    computeQuantView(t, NF4, DEFAULT_VIEW, cache);
    const copy = { ...t, data: t.data.slice() };
    copy.data[0] += 1;
    const other = computeQuantView(copy, NF4, DEFAULT_VIEW, cache);
    expect(other.reused).toBe('none');
    // (a cache of another tensor runs the JS pass, whose sums may differ from the kernel's in the last place)
    expect(drawn(other)).toEqual(drawn(computeQuantView(copy, NF4, DEFAULT_VIEW, createTensorCache(t))));
    const back = computeQuantView(t, NF4, zoomed, cache);
    expect(back.reused).toBe('none');
    expect(drawn(back)).toEqual(drawn(fresh(NF4, zoomed)));
    const oneOff = createTensorCache(t, { keepFormats: false });
    expect(oneOff.formatMemo).toBeNull();
    expect(oneOff.outputs.length).toBe(1);
    computeQuantView(t, NF4, DEFAULT_VIEW, oneOff);
    expect(computeQuantView(t, NF4, zoomed, oneOff).reused).toBe('none');
  });

  it('only the group shown changed: everything measured is reused, and the view is what a fresh cache draws', () => {
    const integer = defaultSweepSchemes().filter((s): s is IntegerScheme => s.kind === 'integer');
    const plain = integer.find((s) => s.clipping.kind === 'none' && s.granularity.kind === 'group');
    if (!plain) throw new Error('the sweep has no plain grouped integer scheme');
    for (const scheme of [...formats, plain]) {
      const cache = createTensorCache(t, { wasm: true });
      computeQuantView(t, scheme, zoomed, cache, { channel: 'a' });
      for (const group of [0, 9, 1e9]) {
        const v = computeQuantView(t, scheme, { ...zoomed, group }, cache, { channel: 'a' });
        expect(v.reused, JSON.stringify(scheme)).toBe('measuring');
        expect(drawn(v), JSON.stringify(scheme)).toEqual(drawn(fresh(scheme, { ...zoomed, group })));
        // what the page receives is transferred: the next view must not share its arrays
        structuredClone(v, { transfer: [v.rowMse.buffer, v.histogram.dequantized.buffer, v.levels.buffer] });
      }
    }
  });

  it('a clipping search reports its group: a group change computes again, as does another view', () => {
    const searched: Scheme = {
      kind: 'integer',
      method: 'absmax',
      bits: 4,
      granularity: { kind: 'row' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'mseOptimal' },
    };
    const cache = createTensorCache(t);
    const first = computeQuantView(t, searched, DEFAULT_VIEW, cache, { channel: 'a' });
    expect(first.clipReport).not.toBeNull();
    const other = computeQuantView(t, searched, { ...DEFAULT_VIEW, group: 7 }, cache, { channel: 'a' });
    expect(other.reused).toBe('none');
    expect(drawn(other)).toEqual(drawn(fresh(searched, { ...DEFAULT_VIEW, group: 7 })));
    const nf4 = computeQuantView(t, NF4, DEFAULT_VIEW, cache, { channel: 'a' });
    expect(computeQuantView(t, NF4, { ...DEFAULT_VIEW, bins: 9 }, cache, { channel: 'a' }).reused).toBe(
      'quantization',
    );
    expect(nf4.reused).toBe('none');
  });
});
