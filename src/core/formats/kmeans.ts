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
import { createGroupParams, type FormatBuffers, type FormatOutput, sortedDistinct } from './formatOutput';
import { sortFloat32 } from './radixSort';

/** Result of clustering one group. */
export interface KMeansResult {
  /** Centroids, ascending (float32), length 2^bits. */
  centroids: Float32Array;
  /** Lloyd iterations run (assignment passes that changed something, plus the final one that did not). */
  iterations: number;
  /** Whether the assignments stopped changing before maxIterations. */
  converged: boolean;
}

/** First index i in sorted[0, n) with sorted[i] > v (so values equal to v fall below the boundary). */
function upperBound(sorted: Float32Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  const min = sorted[0];
  const max = sorted[n - 1];
  for (let c = 0; c < k; c++) centroids[c] = k === 1 ? min : min + (c * (max - min)) / (k - 1);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  // ends[c]: one past the last sorted index assigned to centroid c.
  let ends = new Int32Array(k).fill(-1);
  let next = new Int32Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    for (let c = 0; c < k - 1; c++) next[c] = upperBound(sorted, n, (centroids[c] + centroids[c + 1]) / 2);
    next[k - 1] = n;
    iterations++;
    let changed = false;
    for (let c = 0; c < k; c++) if (next[c] !== ends[c]) changed = true;
    if (!changed) {
      converged = true;
      break;
    }
    [ends, next] = [next, ends];
    let start = 0;
    for (let c = 0; c < k; c++) {
      const end = ends[c];
      if (end > start) centroids[c] = (prefix[end] - prefix[start]) / (end - start);
      start = Math.max(start, end);
    }
  }
  return { centroids, iterations, converged };
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

/**
 * Quantizes with a k-means codebook per tensor or per row. Codes are centroid indices (0 .. 2^bits - 1), -1 for
 * non-finite inputs (left out of the clustering, dequantized to NaN). Reported per group: scale 1, zero point 0,
 * [lo, hi] = [smallest, largest] centroid; levels = the distinct centroids.
 */
/** Plain words for a k-means codebook's storage. */
export function kmeansStorage(scheme: CodebookScheme): string {
  return `${scheme.bits}-bit index + codebook of ${2 ** scheme.bits} FP32 centroids per ${scheme.granularity.kind === 'row' ? 'row' : 'tensor'}`;
}

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
  const sorted = new Float32Array(groupLength);
  const { codes, dequantized } = out;

  for (let g = 0; g < groups; g++) {
    const start = g * groupLength;
    let n = 0;
    for (let i = start; i < start + groupLength; i++) {
      const v = data[i];
      if (v - v === 0) sorted[n++] = v;
    }
    const view = sortFloat32(sorted, n).subarray(0, n);
    const { centroids } = clusterSorted(view, n, k, maxIterations);
    codebooks.push(centroids);
    params.scale[g] = 1;
    params.lo[g] = centroids[0];
    params.hi[g] = centroids[k - 1];
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
  }

  const n = rows * cols;
  return {
    granularity: perRow ? { kind: 'row' } : { kind: 'tensor' },
    ...params,
    levelsOf: (group: number) => sortedDistinct(codebooks[group]),
    bitsPerWeight: bits + (32 * k * groups) / n,
    storage: kmeansStorage(scheme),
    levelsTotal: k,
  };
}
