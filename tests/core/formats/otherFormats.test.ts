import { describe, expect, it } from 'vitest';
import { type FormatScheme, quantizeFormatInto } from '../../../src/core/formats';
import { clusterSorted } from '../../../src/core/formats/kmeans';
import type { FloatScheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';

function run(scheme: FormatScheme, rows: number, cols: number, values: ArrayLike<number>) {
  const t = createTensor(rows, cols, Float32Array.from(values));
  const out = { codes: new Int16Array(rows * cols), dequantized: new Float32Array(rows * cols) };
  const result = quantizeFormatInto(t, scheme, out);
  return { ...out, result };
}

const float = (
  format: FloatScheme['format'],
  scaling: FloatScheme['scaling'],
  extra: Partial<FloatScheme> = {},
) => ({ kind: 'float', format, scaling, groupSize: 32, saturate: true, ...extra }) as FloatScheme;

describe('float schemes (plain cast or FP32 scale to the format maximum)', () => {
  it('casts raw E2M1 with round-half-even and saturation', () => {
    const { dequantized, codes, result } = run(float('e2m1', 'none'), 1, 4, [7, 2.5, -0.3, 0.2]);
    expect(Array.from(dequantized)).toEqual([6, 2, -0.5, 0]);
    expect(Array.from(codes)).toEqual([7, 4, 9, 0]);
    expect(result.scale[0]).toBe(1);
    expect(result.bitsPerWeight).toBe(4);
    expect(result.levelsTotal).toBe(16);
  });

  it('scales per tensor so that absmax maps to the format maximum', () => {
    // absmax 12, E2M1 max 6: s = 2. 5 / 2 = 2.5 -> 2 -> 4; 12 -> 6 -> 12; -1 -> -0.5 -> -1.
    const { dequantized, result } = run(float('e2m1', 'tensor'), 1, 3, [5, 12, -1]);
    expect(result.scale[0]).toBe(2);
    expect(Array.from(dequantized)).toEqual([4, 12, -1]);
    expect([result.lo[0], result.hi[0]]).toEqual([-12, 12]);
    expect(Array.from(result.levelsOf(0))).toEqual([-12, -8, -6, -4, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 12]);
    expect(result.bitsPerWeight).toBe(4 + 32 / 3);
  });

  it('scales per row and per group, numbering groups row-major', () => {
    const values = [1, 2, 30, 60, -4, 0.5, 0, 0];
    const rows = run(float('e4m3', 'row'), 2, 4, values).result;
    expect(Array.from(rows.scale)).toEqual([Math.fround(60 / 448), Math.fround(4 / 448)]);
    const groups = run(float('e4m3', 'group', { groupSize: 3 }), 2, 4, values).result;
    // Row 0: groups [1, 2, 30] and [60]; row 1: [-4, 0.5, 0] and [0] (all zero: scale 1).
    expect(Array.from(groups.scale)).toEqual([
      Math.fround(30 / 448),
      Math.fround(60 / 448),
      Math.fround(4 / 448),
      1,
    ]);
    expect(groups.granularity).toEqual({ kind: 'group', size: 3 });
    expect(groups.bitsPerWeight).toBe(8 + 64 / 4);
  });

  it('follows the plain cast when not saturating: E4M3 overflow is NaN, E5M2 overflow is Inf', () => {
    const e4m3 = run(float('e4m3', 'none', { saturate: false }), 1, 2, [500, -300]);
    expect(Number.isNaN(e4m3.dequantized[0])).toBe(true);
    expect(e4m3.codes[0]).toBe(0x7f);
    expect(e4m3.dequantized[1]).toBe(-288);
    expect(run(float('e4m3', 'none'), 1, 1, [500]).dequantized[0]).toBe(448);
    expect(run(float('e5m2', 'none', { saturate: false }), 1, 1, [1e6]).dequantized[0]).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('writes FP16 and BF16 bit patterns reinterpreted as int16', () => {
    expect(run(float('fp16', 'none'), 1, 2, [-1, 1]).codes[0]).toBe(0xbc00 - 0x10000);
    expect(run(float('bf16', 'none'), 1, 2, [-2, 1]).codes[1]).toBe(0x3f80);
  });

  it('leaves non-finite inputs out of the scale: code -1, NaN output', () => {
    const { codes, dequantized, result } = run(float('e4m3', 'tensor'), 1, 3, [
      Number.NaN,
      448,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(result.scale[0]).toBe(1);
    expect([codes[0], codes[2]]).toEqual([-1, -1]);
    expect(Number.isNaN(dequantized[2])).toBe(true);
    expect(dequantized[1]).toBe(448);
  });

  it('uses scale 1 for an all-zero group', () => {
    const { dequantized, result } = run(float('e2m1', 'tensor'), 1, 2, [0, -0]);
    expect(result.scale[0]).toBe(1);
    expect(Array.from(dequantized)).toEqual([0, -0]);
  });
});

describe('k-means codebook (Deep Compression)', () => {
  it('runs Lloyd iterations from a linear initialisation until assignments stop changing', () => {
    const sorted = Float32Array.of(0, 1, 9, 10);
    const r = clusterSorted(sorted, 4, 2, 100);
    // init [0, 10]: split at 5 -> means [0.5, 9.5]; split at 5 again: no change.
    expect(Array.from(r.centroids)).toEqual([0.5, 9.5]);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(2);
  });

  it('stops at maxIterations', () => {
    // Initial centroids [0, 5, 10] on values 0, 1, 2, 3, 10: midpoints 2.5 and 7.5 give {0, 1, 2}, {3}, {10},
    // so one step moves them to [1, 3, 10] (a second step would move them again: {0, 1}, {2, 3}, {10}).
    const r = clusterSorted(Float32Array.of(0, 1, 2, 3, 10), 5, 3, 1);
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
    expect(Array.from(r.centroids)).toEqual([1, 3, 10]);
  });

  it('quantizes each value to its nearest centroid, per tensor or per row', () => {
    const values = [0, 1, 9, 10, 100, 101, 103, 104];
    const tensor = run(
      { kind: 'kmeans', bits: 1, granularity: { kind: 'tensor' }, maxIterations: 50 },
      2,
      4,
      values,
    );
    // Init [0, 104]; split 52: {0..10}, {100..104}: means 5, 102; stable.
    expect(Array.from(tensor.dequantized)).toEqual([5, 5, 5, 5, 102, 102, 102, 102]);
    expect(Array.from(tensor.codes)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(tensor.result.bitsPerWeight).toBe(1 + 64 / 8);
    const rows = run(
      { kind: 'kmeans', bits: 1, granularity: { kind: 'row' }, maxIterations: 50 },
      2,
      4,
      values,
    );
    expect(Array.from(rows.dequantized)).toEqual([0.5, 0.5, 9.5, 9.5, 100.5, 100.5, 103.5, 103.5]);
    expect(Array.from(rows.result.levelsOf(1))).toEqual([100.5, 103.5]);
    expect([rows.result.lo[0], rows.result.hi[0]]).toEqual([0.5, 9.5]);
  });

  it('keeps an empty cluster at its previous centroid and ignores non-finite values', () => {
    const values = [0, 0, 0, 10, Number.NaN];
    const { codes, dequantized, result } = run(
      { kind: 'kmeans', bits: 2, granularity: { kind: 'tensor' }, maxIterations: 20 },
      1,
      5,
      values,
    );
    // Init [0, 10/3, 20/3, 10]: clusters {0,0,0}, {}, {}, {10}; the empty ones keep their centroids.
    expect(Array.from(result.levelsOf(0))).toEqual([0, Math.fround(10 / 3), Math.fround(20 / 3), 10]);
    expect(codes[4]).toBe(-1);
    expect(Number.isNaN(dequantized[4])).toBe(true);
    expect(result.levelsTotal).toBe(4);
  });
});

describe('binary (XNOR-Net) and ternary (TWN), per row', () => {
  it('binary: alpha = mean |x|, sign(0) = +1', () => {
    const { codes, dequantized, result } = run({ kind: 'binary' }, 1, 4, [1, -2, 0, 3]);
    expect(result.scale[0]).toBe(1.5);
    expect(Array.from(dequantized)).toEqual([1.5, -1.5, 1.5, 1.5]);
    expect(Array.from(codes)).toEqual([1, 0, 1, 1]);
    expect(result.bitsPerWeight).toBe(1 + 32 / 4);
    expect(Array.from(result.levelsOf(0))).toEqual([-1.5, 1.5]);
  });

  it('ternary: threshold 0.7 mean |x|, alpha = mean of the kept |x|', () => {
    // mean |x| = 1.5, threshold 1.05: keeps -2 and 3, alpha = 2.5.
    const { codes, dequantized, result } = run({ kind: 'ternary' }, 2, 4, [1, -2, 0, 3, 0, 0, 0, 0]);
    expect(Array.from(dequantized.slice(0, 4))).toEqual([0, -2.5, 0, 2.5]);
    expect(Array.from(codes.slice(0, 4))).toEqual([1, 0, 1, 2]);
    expect([result.scale[0], result.zeroPoint[0]]).toEqual([2.5, 1]);
    // An all-zero row reproduces exactly.
    expect(Array.from(dequantized.slice(4))).toEqual([0, 0, 0, 0]);
    expect(result.levelsTotal).toBe(3);
  });
});
