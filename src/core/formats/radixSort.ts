/**
 * The k-means codebook's sort: each group's finite values ascending in the order of
 * `Float32Array.prototype.sort` (-Infinity < ... < -0 < +0 < ... < +Infinity), with each element's rank, by a
 * bucket sort or an LSD radix sort on the bit patterns carrying indices. Pure ES2022.
 */

/**
 * The finite values of each group of a tensor (a group: `groupLength` consecutive values), sorted ascending, with
 * their prefix sums and each element's rank: slider-independent work of the k-means codebook, which clusters the
 * sorted values and then reads each element's cluster through its rank.
 */
export interface SortedGroups {
  readonly groups: number;
  readonly groupLength: number;
  /** Group g's finite values, ascending, at [g * groupLength, g * groupLength + finite[g]). */
  readonly values: Float32Array;
  /**
   * Group g's prefix sums at [g * (groupLength + 1), g * (groupLength + 1) + finite[g] + 1): 0, v0, v0 + v1, ...,
   * summed in float64 in ascending order.
   */
  readonly prefix: Float64Array;
  /**
   * Same layout as the elements: the position of element g * groupLength + i among its group's sorted values (the
   * order among equal values is unspecified); the non-finite elements get the positions finite[g] and up.
   */
  readonly rank: Uint16Array | Uint32Array;
  /** Number of finite values per group. */
  readonly finite: Int32Array;
}

/** Sorts the finite values of every group of `data` (length groups * groupLength); see SortedGroups. */
export function sortGroups(data: Float32Array, groups: number, groupLength: number): SortedGroups {
  const total = groups * groupLength;
  const values = new Float32Array(total);
  const prefix = new Float64Array(groups * (groupLength + 1));
  const rank = groupLength <= 65536 ? new Uint16Array(total) : new Uint32Array(total);
  const finite = new Int32Array(groups);
  for (let g = 0; g < groups; g++) {
    const start = g * groupLength;
    const n = sortGroupInto(data, start, groupLength, values, rank, start);
    finite[g] = n;
    prefixSumsInto(values, start, n, prefix, g * (groupLength + 1));
  }
  return { groups, groupLength, values, prefix, rank, finite };
}

/** prefix[at + i] = sum of sorted[base, base + i) for i in 0..n, in float64, left to right. */
export function prefixSumsInto(
  sorted: Float32Array,
  base: number,
  n: number,
  prefix: Float64Array,
  at: number,
): void {
  let sum = 0;
  prefix[at] = 0;
  for (let i = 0; i < n; i++) {
    sum += sorted[base + i];
    prefix[at + i + 1] = sum;
  }
}

/** Scratch of sortGroupInto, reused up to this many values (larger groups allocate their own). */
const SCRATCH_KEPT = 1 << 16;
let sKeysA = new Int32Array(0);
let sKeysB = new Int32Array(0);
let sIdxA = new Int32Array(0);
let sIdxB = new Int32Array(0);
/** Digit counts: up to 4 digits of 8 bits, or 3 of 11 bits. */
const digitCounts = new Int32Array(3 * 2048);
const activeDigits = new Int32Array(4);

/**
 * Sorts the finite values of data[start, start + length) into sorted[offset, offset + n) and writes each element's
 * position among them to rank[offset + i] (non-finite elements: n, n + 1, ...); returns n, the finite count. The
 * sorted values are bit for bit those of Float32Array.prototype.sort (-0 before +0).
 *
 * Groups up to SCRATCH_KEPT values: bucket sort first (on this VM about 10% faster than the radix sort for rows
 * of 1024; slower for a million values, which go straight to the radix sort): one pass spreads the values over
 * about 1.25 n buckets by a monotone map of the value (so the buckets are in order), then an insertion sort on
 * the float keys fixes the order inside each bucket. When the values still bunch up (Σ bucket size² > 8 n) it
 * is an LSD radix sort on the keys instead:
 * 8-bit digits (4 passes) for short groups, 11-bit digits (3 passes) for long ones, skipping digits that are the
 * same for every key. Either way the indices travel with the keys and the last pass writes the outputs.
 */
