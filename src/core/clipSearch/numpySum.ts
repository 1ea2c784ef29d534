/**
 * NumPy's float64 summation order (`pairwise_sum_DOUBLE` in numpy/_core/src/umath/loops_utils.h.src), so sums
 * that feed a comparison (the KL divergences of the entropy calibration) round exactly as the Python reference.
 * Pure ES2022.
 */

/** Blocks of at most 128 values are summed with 8 interleaved accumulators (NumPy's PW_BLOCKSIZE). */
const PW_BLOCKSIZE = 128;

function pairwise(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = start + i;
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/**
 * `np.sum(a[0:n])` for a contiguous float64 array: 0 + the pairwise sum (NumPy starts a reduction from the
 * identity; the whole array fits one inner-loop call for n <= 8192).
 */
export function numpySum(a: Float64Array, n: number = a.length): number {
  return 0 + pairwise(a, 0, n);
}
