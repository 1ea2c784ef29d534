/** compareClipThresholds: the three searches on one group give the ranges the engine itself would use. */
import { describe, expect, it } from 'vitest';
import { compareClipThresholds } from '../../src/core/clipCompare';
import { octavThreshold } from '../../src/core/clipSearch';
import { computeQuantView } from '../../src/core/quantView';
import { createRng } from '../../src/core/random';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type IntegerScheme } from '../../src/core/scheme';
import { DEFAULT_VIEW } from '../../src/core/view';

const rows = 8;
const cols = 512;
const rng = createRng(11);
// Student-t-ish tails: normal values with a few large ones, so every search clips below max |x|.
const data = Float32Array.from({ length: rows * cols }, (_, i) => rng.normal() * (i % 97 === 0 ? 6 : 1));
const tensor = { rows, cols, data };

const engineRange = (scheme: IntegerScheme, kind: 'mseOptimal' | 'kl' | 'octav', group: number) => {
  const v = computeQuantView(tensor, { ...scheme, clipping: { kind } }, { ...DEFAULT_VIEW, group });
  return { lo: v.group.lo, hi: v.group.hi };
};

describe('compareClipThresholds', () => {
  it.each([
    ['absmax int4 per tensor', { ...DEFAULT_SCHEME_A, bits: 4 }, 0],
    ['absmax int4 per row, row 5', { ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'row' } }, 5],
    [
      'zero-point int3 group 128, group 9',
      { ...DEFAULT_SCHEME_B, bits: 3, granularity: { kind: 'group', size: 128 } },
      9,
    ],
    [
      'absmax int8 full range per row',
      { ...DEFAULT_SCHEME_A, fullRange: true, granularity: { kind: 'row' } },
      2,
    ],
  ] as Array<[string, IntegerScheme, number]>)(
    '%s: each range equals the engine’s for that clipping',
    (_n, scheme, group) => {
      const r = compareClipThresholds(tensor, scheme, group);
      expect(r.group).toBe(group);
      // KL is calibrated per tensor only (validate.ts refuses it per row / group, as TensorRT calibrates).
      expect(r.thresholds.map((t) => t.method)).toEqual(
        scheme.granularity.kind === 'tensor' ? ['mseOptimal', 'kl', 'octav'] : ['mseOptimal', 'octav'],
      );
      for (const t of r.thresholds) {
        expect({ lo: t.lo, hi: t.hi }).toEqual(engineRange(scheme, t.method, group));
      }
    },
  );

  it('reports OCTAV as the clipSearch fixed point of the group’s values (absmax, per tensor)', () => {
    const r = compareClipThresholds(tensor, { ...DEFAULT_SCHEME_A, bits: 4 }, 0);
    const octav = r.thresholds.find((t) => t.method === 'octav');
    expect(octav?.hi).toBe(Math.fround(octavThreshold(data, 4)));
    expect(octav?.lo).toBe(-(octav?.hi ?? 0));
  });

  it('gives the MSE-optimal search the lowest MSE of the three, below no clipping, on tailed data', () => {
    const scheme: IntegerScheme = { ...DEFAULT_SCHEME_A, bits: 4 };
    const r = compareClipThresholds(tensor, scheme, 0);
    const unclipped = computeQuantView(tensor, scheme, DEFAULT_VIEW).metrics.mse;
    const [mse, kl, octav] = r.thresholds.map((t) => t.mse);
    expect(mse).toBeLessThan(unclipped);
    // The MSE search runs on a 4096-value subsample, so allow it a hair above the others on the full group.
    expect(mse).toBeLessThanOrEqual(Math.min(kl, octav) * 1.02);
    for (const t of r.thresholds) expect(t.hi).toBeLessThan(Math.max(...data.map(Math.abs)));
  });

  it('clamps the group to the scheme’s group count', () => {
    const r = compareClipThresholds(tensor, { ...DEFAULT_SCHEME_A, granularity: { kind: 'row' } }, 99);
    expect(r.group).toBe(rows - 1);
  });

  it('returns no thresholds for a group with no finite value', () => {
    const nan = { rows: 1, cols: 4, data: Float32Array.of(Number.NaN, Number.NaN, Number.NaN, Number.NaN) };
    expect(compareClipThresholds(nan, DEFAULT_SCHEME_A, 0).thresholds).toEqual([]);
  });
});
