import { describe, expect, it } from 'vitest';
import { computeQuantView, createTensorCache, type IntegerScheme, quantize } from '../../src/core';
import ref from '../fixtures/numpy/integer_cases.json';

// Made by tests/fixtures/numpy/make_integer_cases.py: NumPy on float32 arrays, np.round (half to even).
interface Case {
  name: string;
  tensor: string;
  scheme: IntegerScheme;
  codes: number[];
  dequantized: number[];
  scales: number[];
  zeros: number[];
  bins: number;
  histOriginal: number[];
  histDequantized: number[];
  mse: number;
  maxAbsError: number;
}
const tensors = ref.tensors as Record<string, { rows: number; cols: number; data: number[] }>;
const cases = ref.cases as Case[];

describe(`integer schemes match NumPy ${ref.numpy} bit for bit`, () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const t = tensors[c.tensor];
    const tensor = { rows: t.rows, cols: t.cols, data: Float32Array.from(t.data) };
    const r = quantize(tensor, c.scheme);
    expect(Array.from(r.codes)).toEqual(c.codes);
    // NumPy keeps the sign of a zero (np.round(-0.3) * step = -0.0); the engine's codes are integers, so a zero code
    // dequantizes to +0. The two are equal numbers: compare values with -0 normalised to +0 (x + 0).
    expect(Array.from(r.dequantized, (v) => v + 0)).toEqual(c.dequantized.map((v) => v + 0));
    expect(Array.from(r.scale)).toEqual(c.scales);
    expect(Array.from(r.zeroPoint)).toEqual(c.zeros);
    expect(r.metrics.mse).toBeCloseTo(c.mse, 12);
    expect(r.metrics.mse / c.mse).toBeCloseTo(1, 9);
    expect(r.metrics.maxAbsError).toBe(c.maxAbsError);

    // both implementations of the fused pass: the WebAssembly SIMD kernel (where the case is its) and JS
    for (const wasm of [true, false]) {
      const cache = createTensorCache(tensor, { wasm });
      const view = computeQuantView(
        tensor,
        c.scheme,
        { bins: c.bins, range: null, errorBins: 16, group: 0, heatmapMaxCells: 8 },
        cache,
      );
      expect(Array.from(cache.codes)).toEqual(c.codes);
      expect(Array.from(view.histogram.original)).toEqual(c.histOriginal);
      expect(Array.from(view.histogram.dequantized)).toEqual(c.histDequantized);
      expect(view.histogram.outsideDequantized).toBe(0);
      expect(view.errorHistogram.outside).toBe(0);
      expect(view.metrics.maxAbsError).toBe(c.maxAbsError);
    }
  });
});