export function sortGroupInto(
  data: Float32Array,
  start: number,
  length: number,
  sorted: Float32Array,
  rank: Uint16Array | Uint32Array,
  offset: number,
): number {
  let keys = sKeysA;
  let keys2 = sKeysB;
  let idx = sIdxA;
  let idx2 = sIdxB;
  if (length > SCRATCH_KEPT) {
    keys = new Int32Array(length);
    keys2 = new Int32Array(length);
    idx = new Int32Array(length);
    idx2 = new Int32Array(length);
  } else if (keys.length < length) {
    const size = Math.min(SCRATCH_KEPT, Math.max(length, 2 * keys.length));
    sKeysA = keys = new Int32Array(size);
    sKeysB = keys2 = new Int32Array(size);
    sIdxA = idx = new Int32Array(size);
    sIdxB = idx2 = new Int32Array(size);
  }
  const inBits = new Int32Array(data.buffer, data.byteOffset + 4 * start, length);
  const outBits = new Int32Array(sorted.buffer, sorted.byteOffset + 4 * offset, length);
  // Keys of the finite values (sign bit flipped for positives, every bit for negatives: unsigned order = numeric
  // order), and the range; the non-finite elements are ranked last.
  let n = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < length; i++) {
    const v = data[start + i];
    if (v - v !== 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
    n++;
  }
  let m = 0;
  let tail = n;
  for (let i = 0; i < length; i++) {
    const b = inBits[i];
    if ((b & 0x7f800000) === 0x7f800000) {
      rank[offset + i] = tail++;
      continue;
    }
    keys[m] = b < 0 ? ~b : b ^ -0x80000000;
    idx[m++] = i;
  }
  if (n < 48) {
    insertionSort(keys, idx, n);
    writeOut(keys, idx, n, outBits, rank, offset);
    return n;
  }
  if (
    n <= SCRATCH_KEPT &&
    max > min &&
    bucketSort(data, start, keys, idx, n, min, max, sum, sumSquares, keys2, idx2)
  ) {
    insertionSort(keys2, idx2, n);
    writeOut(keys2, idx2, n, outBits, rank, offset);
    return n;
  }
  const wide = n > 4096;
  const digitBits = wide ? 11 : 8;
  const passes = wide ? 3 : 4;
  const radix = 1 << digitBits;
  const mask = radix - 1;
  const counts = digitCounts;
  counts.fill(0, 0, passes * radix);
  if (wide) {
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      counts[k & 0x7ff]++;
      counts[2048 + ((k >>> 11) & 0x7ff)]++;
      counts[4096 + (k >>> 22)]++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      counts[k & 0xff]++;
      counts[256 + ((k >>> 8) & 0xff)]++;
      counts[512 + ((k >>> 16) & 0xff)]++;
      counts[768 + (k >>> 24)]++;
    }
  }
  // Digits that vary; exclusive prefix sums of their counts.
  let active = 0;
  const first = keys[0];
  for (let p = 0; p < passes; p++) {
    const shift = p * digitBits;
    const base = p * radix;
    if (counts[base + ((first >>> shift) & mask)] === n) continue;
    let sum = 0;
    for (let d = base; d < base + radix; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    activeDigits[active++] = p;
  }
  for (let a = 0; a < active; a++) {
    const p = activeDigits[a];
    const shift = p * digitBits;
    const base = p * radix;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const at = counts[base + ((k >>> shift) & mask)]++;
      keys2[at] = k;
      idx2[at] = idx[i];
    }
    const tk = keys;
    keys = keys2;
    keys2 = tk;
    const ti = idx;
    idx = idx2;
    idx2 = ti;
  }
  writeOut(keys, idx, n, outBits, rank, offset);
  return n;
}

/** Bucket counts of bucketSort (grown on demand, up to 2 * SCRATCH_KEPT + 1 entries kept). */
let bucketStarts = new Int32Array(0);

