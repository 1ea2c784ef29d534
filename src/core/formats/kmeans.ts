/**
 * k-means codebook quantization (Deep Compression, arXiv:1510.00149 §3): 2^bits centroids initialised linearly
 * between min and max, Lloyd iterations until no assignment changes (or maxIterations), x_hat = nearest centroid.
 * Per tensor or per row. Pure ES2022.
 *
 * In one dimension the clusters are intervals of the sorted values, so each Lloyd step is done on the sorted
 * values with prefix sums: the boundary between centroids k and k+1 is found by binary search for their
 * midpoint, and a cluster mean is a difference of prefix sums. A step costs O(K log n) instead of O(n K), and
 * "assignments unchanged" is "boundaries unchanged". The centroids stay sorted (each mean lies inside its
 * interval), so nearest-centroid assignment is the same interval rule.
 * Conventions: a value exactly at a midpoint goes to the lower centroid; an empty cluster keeps its centroid;
 * centroids are float32 (each mean rounded to float32); sums in float64.
 */
import { EngineError } from '../engineError';
import type { CodebookScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import { RANKED_MAX } from '../wasm/kernelLayout';
import { createGroupParams, type FormatBuffers, type FormatOutput, sortedDistinct } from './formatOutput';
import type { FormatRecord } from './formatRecord';
import { prefixSumsInto, sortGroupInto } from './radixSort';

/** Result of clustering one group. */
export interface KMeansResult {
  /** Centroids, ascending (float32), length 2^bits. */
  centroids: Float32Array;
  /** Lloyd iterations run (assignment passes that changed something, plus the final one that did not). */
  iterations: number;
  /** Whether the assignments stopped changing before maxIterations. */
  converged: boolean;
}

/** First index i in sorted[lo, hi) with sorted[i] > v (so values equal to v fall below the boundary), else hi. */
function upperBound(sorted: Float32Array, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * upperBound(sorted, lo, hi, v), searched outwards from `guess`: boundaries move little between Lloyd steps, so
 * this takes O(log distance) probes instead of O(log n). Same result as the plain search.
 */
function upperBoundNear(sorted: Float32Array, lo: number, hi: number, v: number, guess: number): number {
  if (guess <= lo || guess >= hi) return upperBound(sorted, lo, hi, v);
  let step = 1;
  if (sorted[guess - 1] <= v) {
    // the answer is in [a, hi], a = guess
    let a = guess;
    while (a + step < hi && sorted[a + step - 1] <= v) {
      a += step;
      step *= 2;
    }
    return upperBound(sorted, a, Math.min(hi, a + step), v);
  }
  // the answer is in [lo, b], b = guess - 1 (sorted[b] > v)
  let b = guess - 1;
  while (b - step > lo && !(sorted[b - step] <= v)) {
    b -= step;
    step *= 2;
  }
  return upperBound(sorted, Math.max(lo, b - step), b, v);
}

/**
 * The cluster boundaries of `centroids` over sorted[base, base + n): into[c] = upperBound of the midpoint
 * (c[c] + c[c + 1]) / 2, relative to base, into[k - 1] = n. `previous`: the boundaries of the last call (or -1s),
 * `mids` its midpoints, `moved[c]`: whether centroid c changed since; a midpoint whose two centroids did not
 * move is the same, and so is its boundary. Returns whether the midpoints are non-decreasing (no NaN). They are
 * whenever the centroids are ascending, and then each boundary is searched from the previous one; rounding in
 * the prefix sums could in principle break that on data of huge dynamic range, and then every search is the
 * plain one and the caller assigns values one by one with nearestCentroid, as the definition says.
 */
function boundariesInto(
  sorted: Float32Array,
  base: number,
  n: number,
  k: number,
  centroids: Float32Array,
  mids: Float64Array,
  moved: Uint8Array,
  into: Int32Array,
  previous: Int32Array,
): boolean {
  const end = base + n;
  let lo = base;
  let below = Number.NEGATIVE_INFINITY;
  let monotone = true;
  for (let c = 0; c < k - 1; c++) {
    const same = moved[c] === 0 && moved[c + 1] === 0;
    const m = same ? mids[c] : (centroids[c] + centroids[c + 1]) / 2;
    mids[c] = m;
    let b: number;
    if (monotone && m >= below) {
      b = same ? base + previous[c] : upperBoundNear(sorted, lo, end, m, base + previous[c]);
      lo = b;
      below = m;
    } else {
      monotone = false;
      b = same ? base + previous[c] : upperBound(sorted, base, end, m);
    }
    into[c] = b - base;
  }
  into[k - 1] = n;
  return monotone;
}

/** What lloyd leaves behind: `ends` are the boundaries of the final centroids (see boundariesInto). */
interface LloydState {
  ends: Int32Array;
  next: Int32Array;
  mids: Float64Array;
  moved: Uint8Array;
  iterations: number;
  converged: boolean;
  monotone: boolean;
}

function lloydState(k: number): LloydState {
  return {
    ends: new Int32Array(k),
    next: new Int32Array(k),
    mids: new Float64Array(k),
    moved: new Uint8Array(k),
    iterations: 0,
    converged: false,
    monotone: true,
  };
}

/**
 * Lloyd's algorithm on ascending finite values sorted[base, base + n) (n > 0), with their prefix sums at
 * prefix[at, at + n + 1), into `centroids` (length k). A cluster whose interval did not change keeps its mean
 * without recomputing it (the same difference of the same prefix sums). When it stops at maxIterations the last
 * boundaries computed belong to the previous centroids, so they are computed once more for the final ones.
 */
function lloyd(
  sorted: Float32Array,
  base: number,
  n: number,
  k: number,
  maxIterations: number,
  prefix: Float64Array,
  at: number,
  centroids: Float32Array,
  state: LloydState,
): void {
  const { mids, moved } = state;
  const min = sorted[base];
  const max = sorted[base + n - 1];
  for (let c = 0; c < k; c++) centroids[c] = k === 1 ? min : min + (c * (max - min)) / (k - 1);
  moved.fill(1);
  // ends[c]: one past the last sorted index assigned to centroid c.
  let ends = state.ends.fill(-1);
  let next = state.next;
  let iterations = 0;
  let converged = false;
  let monotone = true;
  while (iterations < maxIterations) {
    monotone = boundariesInto(sorted, base, n, k, centroids, mids, moved, next, ends);
    iterations++;
    let changed = false;
    for (let c = 0; c < k; c++) {
      if (next[c] !== ends[c]) {
        changed = true;
        break;
      }
    }
    if (!changed) {
      converged = true;
      break;
    }
    const swap = ends;
    ends = next;
    next = swap;
    // Cluster c is [start, end) with start the largest end before it (as of this step and of the last one).
    let start = 0;
    let lastStart = 0;
    for (let c = 0; c < k; c++) {
      const end = ends[c];
      const lastEnd = next[c];
      let m = 0;
      if ((end !== lastEnd || start !== lastStart) && end > start) {
        const old = centroids[c];
        centroids[c] = (prefix[at + end] - prefix[at + start]) / (end - start);
        if (centroids[c] !== old) m = 1;
      }
      moved[c] = m;
      start = Math.max(start, end);
      lastStart = Math.max(lastStart, lastEnd);
    }
  }
  if (!converged) {
    monotone = boundariesInto(sorted, base, n, k, centroids, mids, moved, next, ends);
    const swap = ends;
    ends = next;
    next = swap;
  }
  state.ends = ends;
  state.next = next;
  state.iterations = iterations;
  state.converged = converged;
  state.monotone = monotone;
}

/**
 * Lloyd's algorithm on ascending finite values `sorted[0, n)` with `k` centroids.
 * E.g. values [0, 1, 9, 10], k = 2: init [0, 10]; midpoint 5 splits {0, 1} | {9, 10}; means [0.5, 9.5]; no change.
 */
export function clusterSorted(
  sorted: Float32Array,
  n: number,
  k: number,
  maxIterations: number,
): KMeansResult {
  const centroids = new Float32Array(k);
  if (n === 0) return { centroids, iterations: 0, converged: true };
  const prefix = new Float64Array(n + 1);
  prefixSumsInto(sorted, 0, n, prefix, 0);
  const state = lloydState(k);
  lloyd(sorted, 0, n, k, maxIterations, prefix, 0, centroids, state);
  return { centroids, iterations: state.iterations, converged: state.converged };
}

/** Index of the nearest centroid (ascending centroids; ties to the lower one). */
function nearestCentroid(centroids: Float32Array, v: number): number {
  let lo = 0;
  let hi = centroids.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= (centroids[mid] + centroids[mid + 1]) / 2) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** codes / dequantized[start + i] = the code of element i's rank and its value, for i in [0, length). */
function writeByRank(
  rank: Uint16Array | Uint32Array,
  rankAt: number,
  codeOfRank: Int16Array,
  valueOfCode: Float32Array,
  codes: Int16Array,
  dequantized: Float32Array,
  start: number,
  length: number,
): void {
  for (let i = 0; i < length; i++) {
    const code = codeOfRank[rank[rankAt + i]];
    codes[start + i] = code;
    dequantized[start + i] = valueOfCode[code + 1];
  }
}

/** Plain words for a k-means codebook's storage. */
export function kmeansStorage(scheme: CodebookScheme): string {
  return `${scheme.bits}-bit index + codebook of ${2 ** scheme.bits} FP32 centroids per ${scheme.granularity.kind === 'row' ? 'row' : 'tensor'}`;
}

/**
 * Quantizes with a k-means codebook per tensor or per row. Codes are centroid indices (0 .. 2^bits - 1), -1 for
 * non-finite inputs (left out of the clustering, dequantized to NaN). Reported per group: scale 1, zero point 0,
 * [lo, hi] = [smallest, largest] centroid; levels = the distinct centroids.
 *
 * The sorted groups (values, prefix sums, ranks) come from the tensor's cache when the caller passes
 * out.sortedGroups (the sort depends only on the data, not on the scheme); otherwise each group is sorted here.
 * After clustering, cluster c is the run sorted[ends[c - 1], ends[c]), the values above midpoint c - 1 and at
 * most midpoint c: exactly nearestCentroid's answer when the midpoints are non-decreasing. Each element then
 * reads its code through its rank, in element order.
 */
export function quantizeKMeans(t: Tensor2D, scheme: CodebookScheme, out: FormatBuffers): FormatOutput {
  const { bits, maxIterations } = scheme;
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 8)) {
    throw new EngineError('bits', `k-means bits must be an integer 1..8 (got ${bits})`);
  }
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new EngineError('maxIterations', `maxIterations must be a positive integer (got ${maxIterations})`);
  }
  const { rows, cols, data } = t;
  const perRow = scheme.granularity.kind === 'row';
  const groups = perRow ? rows : 1;
  const groupLength = perRow ? cols : rows * cols;
  const k = 2 ** bits;
  const params = createGroupParams(groups);
  const codebooks: Float32Array[] = [];
  const { codes, dequantized } = out;

  let cached = out.sortedGroups?.(perRow ? 'row' : 'tensor') ?? null;
  if (cached !== null && (cached.groups !== groups || cached.groupLength !== groupLength)) cached = null;
  // Without the cache: one group's worth of sorted values, prefix sums and ranks, reused group after group.
  const sorted = cached !== null ? cached.values : new Float32Array(groupLength);
  const prefix = cached !== null ? cached.prefix : new Float64Array(groupLength + 1);
  const rank =
    cached !== null
      ? cached.rank
      : groupLength <= 65536
        ? new Uint16Array(groupLength)
        : new Uint32Array(groupLength);
  const codeOfRank = new Int16Array(groupLength);
  /** valueOfCode[code + 1]: NaN for code -1, then the centroids. */
  const valueOfCode = new Float32Array(k + 1);
  valueOfCode[0] = Number.NaN;
  const state = lloydState(k);
  // The kernel writes codes and values where it runs (finite input) and a group's ranks are 16-bit.
  const kernel = out.kernel && groupLength <= RANKED_MAX ? out.kernel : undefined;

  for (let g = 0; g < groups; g++) {
    const start = g * groupLength;
    let base = 0;
    let at = 0;
    let n: number;
    if (cached !== null) {
      base = start;
      at = g * (groupLength + 1);
      n = cached.finite[g];
    } else {
      n = sortGroupInto(data, start, groupLength, sorted, rank, 0);
      prefixSumsInto(sorted, 0, n, prefix, 0);
    }
    const centroids = new Float32Array(k);
    codebooks.push(centroids);
    let monotone = true;
    if (n > 0) {
      lloyd(sorted, base, n, k, maxIterations, prefix, at, centroids, state);
      monotone = state.monotone;
    }
    params.scale[g] = 1;
    params.lo[g] = centroids[0];
    params.hi[g] = centroids[k - 1];
    if (!monotone) {
      for (let i = start; i < start + groupLength; i++) {
        const v = data[i];
        if (v - v !== 0) {
          codes[i] = -1;
          dequantized[i] = Number.NaN;
          continue;
        }
        const c = nearestCentroid(centroids, v);
        codes[i] = c;
        dequantized[i] = centroids[c];
      }
      continue;
    }
    let from = 0;
    if (n > 0) {
      const ends = state.ends;
      for (let c = 0; c < k; c++) {
        const to = ends[c];
        if (to > from) {
          codeOfRank.fill(c, from, to);
          from = to;
        }
      }
    }
    codeOfRank.fill(-1, from, groupLength);
    valueOfCode.set(centroids, 1);
    if (kernel && rank instanceof Uint16Array) {
      // the same gather in the kernel (about 4 ms less at 1024 x 1024)
      kernel.codesByRank(start, groupLength, rank, cached !== null ? start : 0, codeOfRank, valueOfCode);
      continue;
    }
    writeByRank(
      rank,
      cached !== null ? start : 0,
      codeOfRank,
      valueOfCode,
      codes,
      dequantized,
      start,
      groupLength,
    );
  }

  const n = rows * cols;
  return {
    granularity: perRow ? { kind: 'row' } : { kind: 'tensor' },
    ...params,
    levelsOf: (group: number) => sortedDistinct(codebooks[group]),
    bitsPerWeight: bits + (32 * k * groups) / n,
    storage: kmeansStorage(scheme),
    levelsTotal: k,
    codeRange: k,
  };
}

/** The k-means codebook's record in the format registry (registry.ts). */
export const KMEANS_FORMAT: FormatRecord<CodebookScheme> = {
  id: 'kmeans',
  family: 'kmeans',
  label: 'k-means codebook',
  group: 'Codebook (k-means)',
  elementBits: 4,
  // 16 centroids per row, 20 Lloyd iterations: what the picker has always started from (and the sweep measures).
  defaults: { kind: 'kmeans', bits: 4, granularity: { kind: 'row' }, maxIterations: 20 },
  options: [],
  facts: {},
  kernel: ['codesByRank'],
  sweep: [2, 3, 4].map((bits) => ({
    kind: 'kmeans' as const,
    bits,
    granularity: { kind: 'row' as const },
    maxIterations: 20,
  })),
  describe: (scheme) => ({
    label: `k-means ${2 ** scheme.bits} centroids per ${scheme.granularity.kind}`,
    bitsPerWeight: scheme.bits,
  }),
  storage: kmeansStorage,
  quantize: quantizeKMeans,
};
