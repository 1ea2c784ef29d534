/**
 * Absmax (symmetric) and zero-point (asymmetric) integer parameters, exactly as SEMANTICS.md
 * "Integer affine family" defines them. Every step that decides a code is rounded to float32
 * (`Math.fround`), one rounding per operation, as PyTorch/NumPy do on float32 tensors.
 */
import { roundHalfEven } from './rounding';
import type { IntegerMethod } from './scheme';

const f = Math.fround;

export interface CodeRange {
  qmin: number;
  qmax: number;
}

/**
 * Absmax: the restricted range [-(2^(b-1) - 1), 2^(b-1) - 1] (zero and +-alpha exact), or with `fullRange`
 * [-2^(b-1), 2^(b-1) - 1]. Zero-point: the signed range [-2^(b-1), 2^(b-1) - 1].
 * E.g. bits 8: absmax [-127, 127], zero-point [-128, 127].
 */
export function codeRange(method: IntegerMethod, bits: number, fullRange = false): CodeRange {
  const half = 2 ** (bits - 1);
  if (method === 'absmax' && !fullRange) return { qmin: -(half - 1), qmax: half - 1 };
  return { qmin: -half, qmax: half - 1 };
}

/** Absmax step Delta = alpha / qmax in float32. A zero step (all-zero group) is treated as 1 so x_hat = x = 0. */
export function absmaxStep(alpha: number, qmax: number): number {
  const step = f(f(alpha) / qmax);
  return step > 0 && Number.isFinite(step) ? step : 1;
}

/**
 * Zero-point parameters for the range [lo, hi]: Delta = (hi - lo) / (2^b - 1) (a zero range is treated as 1, as the
 * Labonne tutorial does), z = rne(-lo / Delta) + qmin (signed view). E.g. [-1, 1] at 8 bits: Delta = 2/255, z = 0.
 */
export function zeroPointParams(lo: number, hi: number, bits: number): { step: number; zero: number } {
  const levels = 2 ** bits - 1;
  const range = f(f(hi) - f(lo));
  let step = f(range / levels);
  // hi - lo can overflow float32 near +-3.4e38: divide first, then subtract.
  if (range === Number.POSITIVE_INFINITY) step = f(f(f(hi) / levels) - f(f(lo) / levels));
  // A zero range (constant group), or one so small that the step underflows to 0, is treated as a range of 1.
  if (!(step > 0)) step = f(1 / levels);
  const qmin = -(2 ** (bits - 1));
  const zero = roundHalfEven(f(-f(lo) / step)) + qmin;
  return { step, zero };
}

/** The scaled value before rounding: fround(fround(x / Delta) + z). For absmax z = 0, and adding 0 changes nothing. */
export function scaledValue(x: number, step: number, zero: number): number {
  return f(f(x / step) + zero);
}

/** x_hat = (q - z) * Delta in float32 (q - z is an exact integer). */
export function dequantizeCode(q: number, step: number, zero: number): number {
  return f((q - zero) * step);
}

/** Round-half-even code of one value, clamped: the scalar reference for what the fused kernel does. */
export function quantizeValue(x: number, step: number, zero: number, range: CodeRange): number {
  const q = roundHalfEven(scaledValue(x, step, zero));
  return q < range.qmin ? range.qmin : q > range.qmax ? range.qmax : q;
}
