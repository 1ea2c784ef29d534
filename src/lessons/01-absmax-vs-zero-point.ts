/** Lesson 1: absmax against zero-point, on data centred at zero and on all-positive data. */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'absmax-vs-zero-point',
  title: 'Absmax vs zero-point',
  summary: 'Why a symmetric grid wastes half its codes on all-positive data, and how a zero point fixes it.',
  steps: [
    {
      title: 'Symmetric data, 8 bits',
      text: `Scheme A is absmax: its grid spans [−α, α] with α = max|x|, codes −127..127, step Δ = α / 127. Scheme B is zero-point: its grid spans [min, max] exactly, codes −128..127, step Δ = (max − min) / 255, shifted by a zero point z.

The data is a normal distribution centred at 0, so [min, max] is close to [−α, α] and the two schemes do almost the same thing. Compare MSE and SQNR in the metrics table: both are about 40 dB.`,
      set: {
        data: { distribution: 'normal', scale: 1, shift: 0, rows: 256, cols: 256, seed: 42 },
        schemes: { a: integer({ method: 'absmax', bits: 8 }), b: integer({ method: 'zeroPoint', bits: 8 }) },
        view: { layout: 'compare', range: null, yScale: 'linear' },
        worked: null,
      },
      look: ['metrics-table'],
    },
    {
      title: 'Fewer bits make the grid visible',
      text: `At 4 bits absmax has 15 levels and zero-point 16. In the value histograms the dequantized values (orange outline) pile up on the grid levels (the ticks under the axis): every value is moved to its nearest level.

Zero-point's step is a little finer (range / 15 instead of 2α / 14), so its MSE is a little lower: about 0.026 against 0.032.`,
      set: {
        schemes: { a: integer({ method: 'absmax', bits: 4 }), b: integer({ method: 'zeroPoint', bits: 4 }) },
      },
      look: ['chart-values-a', 'chart-values-b'],
    },
    {
      title: 'All-positive data',
      text: `Now every value lies between 0 and 1, as ReLU outputs or attention probabilities do. Absmax still centres its grid on 0, so the negative half of its codes is never used: look at "Levels used" for A (8 of 15).

Zero-point moves its grid onto [min, max] and uses all 16 levels, so its step is less than half as large: its MSE is about 4.6 times lower, an SQNR about 6.6 dB higher.`,
      set: { data: { distribution: 'uniform', scale: 0.5, shift: 0.5 } },
      look: ['metric-levels-a', 'metric-sqnr-b'],
    },
    {
      title: 'The same, by hand',
      text: `The worked example quantizes ten all-positive values with both schemes, one row per step. For A, Δ = α / 7 and the codes only reach 0..7. For B, Δ = (max − min) / 15 and the zero point z = round(−min / Δ) − 8 sends min to the code −8 (0 in the unsigned view).

Compare the "error" rows: A's largest error (highlighted) is about 0.063, within its bound Δ/2 = 0.071; B's largest is about 0.023, within Δ/2 = 0.031.`,
      set: { worked: [0.05, 0.93, 0.31, 0.58, 0.12, 0.77, 0.44, 0.99, 0.26, 0.65] },
      look: ['worked-example'],
    },
  ],
};
