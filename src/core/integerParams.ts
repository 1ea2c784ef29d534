/**
 * Per-group parameters of an integer scheme: clipping range -> step Delta and zero point z.
 * The result is plain typed arrays indexed by group, consumed by the fused kernel.
 */
import {
  absPercentile,
  checkPercentile,
  MSE_SEARCH_SAMPLE,
  mseOf,
  sampleInto,
  searchAbsmaxAlpha,
  searchZeroPointRange,
  twoSidedPercentile,
} from './clipping';
import { klThreshold, octavThreshold } from './clipSearch';
import { gatherGroup, maxGroupSize } from './groups';
import { absmaxStep, type CodeRange, codeRange, zeroPointParams } from './integer';
import type { IntegerScheme } from './scheme';
import type { Tensor2D } from './tensor';
import type { ClipReport } from './view';

export interface IntegerGroupParams {
  range: CodeRange;
  /** Delta per group. */
  step: Float32Array;
  /** Zero point per group, signed view (0 for absmax). Float64: a constant group's z can exceed int32. */
  zero: Float64Array;
  /** Clipping range per group: values outside were clipped. */
  lo: Float32Array;
  hi: Float32Array;
  clipReport: ClipReport | null;
}

/** A clipping threshold search over one group's finite values (KL, OCTAV): returns alpha for |x|. */
export type ThresholdSearch = (values: Float32Array, bits: number) => number;

export interface ParamOptions {
  /** Group whose search result is reported. */
  reportGroup: number;
  /** Override the KL (TensorRT entropy) and OCTAV searches, e.g. in tests; defaults: clipSearch/. */
  kl?: ThresholdSearch;
  octav?: ThresholdSearch;
}

/**
 * A manual clipping range applied to one group (SEMANTICS.md "Clipping"): the threshold limits the group's own
 * range, it never widens it. Absmax: alpha = min(group's max |x|, max(|lo|, |hi|)). Zero-point: [max(min, lo),
 * min(max, hi)]; a group wholly beyond the threshold (the intersection is empty) collapses to the threshold's edge
 * on its side, where all its values are clipped to. E.g. a group of ±0.49 under a manual ±2 keeps ±0.49.
 */
export function limitAbsmaxToManual(groupAlpha: number, manual: { lo: number; hi: number }): number {
  return Math.min(groupAlpha, Math.fround(Math.max(Math.abs(manual.lo), Math.abs(manual.hi))));
}

export function limitRangeToManual(
  groupLo: number,
  groupHi: number,
  manual: { lo: number; hi: number },
): { lo: number; hi: number } {
  const mLo = Math.fround(Math.min(manual.lo, manual.hi));
  const mHi = Math.fround(Math.max(manual.lo, manual.hi));
  if (groupLo > mHi) return { lo: mHi, hi: mHi };
  if (groupHi < mLo) return { lo: mLo, hi: mLo };
  return { lo: Math.max(groupLo, mLo), hi: Math.min(groupHi, mHi) };
}

