/**
 * Ascending sort of float32 values by LSD radix sort on their bit patterns (4 passes of 8 bits), the same order
 * as `Float32Array.prototype.sort` for non-NaN values (-Infinity < ... < -0 < +0 < ... < +Infinity). Used by the
 * k-means codebook, which sorts every row: 1024 values sort in about a tenth of the time of the built-in sort,
 * a million in about a fifth. Pure ES2022.
 */

/** Reusable buffers, grown on demand. */
let keysA = new Int32Array(0);
let keysB = new Int32Array(0);
const counts = new Int32Array(256);

/**
 * Sorts values[0, n) in place (NaN must not occur: callers drop non-finite values first).
 * The key of a float is its bit pattern with the sign bit flipped for positives and every bit flipped for
 * negatives, so unsigned key order is numeric order.
 */
export function sortFloat32(values: Float32Array, n = values.length): Float32Array {
  if (n < 64) {
    values.subarray(0, n).sort();
    return values;
  }
  if (keysA.length < n) {
    keysA = new Int32Array(n);
    keysB = new Int32Array(n);
  }
  // Int32 throughout (V8 keeps int32 values unboxed; uint32 values above 2^31 would become doubles).
  const bits = new Int32Array(values.buffer, values.byteOffset, n);
  let src = keysA;
  let dst = keysB;
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    src[i] = b < 0 ? ~b : b ^ -0x80000000;
  }
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(src[i] >>> shift) & 0xff]++;
    // A pass where every key has the same byte moves nothing: skip it (common for the exponent byte).
    if (counts[(src[0] >>> shift) & 0xff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i];
      dst[counts[(k >>> shift) & 0xff]++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) {
    const k = src[i];
    bits[i] = k < 0 ? k ^ -0x80000000 : ~k;
  }
  return values;
}
