/**
 * One row of outputs (TensorCache.rowOutputs, the whole-model analysis of integer schemes) against the whole
 * tensor's outputs: every figure of the view the same bits, on the kernel and on the JS pass, for every granularity
 * and rounding, an odd row length (the JS pass alternates two accumulators by index parity), non-finite values and a
 * clipping search; and analyseTensor on a tensor loaded into its storage (analysisStorage) equal to the engine.
 */
import { describe, expect, it } from 'vitest';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_SCHEME_A,
  type IntegerScheme,
  type QuantView,
  quantize,
  type Scheme,
} from '../../../src/core';
import { createTensor, type Tensor2D } from '../../../src/core/tensor';
import { analyseTensor, analysisStorage, measuresByRow } from '../../../src/core/wholeModel/analyseTensor';

const A: IntegerScheme = DEFAULT_SCHEME_A;
const SCHEMES: IntegerScheme[] = [
  A,
  { ...A, method: 'zeroPoint', bits: 4, granularity: { kind: 'row' } },
  { ...A, bits: 4, granularity: { kind: 'group', size: 32 }, rounding: { kind: 'halfAway' } },
  { ...A, bits: 5, granularity: { kind: 'group', size: 100 } },
  { ...A, method: 'zeroPoint', bits: 3, granularity: { kind: 'column' }, rounding: { kind: 'floor' } },
  { ...A, bits: 6, rounding: { kind: 'stochastic', seed: 7 } },
  { ...A, bits: 4, granularity: { kind: 'group', size: 64 }, clipping: { kind: 'mseOptimal' } },
  { ...A, method: 'zeroPoint', bits: 4, clipping: { kind: 'percentile', percentile: 99.9 } },
];

/** 67 × 257 (17,219 values: past the kernel's minimum, odd rows and columns), a few outlier columns. */
function tensorOf(nonFinite: boolean): Tensor2D {
  const rows = 67;
  const cols = 257;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const c = i % cols;
    const v = Math.sin(i * 0.37) * 0.05 + Math.cos(c * 1.3 + (i / cols) * 0.7) * 0.01;
    data[i] = c % 61 === 7 ? v * 30 : v;
  }
  if (nonFinite) {
    data[5 * cols + 3] = Number.NaN;
    data[40 * cols + 200] = Number.POSITIVE_INFINITY;
  }
  return createTensor(rows, cols, data);
}

const VIEW = { bins: 48, range: null, errorBins: 24, group: 3, heatmapMaxCells: 8 };

/** The view without its timing (and the clipping report, which one row of outputs gives per tensor only). */
function comparable(v: QuantView, withClipReport: boolean) {
  return { ...v, elapsedMs: 0, clipReport: withClipReport ? v.clipReport : null };
}

describe('one row of outputs', () => {
  for (const nonFinite of [false, true]) {
    for (const wasm of [true, false]) {
      it(`gives the whole outputs' view, bit for bit (${wasm ? 'kernel' : 'JS pass'}${nonFinite ? ', NaN and Inf' : ''})`, () => {
        const t = tensorOf(nonFinite);
        const full = createTensorCache(t, { keepFormats: false, wasm });
        const row = createTensorCache(t, { keepFormats: false, wasm, rowOutputs: true });
        expect(row.rowOutputs).toBe(true);
        expect(row.codes.length).toBe(t.cols + 1);
        expect(row.dequantized.length).toBe(t.cols + 1);
        expect(row.kernel === null).toBe(full.kernel === null);
        for (const scheme of SCHEMES) {
          const expected = computeQuantView(t, scheme, VIEW, full);
          const got = computeQuantView(t, scheme, VIEW, row);
          const perTensor = scheme.granularity.kind === 'tensor';
          expect(comparable(got, perTensor), JSON.stringify(scheme)).toEqual(comparable(expected, perTensor));
        }
      });
    }
  }

  it('refuses a format, which writes the whole tensor before measuring it', () => {
    const t = tensorOf(false);
    const row = createTensorCache(t, { keepFormats: false, rowOutputs: true });
    expect(() => computeQuantView(t, { kind: 'block', format: 'q4_k' }, VIEW, row)).toThrow(/integer/);
    expect(measuresByRow(SCHEMES)).toBe(true);
    expect(measuresByRow([A, { kind: 'block', format: 'q4_k' }])).toBe(false);
  });
});

describe('analyseTensor', () => {
  const schemeSets: Scheme[][] = [SCHEMES, [A, { kind: 'block', format: 'nf4' }]];
  for (const schemes of schemeSets) {
    for (const wasm of [undefined, false]) {
      it(`on a tensor loaded into its storage equals the engine (${measuresByRow(schemes) ? 'row' : 'whole'} outputs, wasm ${wasm})`, () => {
        const t = tensorOf(false);
        const storage = analysisStorage(t.rows, t.cols, schemes, { wasm });
        expect(storage.rowOutputs).toBe(measuresByRow(schemes));
        if (wasm === false) expect(storage.kernel).toBeNull();
        else if (storage.kernel) expect(storage.values).toBe(storage.kernel.x);
        storage.values.set(t.data);
        const loaded = createTensor(t.rows, t.cols, storage.values);
        const got = analyseTensor(loaded, schemes, { wasm, storage });
        const plain = analyseTensor(t, schemes, { wasm });
        expect(got.stats).toEqual(plain.stats);
        expect(got.errors).toEqual(plain.errors);
        // The engine's own figures for integer schemes, bit for bit (a format's Σ error may differ from quantize's
        // in the last place where one runs on the kernel and the other in JS: wasmPass.ts).
        schemes.forEach((s, k) => {
          if (s.kind !== 'integer') return;
          const m = quantize(t, s).metrics;
          expect(got.errors[k].sqnrDb).toBe(m.sqnrDb);
          expect(got.errors[k].mse).toBe(m.mse);
          expect(got.errors[k].maxAbsError).toBe(m.maxAbsError);
          expect(got.errors[k].bitsPerWeight).toBe(m.bitsPerWeight);
          expect(got.errors[k].clippedFraction).toBe(m.clippedFraction);
        });
      });
    }
  }
});
