/** Order statistics without a full sort, for percentile clipping on large groups. */

/**
 * Rearranges `a[from, to)` so that a[k] holds the value a full sort would put there, with no larger value
 * before it and no smaller after (Hoare's selection with a median-of-three pivot; O(n) on average).
 */
export function selectInPlace(a: Float32Array, k: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * The p-th percentile (0 <= p <= 100) of `a[from, to)` with NumPy's default 'linear' method:
 * position h = p/100 * (n - 1), result = lerp between the order statistics floor(h) and floor(h) + 1,
 * written as NumPy's `_lerp` (a + d*t for t < 0.5, else b - d*(1 - t)) in float32 arithmetic, as NumPy 2 does on a
 * float32 array (numpy/lib/_function_base_impl.py `_lerp`, `_quantile`).
 * Reorders the range. n must be >= 1.
 */
export function percentileInPlace(a: Float32Array, p: number, from = 0, to = a.length): number {
  const n = to - from;
  const h = (p / 100) * (n - 1);
  const below = Math.floor(h);
  const t = h - below;
  const lower = selectInPlace(a, from + below, from, to);
  if (t === 0 || below + 1 >= n) return lower;
  // After selecting `below`, the next order statistic is the minimum of the upper part.
  let upper = Number.POSITIVE_INFINITY;
  for (let i = from + below + 1; i < to; i++) if (a[i] < upper) upper = a[i];
  // NumPy 2 treats the Python-float weight as a weak scalar, so every step is a float32 operation.
  const f = Math.fround;
  const d = f(upper - lower);
  return t < 0.5 ? f(lower + f(d * f(t))) : f(upper - f(d * f(1 - t)));
}
