/**
 * E8M0, the OCP Microscaling (MX v1.0 §5.4) shared-scale format: an unsigned 8-bit exponent, value 2^(code - 127)
 * for codes 0..254 (2^-127 .. 2^127), code 255 NaN; no sign, no zero, no infinity. The MX formats (mx.ts) store
 * their block scales with these. Pure ES2022.
 */
import { floorLog2Float32, pow2 } from './floatBits';

export const E8M0_BIAS = 127;
export const E8M0_NAN = 0xff;
/** The exponent range a code can hold: 2^-127 .. 2^127. */
export const E8M0_EMIN = -127;
export const E8M0_EMAX = 127;

/** The value of an E8M0 code: 2^(code - 127), NaN for 255. E.g. 127 -> 1, 0 -> 2^-127, 254 -> 2^127. */
export function e8m0ToValue(code: number): number {
  if (!(Number.isInteger(code) && code >= 0 && code <= 0xff))
    throw new RangeError(`an E8M0 code is an integer 0..255 (got ${code})`);
  return code === E8M0_NAN ? Number.NaN : pow2(code - E8M0_BIAS);
}

/**
 * The code of exponent e clamped to [-127, 127], as the MX formats store a block's shared exponent (an all-zero
 * block's -126 - emax_elem becomes 2^-127, a huge block's exponent 2^127: E8M0 has no code beyond).
 */
export function e8m0FromExponent(e: number): number {
  if (Number.isNaN(e)) return E8M0_NAN;
  return Math.max(E8M0_EMIN, Math.min(E8M0_EMAX, Math.floor(e))) + E8M0_BIAS;
}

/**
 * The E8M0 code of a scale value: the largest power of two at or below it (the float32 value's exponent, the
 * floor MX takes of log2), clamped to the code range. NaN -> 255; +Inf -> 254 (2^127); 0 -> 0 (2^-127).
 * Exact for every power of two 2^-127 .. 2^127: e8m0FromValue(e8m0ToValue(c)) = c. A negative scale has no code.
 */
export function e8m0FromValue(value: number): number {
  if (Number.isNaN(value)) return E8M0_NAN;
  if (value < 0) throw new RangeError(`E8M0 has no sign: a scale must be >= 0 (got ${value})`);
  if (value === Number.POSITIVE_INFINITY) return E8M0_EMAX + E8M0_BIAS;
  if (value === 0) return E8M0_EMIN + E8M0_BIAS;
  // above float32's range (the exponent of a double up to 2^1024): clamped to 2^127 in any case
  if (value >= 2 ** 128) return E8M0_EMAX + E8M0_BIAS;
  // below float32's smallest subnormal: 2^-127 (clamped)
  if (value < 2 ** -149) return E8M0_EMIN + E8M0_BIAS;
  return e8m0FromExponent(floorLog2OfDouble(value));
}

/** floor(log2(v)) for v in [2^-149, 2^128), exact: float32 rounding could carry v just below 2^k up to 2^k. */
function floorLog2OfDouble(v: number): number {
  let e = floorLog2Float32(v);
  if (pow2(e) > v) e--;
  return e;
}