export function computeIntegerParams(
  t: Tensor2D,
  scheme: IntegerScheme,
  groupMin: Float32Array,
  groupMax: Float32Array,
  options: ParamOptions,
): IntegerGroupParams {
  const { granularity, clipping, bits, method } = scheme;
  const count = groupMin.length;
  const range = codeRange(method, bits, scheme.fullRange === true);
  const step = new Float32Array(count);
  const zero = new Float64Array(count);
  const lo = new Float32Array(count);
  const hi = new Float32Array(count);
  const needsValues = clipping.kind !== 'none' && clipping.kind !== 'manual';
  const scratch = needsValues ? new Float32Array(maxGroupSize(granularity, t.rows, t.cols)) : null;
  const sample = new Float32Array(clipping.kind === 'mseOptimal' ? MSE_SEARCH_SAMPLE : 0);
  let clipReport: ClipReport | null = null;
  const report = Math.min(Math.max(0, options.reportGroup), count - 1);

  for (let g = 0; g < count; g++) {
    let gLo = groupMin[g];
    let gHi = groupMax[g];
    let searchedMse = Number.NaN;
    const n = scratch ? gatherGroup(t.data, granularity, t.rows, t.cols, g, scratch) : 0;
    if (method === 'absmax') {
      let alpha = Math.max(Math.abs(gLo), Math.abs(gHi));
      switch (clipping.kind) {
        case 'none':
          break;
        case 'manual':
          alpha = limitAbsmaxToManual(alpha, clipping);
          break;
        case 'percentile':
          checkPercentile(clipping.percentile);
          alpha = absPercentile(scratch!, n, clipping.percentile);
          break;
        case 'mseOptimal': {
          const m = sampleInto(scratch!, n, sample);
          const found = searchAbsmaxAlpha(sample, m, alpha, range);
          // A sample can miss rare spikes, which then cost more than the sample saw: keep the threshold only if it
          // also beats no clipping on the whole group.
          if (
            m < n &&
            mseOf(scratch!, n, absmaxStep(found.alpha, range.qmax), 0, range) >=
              mseOf(scratch!, n, absmaxStep(alpha, range.qmax), 0, range)
          ) {
            break;
          }
          alpha = found.alpha;
          searchedMse = found.mse;
          break;
        }
        case 'kl':
        case 'octav': {
          const search =
            clipping.kind === 'kl' ? (options.kl ?? klThreshold) : (options.octav ?? octavThreshold);
          alpha = Math.fround(Math.min(alpha, search(scratch!.subarray(0, n), bits)));
          break;
        }
      }
      const s = absmaxStep(alpha, range.qmax);
      step[g] = s;
      hi[g] = alpha;
      // The full-range variant also represents -2^(b-1) * Delta, one step below -alpha.
      lo[g] = range.qmin === -range.qmax ? -alpha : Math.fround(range.qmin * s);
      if (g === report && clipping.kind !== 'none') {
        clipReport = { method: clipping.kind, lo: -alpha, hi: alpha, mse: searchedMse };
      }
    } else {
      switch (clipping.kind) {
        case 'none':
          break;
        case 'manual': {
          const limited = limitRangeToManual(gLo, gHi, clipping);
          gLo = limited.lo;
          gHi = limited.hi;
          break;
        }
        case 'percentile': {
          checkPercentile(clipping.percentile);
          const p = twoSidedPercentile(scratch!, n, clipping.percentile);
          gLo = p.lo;
          gHi = p.hi;
          break;
        }
        case 'mseOptimal': {
          const m = sampleInto(scratch!, n, sample);
          const found = searchZeroPointRange(sample, m, gLo, gHi, bits, range);
          if (m < n) {
            const full = (lo: number, hi: number) => {
              const p = zeroPointParams(lo, hi, bits);
              return mseOf(scratch!, n, p.step, p.zero, range);
            };
            if (full(found.lo, found.hi) >= full(gLo, gHi)) break; // the sample missed what clipping costs
          }
          gLo = found.lo;
          gHi = found.hi;
          searchedMse = found.mse;
          break;
        }
        case 'kl':
        case 'octav': {
          // KL and OCTAV pick a threshold for |x|; for a zero-point range it clips both ends symmetrically.
          const search =
            clipping.kind === 'kl' ? (options.kl ?? klThreshold) : (options.octav ?? octavThreshold);
          const alpha = search(scratch!.subarray(0, n), bits);
          gLo = Math.fround(Math.max(gLo, -alpha));
          gHi = Math.fround(Math.min(gHi, alpha));
          break;
        }
      }
      if (scheme.includeZero) {
        gLo = Math.min(gLo, 0);
        gHi = Math.max(gHi, 0);
      }
      const p = zeroPointParams(gLo, gHi, bits);
      step[g] = p.step;
      zero[g] = p.zero;
      lo[g] = gLo;
      hi[g] = gHi;
      if (g === report && clipping.kind !== 'none') {
        clipReport = { method: clipping.kind, lo: gLo, hi: gHi, mse: searchedMse };
      }
    }
  }
  return { range, step, zero, lo, hi, clipReport };
}
