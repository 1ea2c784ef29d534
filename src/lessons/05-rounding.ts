/** Lesson 5: rounding: to nearest, floor and stochastic. */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'rounding',
  title: 'Rounding: nearest vs stochastic',
  summary:
    'Round to nearest has the smallest error; stochastic rounding has a larger one that is zero on average.',
  steps: [
    {
      title: 'Nearest vs floor',
      text: `Both schemes are absmax int4 on normal data. A rounds to the nearest level (ties to even): errors lie in [−Δ/2, Δ/2]. B rounds down (floor): errors lie in (−Δ, 0], so the mean error, the bias, is about −Δ/2 (see the note under B's error histogram) and the MSE is about four times larger.`,
      set: {
        data: { distribution: 'normal', scale: 1, shift: 0, rows: 256, cols: 256, seed: 42 },
        schemes: { a: integer({ bits: 4 }), b: integer({ bits: 4, rounding: { kind: 'floor' } }) },
        view: { layout: 'compare', range: null, yScale: 'linear' },
        worked: null,
      },
      look: ['chart-error-a', 'chart-error-b'],
    },
    {
      title: 'Stochastic rounding',
      text: `B now rounds stochastically: x/Δ = 2.3 becomes 3 with probability 0.3 and 2 with probability 0.7 (floor(x/Δ + u), u uniform in [0, 1), seeded so it is reproducible).

Each value's error is larger: the MSE is about twice that of rounding to nearest (Δ²/6 against Δ²/12), and the error histogram is a triangle from −Δ to Δ. But on average the error is zero: E[x̂] = x for every single value, not just over the whole tensor.`,
      set: { schemes: { b: integer({ bits: 4, rounding: { kind: 'stochastic', seed: 1 } }) } },
      look: ['chart-error-b', 'metric-mse-ratio'],
    },
    {
      title: 'Small values at 2 bits',
      text: `At 2 bits absmax has three levels: −α, 0 and α. These values are small and positive (mean 0.1, std 0.1), so nearly all of them are below α/2 and rounding to nearest (A) sends them to 0: the mean error is about −0.067, most of the signal.

Stochastic rounding (B) sends a value of 0.1α to α one time in ten and keeps the mean: bias near 0. This is why low-precision training uses it for weight updates, where many tiny updates must add up instead of vanishing.`,
      set: {
        data: { distribution: 'normal', scale: 0.1, shift: 0.1 },
        schemes: {
          a: integer({ bits: 2 }),
          b: integer({ bits: 2, rounding: { kind: 'stochastic', seed: 1 } }),
        },
      },
      look: ['chart-error-a', 'chart-error-b'],
    },
    {
      title: 'By hand: nine values of 0.3',
      text: `The worked example holds nine values of 0.3 and one of 1, so α = 1 and at 2 bits Δ = 1. Rounding to nearest (A) turns every 0.3 into 0. Stochastic rounding (B) draws one u per value (shown by the "rounded" row): 0.3 + u reaches 1 for three of the nine, so their mean is 0.33, close to 0.3.`,
      set: { worked: [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 1] },
      look: ['worked-example'],
    },
  ],
};
