/**
 * The float32 range, and the check that a scheme's arithmetic stayed inside it. Every step that decides a code is
 * float32 (SEMANTICS.md), so data near ±3.4e38 can overflow a scheme's range (hi − lo), its step (a zero point of
 * −lo/Δ for a constant group) or its error (x̂ − x): the result would be MSE NaN, z = −∞ and charts without axes.
 * Such a result is refused with a message that says so and quotes the data's largest magnitude.
 */
import { EngineError } from './engineError';

/** The largest finite float32, `FLT_MAX` = (2 − 2^−23) · 2^127. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Whether a finite float64 is also inside the float32 range (so `Math.fround` keeps it finite). */
export function fitsFloat32(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= FLOAT32_MAX;
}

/**
 * Why a number cannot be a data value (a clipping bound, a view range end, a generator's scale or shift): null when
 * it is a finite float32. E.g. 1e308 → "must be a finite number within ±3.403e+38, the float32 range".
 */
export function float32ValueProblem(v: number): string | null {
  if (fitsFloat32(v)) return null;
  return `must be a finite number within ±${FLOAT32_MAX.toExponential(3)}, the float32 range`;
}

/** max |x| above which a scheme's float32 arithmetic may overflow: FLT_MAX / 2^24 (~2.0e31). */
const OVERFLOW_SCALE = FLOAT32_MAX / 2 ** 24;

/** What a quantization produced that must be finite when the data is. */
export interface OverflowProbe {
  /** Largest |x| over the finite values. */
  absmax: number;
  mse: number;
  maxAbsError: number;
  meanError: number;
  /** The shown group's levels and the histograms' edges. */
  arrays: ReadonlyArray<ArrayLike<number>>;
}

/**
 * Throws an EngineError (field `values`) when a scheme's float32 arithmetic overflowed on finite data, e.g.
 * "values too large for float32 arithmetic of this scheme: max |x| = 3.000e+38 …".
 */
export function assertNoFloat32Overflow(probe: OverflowProbe): void {
  // Below this the float32 arithmetic of a range, a step or a zero point (at most ~2^16 · max|x| for 16-bit codes)
  // cannot overflow; a non-finite result there is a format's own meaning (an unsaturated FP8 or FP16 maps values
  // past its largest to ±Infinity / NaN by definition) and is shown as such.
  if (!(probe.absmax > OVERFLOW_SCALE)) return;
  let overflowed =
    !Number.isFinite(probe.mse) || !Number.isFinite(probe.maxAbsError) || Number.isNaN(probe.meanError);
  for (const array of probe.arrays) {
    if (overflowed) break;
    for (let i = 0; i < array.length; i++) {
      if (!Number.isFinite(array[i])) {
        overflowed = true;
        break;
      }
    }
  }
  if (!overflowed) return;
  throw new EngineError(
    'values',
    `values too large for float32 arithmetic of this scheme: max |x| = ${probe.absmax.toExponential(3)}, and its ` +
      `range, step or error overflowed the float32 limit of ±${FLOAT32_MAX.toExponential(3)}. Scale the data ` +
      'down, or pick absmax or a float format, whose grids stay within max |x|.',
  );
}
