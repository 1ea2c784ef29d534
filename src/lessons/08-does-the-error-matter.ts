/**
 * Lesson 8: does the quantization error matter to a model? The model lab's digits MLP under PTQ from 8 to 2 bits,
 * absmax against zero-point, QAT with the straight-through estimator winning the accuracy back, and static against
 * dynamic activation quantization. Figures quoted are those of the default seed (the lab is deterministic).
 */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'does-the-error-matter',
  title: 'Does the error matter?',
  summary:
    'A real network under PTQ from 8 to 2 bits, absmax against zero-point, QAT, and quantized activations.',
  steps: [
    {
      title: 'A small network, trained here',
      text: `The model lab trains an MLP 64 → 32 → 10 on 1,438 handwritten digits, in the engine's worker, in well under a second. Its float test accuracy is about 98 %.

Schemes A and B are the explorer's own: absmax and zero-point int8, one scale per tensor. At 8 bits both models predict almost exactly what the float model predicts: compare the three rows of the table.`,
      set: {
        schemes: { a: integer({ bits: 8 }), b: integer({ bits: 8, method: 'zeroPoint' }) },
        view: { tab: 'lab' },
        lab: { model: { hidden: 32, hidden2: 0, epochs: 20, seed: 1 }, biases: false },
      },
      look: ['lab-ptq-table'],
    },
    {
      title: '4 bits: still fine',
      text: `At 4 bits each weight matrix has 15 or 16 levels. The weight SQNR falls from about 42 dB to about 17 dB, yet the accuracy moves by less than a point: the network tolerates a lot of weight noise.`,
      set: { schemes: { a: integer({ bits: 4 }), b: integer({ bits: 4, method: 'zeroPoint' }) } },
      look: ['lab-ptq-table', 'lab-bits-chart'],
    },
    {
      title: '2 bits: absmax collapses, zero-point holds',
      text: `At 2 bits absmax has three levels, −α, 0 and α, with α the largest |w|: almost every weight rounds to 0, and the accuracy falls to about 38 %. Zero-point spreads its four levels over [min, max] and keeps about 93 %.

The "accuracy against bits" chart shows the whole picture: both hold from 8 down to 4 bits; they part only at the bottom. The gallery lists the digits that A or B gets wrong while float gets them right; click one to see the three models' probabilities.`,
      set: {
        schemes: { a: integer({ bits: 2 }), b: integer({ bits: 2, method: 'zeroPoint' }) },
        lab: { sweep: { mode: 'methods', granularity: { kind: 'tensor' } } },
      },
      look: ['lab-bits-chart', 'lab-gallery'],
    },
    {
      title: 'Per output channel',
      text: `Switch the chart to "per output channel": each row of W (one output unit) gets its own scale. At 2 bits absmax climbs from about 38 % to about 71 %, because one large weight no longer sets the step of every row. Zero-point does not gain here (about 87 % against 93 % per tensor): a finer step per row is not a promise of a better model.`,
      set: { lab: { sweep: { granularity: { kind: 'row' } } } },
      look: ['lab-bits-chart'],
    },
    {
      title: 'QAT wins the accuracy back',
      text: `Quantization-aware training fine-tunes the float model with the fake-quantized weights in the forward pass and the straight-through estimator in the backward pass. Press "Run QAT": with 2-bit absmax per tensor, five epochs take the accuracy from about 38 % to about 86 %.

The histogram shows fc1's weights before and after with the grid: after QAT they gather at the levels, because the network learned weights that survive the rounding.`,
      set: { lab: { qat: { scheme: 'a', epochs: 5, learningRate: 0.003, ste: 'plain', start: 'float' } } },
      look: ['lab-qat'],
    },
    {
      title: 'Activations: static against dynamic',
      text: `Now the hidden activations are quantized too, to int4 zero-point. Dynamic quantization measures each input's range at inference; static quantization calibrates one range on 256 training images beforehand (min–max here). Dynamic keeps the float accuracy (about 98.9 % against 98.6 %); static with min–max loses almost a point (about 97.8 %): one range must fit every input. The dashed lines mark the calibrated range on the activation histogram.`,
      set: {
        lab: {
          activations: {
            bits: 4,
            method: 'zeroPoint',
            calibration: 'minmax',
            samples: 256,
            weights: 'float',
          },
        },
      },
      look: ['lab-act-table', 'lab-act-histogram'],
    },
    {
      title: 'A percentile range clips',
      text: `A 99th-percentile calibration cuts the rare large activations: the range shrinks, the step gets finer for the bulk, and the clipped share (under the table) rises. Here the static accuracy rises to about 98.3 %, with under 1 % of the activations clipped. Type 90 as the percentile: about 9 % are clipped and the accuracy falls back to about 97.8 %.`,
      set: { lab: { activations: { calibration: 'percentile', percentile: 99 } } },
      look: ['lab-act-table', 'lab-act-histogram'],
    },
  ],
};
