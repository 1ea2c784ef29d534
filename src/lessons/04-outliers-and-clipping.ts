/** Lesson 4: outliers and clipping (percentile vs MSE-optimal vs manual). */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'outliers-and-clipping',
  title: 'Outliers and clipping',
  summary:
    'Clipping a few large values buys a finer grid for all the others: percentile, MSE-optimal, by hand.',
  steps: [
    {
      title: 'Heavy tails: clip at the 99.9th percentile',
      text: `Student-t data with 3 degrees of freedom has heavy tails: a few values are more than ten times the typical one. A (absmax int4, no clipping) sets α by the single largest value, so its 15 levels are spread so wide that most values round to 0.

B clips at the 99.9th percentile of |x|: 0.1% of the values are clipped (see "Clipped") and get a large error, but the other 99.9% get a grid about 3.5 times finer. The MSE drops about 4 times.`,
      set: {
        data: { distribution: 'studentT', scale: 1, shift: 0, df: 3, rows: 256, cols: 256, seed: 42 },
        schemes: {
          a: integer({ bits: 4 }),
          b: integer({ bits: 4, clipping: { kind: 'percentile', percentile: 99.9 } }),
        },
        view: { layout: 'compare', range: null, yScale: 'log' },
        worked: null,
      },
      look: ['metric-clipped-b', 'metric-mse-b', 'chart-values-b'],
    },
    {
      title: 'MSE-optimal clipping',
      text: `B now searches for the α with the lowest MSE (a grid of candidate thresholds; the chosen range is printed under its clipping control): about ±8.4, clipping about 0.34% of the values, MSE about 0.27.

Now look at "Max |error|": clipping makes the worst error about ten times larger than without it. MSE counts every value once; a model may care more about a few large weights than about many small ones.`,
      set: { schemes: { b: integer({ bits: 4, clipping: { kind: 'mseOptimal' } }) } },
      look: ['metric-max-error-a', 'metric-max-error-b', 'metric-mse-b'],
    },
    {
      title: 'Too tight hurts again',
      text: `B clips by hand at ±3: 5.8% of the values are clipped and the MSE rises again (about 0.57). The best α balances two errors: rounding error, which grows with α, and clipping error, which grows as α shrinks.

Try it: drag the clipping markers in B's histogram (or focus one and use the arrow keys) and watch the MSE.`,
      set: { schemes: { b: integer({ bits: 4, clipping: { kind: 'manual', lo: -3, hi: 3 } }) } },
      look: ['chart-values-b', 'metric-mse-b'],
    },
    {
      title: 'When the outliers matter',
      text: `Back to the transformer-like matrix: its largest values are isolated spikes, a twentieth of a percent of the weights. Clipping them at the 99.9th percentile (B) raises the MSE from about 5.4e-4 to 8.7e-4: each clipped spike carries a huge squared error.

Clipping pays off when the tail is a broad, noisy fringe; it hurts when a few values are far out and must be kept. Lesson 3 (granularity) and lesson 7 (LLM.int8) show the other remedies.`,
      set: {
        data: {
          distribution: 'transformer',
          scale: 0.02,
          outlierCols: 4,
          outlierFactor: 20,
          spikeFraction: 0.0005,
        },
        schemes: { b: integer({ bits: 4, clipping: { kind: 'percentile', percentile: 99.9 } }) },
      },
      look: ['metric-mse-a', 'metric-mse-b'],
    },
  ],
};
