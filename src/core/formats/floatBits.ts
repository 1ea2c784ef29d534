/**
 * Exact float32 bit helpers shared by the format codecs: reading a float32's bits, its exact binary exponent,
 * and powers of two. Pure ES2022 (typed arrays only), no dependency outside this folder.
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The IEEE-754 binary32 bit pattern of `x` after rounding it to float32 (as an unsigned 32-bit integer). */
export function float32Bits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0];
}

/** The float32 whose bit pattern is `bits` (unsigned 32-bit integer). */
export function float32FromBits(bits: number): number {
  scratchU32[0] = bits >>> 0;
  return scratchF32[0];
}

/**
 * floor(log2(|x|)) computed exactly from the bits of the float32 `x` (normal or subnormal), or -Infinity for 0.
 * `Math.log2` is not used because float rounding of log2 can land on the next integer just below a power of
 * two (e.g. log2(4 * (1 - 2^-24)) rounds to 2 in float32), which would pick the wrong MX shared exponent.
 * E.g. floorLog2Float32(7) = 2, floorLog2Float32(0.5) = -1, floorLog2Float32(2^-149) = -149.
 */
export function floorLog2Float32(x: number): number {
  const u = float32Bits(x) & 0x7fffffff;
  if (u === 0) return Number.NEGATIVE_INFINITY;
  const e = u >>> 23;
  if (e !== 0) return e - 127;
  // Subnormal: value = m * 2^-149 with m < 2^23; the top set bit of m gives the exponent.
  return 31 - Math.clz32(u) - 149;
}

/** True when the float32 `x` is an exact (positive or negative) power of two, subnormals included. */
export function isPowerOfTwoFloat32(x: number): boolean {
  const u = float32Bits(x) & 0x7fffffff;
  if (u === 0 || u >= 0x7f800000) return false;
  if (u >>> 23 !== 0) return (u & 0x7fffff) === 0;
  return (u & (u - 1)) === 0;
}

const scratchF64 = new Float64Array(1);
const scratchF64Words = new Uint32Array(scratchF64.buffer);
const HI_WORD = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** 2^k as a double, built from its bits so it is exact for every integer k in [-1074, 1023]. */
export function pow2(k: number): number {
  if (k < -1022) return pow2(k + 60) * 8.673617379884035e-19; // * 2^-60 (exact: the result is representable)
  scratchF64Words[HI_WORD] = (k + 1023) << 20;
  scratchF64Words[1 - HI_WORD] = 0;
  return scratchF64[0];
}

/** Round half to even of a double with |t| < 2^51 (the 1.5 * 2^52 trick; see SEMANTICS.md "Rounding"). */
export const RNE_MAGIC = 6755399441055744;
