/** Lesson 2: bit width and the error curve (about 6 dB per bit). */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'bits-and-error',
  title: 'Bit width and the error curve',
  summary: 'Each extra bit halves the step and buys about 6 dB of SQNR, until outliers get in the way.',
  steps: [
    {
      title: 'One bit less: four times the error',
      text: `The data is uniform on [−1, 1]. A uses 8 bits, B 7 bits, both absmax per tensor. One bit less halves the number of levels and doubles the step Δ.

Rounding to the nearest level leaves an error spread evenly over [−Δ/2, Δ/2], whose mean square is Δ² / 12. Doubling Δ multiplies the MSE by 4: look at the "B vs A" column (×4) and at SQNR, which drops by 6.02 dB per bit (10·log10 4).`,
      set: {
        data: { distribution: 'uniform', scale: 1, shift: 0, rows: 256, cols: 256, seed: 42 },
        schemes: { a: integer({ bits: 8 }), b: integer({ bits: 7 }) },
        view: { layout: 'compare', range: null, yScale: 'linear' },
        worked: null,
      },
      look: ['metric-mse-ratio', 'metric-sqnr-a', 'metric-sqnr-b'],
    },
    {
      title: 'The error histogram is flat',
      text: `The error histograms show the rounding error x̂ − x of every value. On uniform data they are flat boxes from −Δ/2 to Δ/2: every error in that range is equally likely. B's box is twice as wide as A's.`,
      look: ['chart-error-a', 'chart-error-b'],
    },
    {
      title: 'At 4 and 3 bits',
      text: `At 4 bits (A) SQNR is about 22.9 dB; at 3 bits (B) about 15.6 dB. The gap is 7.4 dB, a little more than 6: absmax uses 2^b − 1 levels (7 steps on each side at 4 bits, 3 at 3 bits), so the step grows by 7/3 = 2.33, not 2.

Try it: drag A's bits slider from 8 down to 2 and watch SQNR fall by about 6 dB per bit.`,
      set: { schemes: { a: integer({ bits: 4 }), b: integer({ bits: 3 }) } },
      look: ['metrics-table'],
    },
    {
      title: 'Outliers spoil the curve',
      text: `Now the matrix is transformer-like: normal values (std 0.02) plus 4 outlier columns (20 times larger) and isolated spikes of 60 to 120 standard deviations. α is set by the largest spike, so the grid is coarse for everything else.

At 8 bits SQNR is only about 22 dB (40 dB on plain normal data); at 4 bits about 9 dB, and the value histogram of B shows almost every weight rounded to 0 or ±Δ. The next lessons show what helps: finer granularity and clipping.`,
      set: {
        data: {
          distribution: 'transformer',
          scale: 0.02,
          outlierCols: 4,
          outlierFactor: 20,
          spikeFraction: 0.0005,
        },
        schemes: { a: integer({ bits: 8 }), b: integer({ bits: 4 }) },
      },
      look: ['chart-values-b', 'metric-sqnr-b'],
    },
  ],
};
