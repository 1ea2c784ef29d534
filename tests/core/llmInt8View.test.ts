/** computeLlmInt8View: orientation, work cap, heatmaps and histograms of the Y error. */
import { describe, expect, it } from 'vitest';
import { generateLinearWeights, generateOutlierActivations, simulateLlmInt8 } from '../../src/core/llmInt8';
import {
  computeLlmInt8View,
  DEFAULT_LLM_INT8_PARAMS,
  downsampleAbsError,
  transposeRows,
} from '../../src/core/llmInt8View';
import { createTensor } from '../../src/core/tensor';

describe('transposeRows', () => {
  it('turns an nn.Linear weight [out, in] into W [in, out] (first outUsed rows)', () => {
    const weight = createTensor(3, 2, Float32Array.of(1, 2, 3, 4, 5, 6)); // rows = outputs
    expect(Array.from(transposeRows(weight, 3).data)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(Array.from(transposeRows(weight, 2).data)).toEqual([1, 3, 2, 4]);
  });
});

describe('downsampleAbsError', () => {
  it('averages |y - ref| over cells of whole rows and columns (hand-computed)', () => {
    const y = Float64Array.of(1, 2, 3, 4, 5, 6);
    const ref = Float64Array.of(0, 0, 0, 0, 0, 0);
    const h = downsampleAbsError(y, ref, 2, 3, 2); // 2 x 3 -> cells of 1 row x 2 cols: [1,2],[3] / [4,5],[6]
    expect([h.gridRows, h.gridCols, h.rowsPerCell, h.colsPerCell]).toEqual([2, 2, 1, 2]);
    expect(Array.from(h.meanAbsError)).toEqual([1.5, 3, 4.5, 6]);
    expect(h.max).toBe(6);
  });
});

describe('computeLlmInt8View', () => {
  const weight = generateLinearWeights(96, 128, 5); // read as nn.Linear.weight: 96 outputs x 128 features
  const params = { ...DEFAULT_LLM_INT8_PARAMS, tokens: 32, outlierFeatures: 3 };

  it('matches simulateLlmInt8 on X and W = weight^T', () => {
    const view = computeLlmInt8View(weight, params);
    const x = generateOutlierActivations({
      tokens: 32,
      features: 128,
      outlierFeatures: 3,
      outlierMagnitude: 20,
      seed: params.seed,
    });
    const direct = simulateLlmInt8(x, transposeRows(weight, 96), params.threshold);
    expect([view.tokens, view.features, view.out, view.outUsed]).toEqual([32, 128, 96, 96]);
    expect(Array.from(view.outlierColumns)).toEqual(Array.from(direct.outlierColumns));
    expect(view.errorMixed).toEqual(direct.errorMixed);
    expect(view.errorInt8).toEqual(direct.errorInt8);
  });

  it('finds the 3 outlier features and the mixed product beats plain int8 on them', () => {
    const view = computeLlmInt8View(weight, params);
    // generateOutlierActivations spreads the outlier columns evenly: floor((k + 0.5) * 128 / 3).
    expect(Array.from(view.outlierColumns)).toEqual([21, 64, 106]);
    for (const c of view.outlierColumns) expect(view.featureAbsMax[c]).toBeGreaterThanOrEqual(6);
    expect(view.errorMixed.mse).toBeLessThan(view.errorInt8.mse / 10);
    expect(view.fp16Fraction).toBeCloseTo(3 / 128, 12);
  });

  it('counts every Y entry once in each error histogram', () => {
    const view = computeLlmInt8View(weight, params);
    const sum = (a: Uint32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(view.errorHistogram.int8)).toBe(32 * 96);
    expect(sum(view.errorHistogram.mixed)).toBe(32 * 96);
    expect(view.errorHistogram.edges[0]).toBeCloseTo(-view.errorHistogram.edges[60], 6);
    expect(view.heatmapInt8.max).toBeGreaterThan(view.heatmapMixed.max);
  });

  it('uses only the first output channels when the product would exceed the work cap', () => {
    const view = computeLlmInt8View(weight, params, 32 * 128 * 10);
    expect(view.outUsed).toBe(10);
    expect(view.heatmapMixed.gridCols).toBe(10);
  });

  it.each([
    ['tokens', { tokens: 0 }],
    ['outlierFeatures', { outlierFeatures: 500 }],
    ['threshold', { threshold: 0 }],
    ['outlierMagnitude', { outlierMagnitude: -1 }],
    ['seed', { seed: 1.5 }],
  ])('refuses a bad %s, naming it', (field, patch) => {
    expect(() => computeLlmInt8View(weight, { ...params, ...patch })).toThrow(
      expect.objectContaining({ name: 'EngineError', field }),
    );
  });
});
