/**
 * Lesson 7: LLM.int8()'s outlier decomposition (Dettmers et al. 2022, arXiv:2208.07339), told with the schemes
 * of the explorer: vector-wise int8, per-feature scales, the matrix without its outlier features, FP16.
 * Its last steps open the LLM.int8() view itself (threshold 6.0, then higher and lower) and point at its panel.
 */
import { integer, type Lesson } from './lesson';

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

But in Y = X·W an int8 kernel computes integer dot products over the features and rescales the result once per output: scales per row of X and per column of W factor out of the sum; a scale per feature of X does not. So LLM.int8() does something else: it takes the outlier features out. The next steps open the LLM.int8() view.`,
      set: { schemes: { b: integer({ bits: 8, granularity: { kind: 'column' } }) } },
      look: ['metric-mse-ratio', 'chart-heatmap-a'],
    },
    {
      title: 'The decomposition, on a real product',
      text: `This tab computes Y = X·W for real: the matrix is read as a layer's weight W (here plain normal weights, std 0.02), and X holds 64 tokens whose 4 outlier features reach about ±25. LLM.int8() finds the features where any |x| ≥ 6 (its threshold), multiplies those columns of X and rows of W in FP16, and the rest in int8 with one scale per token and per output.

Compare the product error of plain int8 (everything vector-wise int8) with LLM.int8(): about 25 times lower, with only 1.6% of X and W kept in FP16. The feature chart shows the 4 outlier features above the threshold line.`,
      set: {
        data: { distribution: 'normal', scale: 0.02, outlierCols: 0 },
        view: { tab: 'llmInt8', yScale: 'linear' },
        llmInt8: { tokens: 64, outlierFeatures: 4, outlierMagnitude: 20, threshold: 6, seed: 7 },
      },
      look: ['llm-mse-ratio', 'llm-fp16-share', 'llm-chart-features'],
    },
    {
      title: 'A threshold above the outliers keeps nothing',
      text: `With the threshold at 30, above the largest activation (about 25), no feature is set aside: LLM.int8() is plain int8, and both errors are the same (ratio ×1).`,
      set: { llmInt8: { threshold: 30 } },
      look: ['llm-outlier-count', 'llm-mse-ratio'],
    },
    {
      title: 'A threshold too low keeps almost everything',
      text: `With the threshold at 2, ordinary activations cross it too: about 240 of the 256 features are kept, 94% of the product runs in FP16. The error is tiny, but the memory and speed of int8 are gone. The paper's 6.0 sets aside only the systematic outliers.`,
      set: { llmInt8: { threshold: 2 } },
      look: ['llm-fp16-share', 'llm-outlier-count'],
    },
    {
      title: 'As if the outliers were never there',
      text: `Without outlier features in X (and the threshold back at 6), plain int8 has an error of about 1.0e-5. That is what LLM.int8() reached in step 3 with the outliers present: setting a few features aside removes almost all of their damage.`,
      set: { llmInt8: { threshold: 6, outlierFeatures: 0 } },
      look: ['llm-mse-int8', 'llm-mse-mixed'],
    },
  ],
};
