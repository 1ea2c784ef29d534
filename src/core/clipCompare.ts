/**
 * The three clipping searches side by side for one group of an integer scheme: MSE-optimal, KL (TensorRT
 * entropy calibration) and OCTAV (SEMANTICS.md "Clipping"). Each range comes from the engine's own
 * `computeIntegerParams` on the group's values, so it is the range the engine would use for that choice.
 * Pure ES2022.
 */
import { mseOf } from './clipping';
import { gatherGroup, groupCount, maxGroupSize } from './groups';
import { computeIntegerParams } from './integerParams';
import type { IntegerScheme } from './scheme';
import type { Tensor2D } from './tensor';

export type ThresholdMethod = 'mseOptimal' | 'kl' | 'octav';

export const THRESHOLD_METHODS: readonly ThresholdMethod[] = ['mseOptimal', 'kl', 'octav'];

/** One search's clipping range for the group, and the MSE of the group quantized with it (round half to even). */
export interface ClipThreshold {
  method: ThresholdMethod;
  /** Absmax: [-alpha, alpha] (full range: [qmin * Delta, alpha]); zero-point: the range used. */
  lo: number;
  hi: number;
  mse: number;
}

export interface ClipThresholds {
  /** The group measured (clamped to the scheme's group count). */
  group: number;
  /**
   * The searches in the order of THRESHOLD_METHODS; KL only for per-tensor schemes (the engine calibrates KL per
   * tensor only, as TensorRT does: validate.ts). Empty for a group with no finite value.
   */
  thresholds: ClipThreshold[];
}

/**
 * The MSE-optimal, KL (per-tensor schemes only) and OCTAV ranges of group `group` of `scheme` on `t` (its
 * granularity, bits, method, full range / include zero as set; its own clipping is ignored). Costs one gather of the group plus the three
 * searches on it, so it is cheap beside a full recompute.
 * E.g. for absmax int4 per tensor on N(0, 1) data, OCTAV gives alpha about 2.5 and all three clip below max |x|.
 */
export function compareClipThresholds(t: Tensor2D, scheme: IntegerScheme, group: number): ClipThresholds {
  const count = groupCount(scheme.granularity, t.rows, t.cols);
  const g = Math.min(Math.max(0, Math.floor(group)), count - 1);
  const values = new Float32Array(maxGroupSize(scheme.granularity, t.rows, t.cols));
  const n = gatherGroup(t.data, scheme.granularity, t.rows, t.cols, g, values);
  if (n === 0) return { group: g, thresholds: [] };
  const own = values.slice(0, n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (own[i] < min) min = own[i];
    if (own[i] > max) max = own[i];
  }
  // The group as a 1 x n tensor quantized per tensor: gatherGroup on it yields the same values in the same order,
  // so the searches (subsampling included) see exactly what they see inside the full tensor.
  const groupTensor: Tensor2D = { rows: 1, cols: n, data: own };
  const groupMin = Float32Array.of(min);
  const groupMax = Float32Array.of(max);
  const methods = THRESHOLD_METHODS.filter((m) => m !== 'kl' || scheme.granularity.kind === 'tensor');
  const thresholds = methods.map((method): ClipThreshold => {
    const params = computeIntegerParams(
      groupTensor,
      { ...scheme, granularity: { kind: 'tensor' }, clipping: { kind: method } },
      groupMin,
      groupMax,
      { reportGroup: 0 },
    );
    return {
      method,
      lo: params.lo[0],
      hi: params.hi[0],
      mse: mseOf(own, n, params.step[0], params.zero[0], params.range),
    };
  });
  return { group: g, thresholds };
}
