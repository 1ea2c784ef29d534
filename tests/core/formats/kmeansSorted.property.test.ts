/**
 * The k-means codebook with the tensor cache's sorted groups (sorted values, prefix sums, ranks) and the
 * boundary / rank assignment gives exactly what the definition gives: a plain sort, Lloyd on the sorted values
 * (the straightforward loop below), then every value to its nearest centroid by binary search. Cold (first
 * call, sorts), warm (second call on the same cache) and without a cache.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW } from '../../../src/core';
import { sortedDistinct } from '../../../src/core/formats/formatOutput';
import { clusterSorted, quantizeKMeans } from '../../../src/core/formats/kmeans';
import { sortGroups } from '../../../src/core/formats/radixSort';
import { computeQuantView } from '../../../src/core/quantView';
import type { CodebookScheme } from '../../../src/core/scheme';
import type { Tensor2D } from '../../../src/core/tensor';
import { createTensorCache, sortedGroupsOf } from '../../../src/core/tensorCache';

// ---- reference: the definition, written plainly ----

function refUpperBound(sorted: Float32Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function refCluster(sorted: Float32Array, k: number, maxIterations: number) {
  const n = sorted.length;
  const centroids = new Float32Array(k);
  if (n === 0) return { centroids, iterations: 0, converged: true };
  const min = sorted[0];
  const max = sorted[n - 1];
  for (let c = 0; c < k; c++) centroids[c] = k === 1 ? min : min + (c * (max - min)) / (k - 1);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  let ends = new Int32Array(k).fill(-1);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    const next = new Int32Array(k);
    for (let c = 0; c < k - 1; c++) next[c] = refUpperBound(sorted, (centroids[c] + centroids[c + 1]) / 2);
    next[k - 1] = n;
    iterations++;
    if (next.every((e, c) => e === ends[c])) {
      converged = true;
      break;
    }
    ends = next;
    let start = 0;
    for (let c = 0; c < k; c++) {
      const end = ends[c];
      if (end > start) centroids[c] = (prefix[end] - prefix[start]) / (end - start);
      start = Math.max(start, end);
    }
  }
  return { centroids, iterations, converged };
}

function refNearest(centroids: Float32Array, v: number): number {
  let lo = 0;
  let hi = centroids.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= (centroids[mid] + centroids[mid + 1]) / 2) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function refQuantize(t: Tensor2D, scheme: CodebookScheme) {
  const perRow = scheme.granularity.kind === 'row';
  const groups = perRow ? t.rows : 1;
  const len = perRow ? t.cols : t.rows * t.cols;
  const k = 2 ** scheme.bits;
  const codes = new Int16Array(t.rows * t.cols);
  const dequantized = new Float32Array(t.rows * t.cols);
  const centroidsOf: Float32Array[] = [];
  const iterationsOf: number[] = [];
  for (let g = 0; g < groups; g++) {
    const group = t.data.subarray(g * len, (g + 1) * len);
    const sorted = Float32Array.from(group.filter((v) => Number.isFinite(v))).sort();
    const { centroids, iterations } = refCluster(sorted, k, scheme.maxIterations);
    centroidsOf.push(centroids);
    iterationsOf.push(iterations);
    for (let i = 0; i < len; i++) {
      const v = group[i];
      if (!Number.isFinite(v)) {
        codes[g * len + i] = -1;
        dequantized[g * len + i] = Number.NaN;
      } else {
        const c = refNearest(centroids, v);
        codes[g * len + i] = c;
        dequantized[g * len + i] = centroids[c];
      }
    }
  }
  return { codes, dequantized, centroidsOf, iterationsOf };
}

// ---- tensors: seeded, with ties, repeats, constant rows, signed zeros, NaN / ±Inf, outliers ----

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'grid' | 'gauss' | 'outliers' | 'constant' | 'specials' | 'tiny';

function makeTensor(rows: number, cols: number, kind: Kind, special: number, seed: number): Tensor2D {
  const r = rng(seed);
  const data = new Float32Array(rows * cols);
  const rowConstant = r() < 0.3 ? Math.floor(r() * rows) : -1;
  for (let i = 0; i < data.length; i++) {
    let v: number;
    const gauss = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    switch (kind) {
      case 'grid': // small grid: many repeats and values exactly at midpoints
        v = Math.floor(r() * 9) / 4 - 1;
        break;
      case 'gauss':
        v = gauss * 0.02;
        break;
      case 'outliers':
        v = r() < 0.01 ? (r() < 0.5 ? -1 : 1) * 1e6 * r() : gauss;
        break;
      case 'constant':
        v = 0.75;
        break;
      case 'tiny': // subnormals, signed zeros and huge values together
        v = [0, -0, 1e-45, -1e-45, 3e38, -3e38, gauss][Math.floor(r() * 7)];
        break;
      default:
        v = [0, -0, 1, -1, 0.5, 2.5, gauss][Math.floor(r() * 7)];
    }
    if (r() < special)
      v = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][Math.floor(r() * 3)];
    data[i] = v;
  }
  if (rowConstant >= 0) data.fill(-0.25, rowConstant * cols, (rowConstant + 1) * cols);
  return { rows, cols, data };
}

const sameBits = (a: Float32Array, b: Float32Array) => {
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) expect([i, a[i], b[i]]).toEqual([i, b[i], b[i]]);
};

function expectMatchesReference(t: Tensor2D, scheme: CodebookScheme, sortedGroups?: 'cache' | 'none') {
  const ref = refQuantize(t, scheme);
  const cache = createTensorCache(t, { wasm: false });
  const runs: { codes: Int16Array; dequantized: Float32Array; result: ReturnType<typeof quantizeKMeans> }[] =
    [];
  const calls = sortedGroups === 'none' ? 1 : 2; // cold, then warm on the same cache
  for (let i = 0; i < calls; i++) {
    const codes = new Int16Array(t.rows * t.cols).fill(7);
    const dequantized = new Float32Array(t.rows * t.cols).fill(7);
    const result = quantizeKMeans(t, scheme, {
      codes,
      dequantized,
      ...(sortedGroups === 'none' ? {} : { sortedGroups: (g: 'tensor' | 'row') => sortedGroupsOf(cache, g) }),
    });
    runs.push({ codes, dequantized, result });
  }
  for (const { codes, dequantized, result } of runs) {
    expect(Array.from(codes)).toEqual(Array.from(ref.codes));
    sameBits(dequantized, ref.dequantized);
    ref.centroidsOf.forEach((centroids, g) => {
      expect(result.scale[g]).toBe(1);
      expect(result.zeroPoint[g]).toBe(0);
      expect(Object.is(result.lo[g], centroids[0])).toBe(true);
      expect(Object.is(result.hi[g], centroids[centroids.length - 1])).toBe(true);
      sameBits(result.levelsOf(g), sortedDistinct(centroids));
    });
  }
}

const schemeArb = fc.record({
  kind: fc.constant('kmeans' as const),
  bits: fc.integer({ min: 1, max: 8 }),
  granularity: fc.constantFrom({ kind: 'tensor' as const }, { kind: 'row' as const }),
  maxIterations: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(50)),
});

const tensorArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 6 }),
    cols: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 40, max: 300 })),
    kind: fc.constantFrom<Kind>('grid', 'gauss', 'outliers', 'constant', 'specials', 'tiny'),
    special: fc.constantFrom(0, 0.05, 0.5, 1),
    seed: fc.integer(),
  })
  .map(({ rows, cols, kind, special, seed }) => makeTensor(rows, cols, kind, special, seed));

describe('k-means on cached sorted groups', () => {
  it('equals the reference (sort, Lloyd, nearest centroid by binary search), cold and warm', () => {
    fc.assert(
      fc.property(tensorArb, schemeArb, (t, scheme) => expectMatchesReference(t, scheme)),
      { numRuns: 300 },
    );
  });

  it('equals the reference without a cache (sorting per call)', () => {
    fc.assert(
      fc.property(tensorArb, schemeArb, (t, scheme) => expectMatchesReference(t, scheme, 'none')),
      { numRuns: 150 },
    );
  });

  it('equals the reference on long groups (bucket sort, 11-bit radix sort) and through computeQuantView', () => {
    for (const [kind, seed] of [
      ['gauss', 1],
      ['outliers', 2],
      ['grid', 3],
      ['specials', 4],
    ] as const) {
      const t = makeTensor(3, 3000, kind, 0.001, seed);
      for (const granularity of [{ kind: 'tensor' as const }, { kind: 'row' as const }]) {
        for (const [bits, maxIterations] of [
          [2, 3],
          [4, 50],
          [8, 5],
        ]) {
          const scheme: CodebookScheme = { kind: 'kmeans', bits, granularity, maxIterations };
          expectMatchesReference(t, scheme);
          // The app path: formatBridge passes the cache's sorted groups.
          const cache = createTensorCache(t);
          computeQuantView(t, scheme, DEFAULT_VIEW, cache);
          expect(cache.sortedGroups[granularity.kind]).toBeDefined();
          const ref = refQuantize(t, scheme);
          expect(Array.from(cache.codes)).toEqual(Array.from(ref.codes));
          sameBits(cache.dequantized, ref.dequantized);
        }
      }
    }
  });

  it('clusterSorted: the same centroids, iterations and convergence as the reference', () => {
    fc.assert(
      fc.property(
        tensorArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 60 }),
        (t, bits, maxIterations) => {
          const sorted = Float32Array.from(t.data.filter((v) => Number.isFinite(v))).sort();
          const mine = clusterSorted(sorted, sorted.length, 2 ** bits, maxIterations);
          const ref = refCluster(sorted, 2 ** bits, maxIterations);
          sameBits(mine.centroids, ref.centroids);
          expect([mine.iterations, mine.converged]).toEqual([ref.iterations, ref.converged]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sortGroups: each group sorted as Float32Array.sort, prefix sums, ranks a permutation back to the elements', () => {
    fc.assert(
      fc.property(tensorArb, fc.boolean(), (t, perRow) => {
        const groups = perRow ? t.rows : 1;
        const len = perRow ? t.cols : t.rows * t.cols;
        const s = sortGroups(t.data, groups, len);
        for (let g = 0; g < groups; g++) {
          const group = t.data.subarray(g * len, (g + 1) * len);
          const expected = Float32Array.from(group.filter((v) => Number.isFinite(v))).sort();
          const n = s.finite[g];
          expect(n).toBe(expected.length);
          sameBits(s.values.subarray(g * len, g * len + n), expected);
          let sum = 0;
          for (let i = 0; i <= n; i++) {
            expect(s.prefix[g * (len + 1) + i]).toBe(sum);
            if (i < n) sum += expected[i];
          }
          const seen = new Set<number>();
          for (let i = 0; i < len; i++) {
            const r = s.rank[g * len + i];
            seen.add(r);
            if (Number.isFinite(group[i])) expect(Object.is(s.values[g * len + r], group[i])).toBe(true);
            else expect(r).toBeGreaterThanOrEqual(n);
          }
          expect(seen.size).toBe(len);
        }
      }),
      { numRuns: 200 },
    );
  });
});
