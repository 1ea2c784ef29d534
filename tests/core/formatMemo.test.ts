/**
 * A format's quantization kept for view-only changes (src/core/formatMemo.ts): a view change on the same scheme
 * reuses the codes and values, and what it draws is exactly what a fresh computation gives; schemes A and B
 * alternating keep both; a third scheme evicts the least recently used; the kept levels survive the transfer of
 * a view to the page; integer schemes, other tensors and caches made for one-off use keep nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_VIEW,
  defaultSweepSchemes,
  generateTensor,
  type QuantView,
  type Scheme,
  type ViewParams,
} from '../../src/core';
import { FORMAT_MEMO_ENTRIES, FORMAT_MEMO_MAX_VALUES, memoFits } from '../../src/core/formatMemo';

const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 256, cols: 256, seed: 7 });
const formats = defaultSweepSchemes().filter((s) => s.kind !== 'integer');
const Q4K: Scheme = { kind: 'block', format: 'q4_k' };
const NF4: Scheme = { kind: 'block', format: 'nf4' };
/** 8-bit patterns against Q4_K's 4-bit codes: codes left from the other scheme would change "levels used". */
const FP8: Scheme = { kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true };
const MXFP4: Scheme = { kind: 'block', format: 'mxfp4' };

/** A view as the page draws it, without what says how it was computed (time, threads, reuse). */
function drawn(v: QuantView) {
  const { elapsedMs: _e, threads: _t, quantizerReused: _r, ...rest } = v;
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
      expect(first.quantizerReused).toBe(false);
      const second = computeQuantView(t, scheme, zoomed, cache);
      expect(second.quantizerReused, JSON.stringify(scheme)).toBe(true);
      expect(drawn(second), JSON.stringify(scheme)).toEqual(drawn(fresh(scheme, zoomed)));
      // and back: the first view again, from the kept codes
      expect(drawn(computeQuantView(t, scheme, DEFAULT_VIEW, cache))).toEqual(drawn(first));
    }
  });

  it('A and B alternating on one tensor both stay kept; a third scheme evicts the least recently used', () => {
    expect(FORMAT_MEMO_ENTRIES).toBe(2);
    const cache = createTensorCache(t);
    const views = [DEFAULT_VIEW, zoomed, { ...DEFAULT_VIEW, bins: 80, group: 100 }];
    computeQuantView(t, Q4K, DEFAULT_VIEW, cache);
    computeQuantView(t, FP8, DEFAULT_VIEW, cache);
    for (const view of views) {
      for (const scheme of [Q4K, FP8]) {
        const v = computeQuantView(t, scheme, view, cache);
        expect(v.quantizerReused).toBe(true);
        expect(drawn(v)).toEqual(drawn(fresh(scheme, view)));
      }
    }
    // FP8 was used last, so MXFP4 evicts Q4_K
    expect(computeQuantView(t, MXFP4, zoomed, cache).quantizerReused).toBe(false);
    expect(computeQuantView(t, FP8, DEFAULT_VIEW, cache).quantizerReused).toBe(true);
    const q4k = computeQuantView(t, Q4K, zoomed, cache);
    expect(q4k.quantizerReused).toBe(false);
    expect(drawn(q4k)).toEqual(drawn(fresh(Q4K, zoomed)));
  });

  it('a scheme differing in one parameter is quantized again', () => {
    const cache = createTensorCache(t);
    const nf4 = (doubleQuant: boolean): Scheme => ({ kind: 'block', format: 'nf4', doubleQuant });
    computeQuantView(t, nf4(false), DEFAULT_VIEW, cache);
    const other = computeQuantView(t, nf4(true), DEFAULT_VIEW, cache);
    expect(other.quantizerReused).toBe(false);
    expect(drawn(other)).toEqual(drawn(fresh(nf4(true), DEFAULT_VIEW)));
    expect(computeQuantView(t, nf4(false), zoomed, cache).quantizerReused).toBe(true);
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

  it('integer schemes are never reused (they quantize inside the measuring pass)', () => {
    const cache = createTensorCache(t);
    const int4 = defaultSweepSchemes().find((s) => s.kind === 'integer');
    if (!int4) throw new Error('the sweep has no integer scheme');
    computeQuantView(t, int4, DEFAULT_VIEW, cache);
    expect(computeQuantView(t, int4, zoomed, cache).quantizerReused).toBe(false);
  });

  it('another tensor on the cache, or a cache made for one-off use, keeps nothing', () => {
    const cache = createTensorCache(t);
    computeQuantView(t, NF4, DEFAULT_VIEW, cache);
    const copy = { ...t, data: t.data.slice() };
    copy.data[0] += 1;
    const other = computeQuantView(copy, NF4, DEFAULT_VIEW, cache);
    expect(other.quantizerReused).toBe(false);
    // (a cache of another tensor runs the JS pass, whose sums may differ from the kernel's in the last place)
    expect(drawn(other)).toEqual(drawn(computeQuantView(copy, NF4, DEFAULT_VIEW, createTensorCache(t))));
    const oneOff = createTensorCache(t, { keepFormats: false });
    computeQuantView(t, NF4, DEFAULT_VIEW, oneOff);
    expect(computeQuantView(t, NF4, zoomed, oneOff).quantizerReused).toBe(false);
    expect(oneOff.formatMemo).toBeNull();
  });

  it('tensors above FORMAT_MEMO_MAX_VALUES are not kept', () => {
    expect(memoFits({ codes: new Int16Array(FORMAT_MEMO_MAX_VALUES) })).toBe(true);
    expect(memoFits({ codes: new Int16Array(FORMAT_MEMO_MAX_VALUES + 1) })).toBe(false);
  });
});
