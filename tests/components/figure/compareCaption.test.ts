/** The caption under the compared histograms, on hand-made metrics (the numbers quoted are worked out below). */
import { describe, expect, it } from 'vitest';
import {
  type CaptionSide,
  compareCaption,
  singleCaption,
} from '../../../src/components/figure/compareCaption';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type Scheme } from '../../../src/core/scheme';
import type { Metrics } from '../../../src/core/view';

function metrics(patch: Partial<Metrics>): Metrics {
  return {
    count: 100,
    nonFinite: 0,
    mse: 1e-4,
    rmse: 1e-2,
    maxAbsError: 0.01,
    meanError: 0,
    sqnrDb: 20,
    clippedFraction: 0,
    levelsUsed: 100,
    levelsTotal: 255,
    bitsPerWeight: 8,
    storage: '',
    originalBytes: 400,
    quantizedBytes: 100,
    ...patch,
  };
}

function side(scheme: Scheme, m: Partial<Metrics>, group: CaptionSide['group'], groupCount = 1): CaptionSide {
  return { scheme, metrics: metrics(m), group, groupCount };
}

// Data range [-2, 1]. Absmax: α = 2, Δ = 2/127 = 0.015748; zero-point: Δ = 3/255 = 0.011765, which is
// 0.011765 / 0.015748 = 0.74706 of absmax's step: 25.3% finer.
const absmax = side(
  DEFAULT_SCHEME_A,
  { mse: 1e-4, sqnrDb: 20, bitsPerWeight: 8.00024, levelsTotal: 255 },
  { index: 0, lo: -2, hi: 2, scale: 2 / 127 },
);
const zeroPoint = side(
  DEFAULT_SCHEME_B,
  { mse: 5e-5, sqnrDb: 23.0103, bitsPerWeight: 8.00037, levelsTotal: 256 },
  { index: 0, lo: -2, hi: 1, scale: 3 / 255 },
);

describe('compareCaption', () => {
  it('tells the absmax against zero-point story with the live numbers', () => {
    expect(compareCaption(absmax, zeroPoint)).toBe(
      "Absmax (A) spreads 255 levels symmetrically over ±2; zero-point (B) spreads 256 over the data's own range [-2, 1], so B gets a 25.3% finer step. B's MSE is ×0.5 that of A's (SQNR +3.01 dB) for 1.3e-4 more bits per weight.",
    );
  });

  it('names the channels the other way round when A is the zero-point scheme, and the group shown', () => {
    const text = compareCaption(
      { ...zeroPoint, groupCount: 4, group: { ...zeroPoint.group, index: 3 } },
      { ...absmax, groupCount: 4, group: { ...absmax.group, index: 3 } },
    );
    expect(text).toMatch(
      /^Absmax \(B\) spreads 255 levels symmetrically over ±2 in group 3; zero-point \(A\)/,
    );
    // MSE 1e-4 over 5e-5: twice A's, the SQNR 3.01 dB lower, 1.3e-4 fewer bits.
    expect(text).toContain("B's MSE is 2× that of A's (SQNR −3.01 dB) for 1.3e-4 fewer bits per weight.");
  });

  it('says which is closer for any other pair', () => {
    const int4 = side(
      { ...DEFAULT_SCHEME_A, bits: 4 },
      { mse: 0.02, sqnrDb: 0.5, bitsPerWeight: 4.00024, levelsTotal: 15 },
      { index: 0, lo: -2, hi: 2, scale: 2 / 7 },
    );
    expect(compareCaption(int4, zeroPoint)).toBe(
      "B (zero-point int8, per tensor) stays closer to the original values: B's MSE is ×0.0025 that of A's (SQNR +22.51 dB) for 4 more bits per weight.",
    );
    expect(compareCaption(absmax, absmax)).toMatch(
      /are equally close to the original values: B's MSE is ×1 that of A's \(SQNR \+0\.00 dB\) at the same bits per weight\.$/,
    );
  });

  it('waits for both results', () => {
    expect(compareCaption(absmax, undefined)).toBeNull();
    expect(singleCaption('B', undefined)).toBeNull();
    expect(singleCaption('A', absmax)).toBe(
      'A (absmax int8, per tensor) puts every value on one of 255 levels: MSE 1e-4, SQNR 20.00 dB, 8 bits per weight.',
    );
  });
});
