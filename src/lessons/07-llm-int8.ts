/**
 * Lesson 7: LLM.int8()'s outlier decomposition (Dettmers et al. 2022, arXiv:2208.07339), told with the schemes
 * of the explorer: vector-wise int8, per-feature scales, the matrix without its outlier features, FP16.
 * TODO(#6): when the LLM.int8() view lands (worker method `llmInt8(datasetId, LlmInt8Params)`, core/llmInt8View.ts),
 * add steps that set its state (tokens, outlierFeatures, outlierMagnitude, threshold 6.0) and `look` at its panel.
 */
import { float, integer, type Lesson } from './lesson';

const OUTLIER_DATA = {
  distribution: 'transformer',
  scale: 1,
  shift: 0,
  outlierCols: 4,
  outlierFactor: 20,
  spikeFraction: 0,
  rows: 256,
  cols: 256,
  seed: 42,
} as const;

export const lesson: Lesson = {
  id: 'llm-int8',
  title: 'LLM.int8(): set the outliers aside',
  summary:
    'Why a few outlier features ruin int8 matrix multiplication, and how LLM.int8() keeps them in FP16.',
  steps: [
    {
      title: 'Outlier features in the hidden states',
      text: `Read this matrix as the hidden states X of a transformer layer: rows are tokens, columns are features. Four features carry outliers about 20 times larger than the rest. LLM.int8() reports such features in every layer of models beyond about 6.7B parameters.

Scheme A is what an int8 matrix multiply can use: absmax int8 with one scale per row (per token, "vector-wise"). Every token has the outlier features, so every row's α is set by an outlier, and the ordinary values (|x| below about 3) get only a few dozen of the 255 levels. Scheme B, one scale for the whole tensor, is worse still.`,
      set: {
        data: OUTLIER_DATA,
        schemes: { a: integer({ bits: 8, granularity: { kind: 'row' } }), b: integer({ bits: 8 }) },
        view: { layout: 'compare', range: null, yScale: 'log' },
        worked: null,
      },
      look: ['chart-values-a', 'metric-mse-a'],
    },
    {
      title: 'Per-feature scales would help, but a matmul cannot use them',
      text: `B now has one scale per column (per feature): the outlier features get their own wide grid and the others a fine one, and the MSE drops about 14 times.

But in Y = X·W an int8 kernel computes integer dot products over the features and rescales the result once per output: scales per row of X and per column of W factor out of the sum; a scale per feature of X does not. So LLM.int8() does something else: it takes the outlier features out.`,
      set: { schemes: { b: integer({ bits: 8, granularity: { kind: 'column' } }) } },
      look: ['metric-mse-ratio', 'chart-heatmap-a'],
    },
    {
      title: 'The int8 part, without the outlier features',
      text: `LLM.int8() finds the features where any |x| ≥ 6 (its threshold) and removes them from X (and the matching rows of W). What remains is what this step shows: the same tokens without outlier features.

Vector-wise int8 (A) on this matrix has an MSE about 100 times lower than in step 1 (about 4.8e-5 against 5.5e-3): the row scales are now set by ordinary values.`,
      set: { data: { outlierCols: 0 }, schemes: { b: integer({ bits: 8 }) } },
      look: ['metric-mse-a'],
    },
    {
      title: 'The outlier part stays in FP16',
      text: `The removed features are multiplied in FP16 and the two products are added: Y = X_int8·W_int8 (rescaled) + X_outliers·W_outliers (FP16). FP16 keeps about three significant digits at any magnitude: B casts the matrix with the outliers back in to FP16, SQNR about 74 dB.

Only 4 of the 256 features (1.6%) take the FP16 path, so the product is almost all int8 and as accurate as if the outliers were never there.`,
      set: { data: { outlierCols: 4 }, schemes: { b: float('fp16', { scaling: 'none' }) } },
      look: ['metric-sqnr-b'],
    },
  ],
};