/**
 * Spreads keys / idx[0, n) over buckets by value into keys2 / idx2, in bucket order; false (and nothing usable
 * written) when the buckets come out too uneven for the insertion sort. The map from value to bucket is monotone
 * and piecewise linear: n buckets over [lo, hi] = mean -+ 3 standard deviations (within [min, max]), n / 8 over
 * each tail, so a few far outliers do not squeeze the bulk of the values into a few buckets.
 */
function bucketSort(
  data: Float32Array,
  start: number,
  keys: Int32Array,
  idx: Int32Array,
  n: number,
  min: number,
  max: number,
  sum: number,
  sumSquares: number,
  keys2: Int32Array,
  idx2: Int32Array,
): boolean {
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
  let lo = mean - 3 * sd;
  let hi = mean + 3 * sd;
  if (!(lo > min)) lo = min;
  if (!(hi < max)) hi = max;
  if (!(hi > lo)) {
    lo = min;
    hi = max;
  }
  const tailBuckets = (n >>> 3) + 1;
  const total = n + 2 * tailBuckets;
  let starts = bucketStarts;
  if (total + 1 > 2 * SCRATCH_KEPT + 1) starts = new Int32Array(total + 1);
  else if (starts.length < total + 1) {
    bucketStarts = starts = new Int32Array(
      Math.min(2 * SCRATCH_KEPT + 1, Math.max(total + 1, 2 * starts.length)),
    );
  }
  starts.fill(0, 0, total + 1);
  const scaleLow = lo > min ? tailBuckets / (lo - min) : 0;
  const scale = n / (hi - lo);
  const scaleHigh = max > hi ? tailBuckets / (max - hi) : 0;
  const lastTail = tailBuckets - 1;
  const last = n - 1;
  const highBase = tailBuckets + n;
  for (let i = 0; i < n; i++) {
    const v = data[start + idx[i]];
    let b: number;
    if (v < lo) b = Math.min(lastTail, ((v - min) * scaleLow) | 0);
    else if (v <= hi) b = tailBuckets + Math.min(last, ((v - lo) * scale) | 0);
    else b = highBase + Math.min(lastTail, ((v - hi) * scaleHigh) | 0);
    starts[b + 1]++;
  }
  // The insertion sort's work is about Σ size² / 4.
  let work = 0;
  for (let b = 1; b <= total; b++) {
    const c = starts[b];
    work += c * c;
  }
  if (work > 8 * n) return false;
  for (let b = 1; b <= total; b++) starts[b] += starts[b - 1];
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    const v = data[start + j];
    let b: number;
    if (v < lo) b = Math.min(lastTail, ((v - min) * scaleLow) | 0);
    else if (v <= hi) b = tailBuckets + Math.min(last, ((v - lo) * scale) | 0);
    else b = highBase + Math.min(lastTail, ((v - hi) * scaleHigh) | 0);
    const at = starts[b]++;
    keys2[at] = keys[i];
    idx2[at] = j;
  }
  return true;
}

/** Insertion sort of keys[0, n) (unsigned order), carrying idx. */
function insertionSort(keys: Int32Array, idx: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const k = keys[i];
    const ku = k ^ -0x80000000;
    if ((keys[i - 1] ^ -0x80000000) <= ku) continue;
    const x = idx[i];
    let j = i - 1;
    while (j >= 0 && (keys[j] ^ -0x80000000) > ku) {
      keys[j + 1] = keys[j];
      idx[j + 1] = idx[j];
      j--;
    }
    keys[j + 1] = k;
    idx[j + 1] = x;
  }
}

/** Sorted keys back to float bits, and each element's rank. */
function writeOut(
  keys: Int32Array,
  idx: Int32Array,
  n: number,
  outBits: Int32Array,
  rank: Uint16Array | Uint32Array,
  offset: number,
): void {
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    outBits[i] = k < 0 ? k ^ -0x80000000 : ~k;
    rank[offset + idx[i]] = i;
  }
}
