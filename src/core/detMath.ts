/**
 * Deterministic log and exp built only from IEEE-754 +, -, *, / (each correctly rounded everywhere),
 * so the seeded generators give the same bytes in every JS engine. `Math.log`/`Math.exp` are not
 * required by the spec to be correctly rounded and do differ by an ulp between engines and versions.
 * Accuracy: within a few ulp of the true value, plenty for sampling.
 */

const LN2_HI = 0.6931471803691238; // fdlibm's split of ln 2 (0x3FE62E42FEE00000): exact in 32 bits,
const LN2_LO = 1.9082149292705877e-10; // so k * LN2_HI is exact for |k| < 2^20.
const SQRT2 = Math.SQRT2;

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer); // little-endian hosts: [lo, hi]; checked below
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** 2^k for integer k in [-1022, 1023], built from the bits (exact). */
function pow2(k: number): number {
  scratch[0] = 0;
  scratchBits[HI] = (k + 1023) << 20;
  scratchBits[1 - HI] = 0;
  return scratch[0];
}

/** Natural logarithm of a positive finite x (subnormals included). NaN for x <= 0 or non-finite. */
export function detLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY) return Number.NaN;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: lift subnormals into the normal range
    e = -54;
  }
  scratch[0] = x;
  const hi = scratchBits[HI];
  e += ((hi >>> 20) & 0x7ff) - 1023;
  scratchBits[HI] = (hi & 0x000fffff) | 0x3ff00000; // mantissa m in [1, 2)
  let m = scratch[0];
  if (m > SQRT2) {
    m /= 2;
    e += 1;
  }
  // log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the odd series converges fast.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let n = 3; n <= 25; n += 2) {
    term *= s2;
    sum += term / n;
  }
  return e * LN2_HI + (e * LN2_LO + 2 * sum);
}

/** e^x. Overflows to Infinity above ~709.78, underflows to 0 below ~-745. */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x > 709.782712893384) return Number.POSITIVE_INFINITY;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x / (LN2_HI + LN2_LO)); // Math.round is exact (IEEE round-to-integral), deterministic
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= ~0.347
  // Taylor series to r^15 / 15!: the truncation error is below 1e-19 relative.
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 15; n++) {
    term = (term * r) / n;
    sum += term;
  }
  // Split 2^k in two factors so that results near the subnormal range are not flushed early.
  if (k < -1021) return sum * pow2(k + 60) * pow2(-60);
  if (k > 1023) return sum * pow2(k - 1) * 2;
  return sum * pow2(k);
}
