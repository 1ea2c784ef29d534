/** Lesson 6: low-bit number formats: FP8, MXFP4, NVFP4, NF4 against integer grids. */
import type { BlockScheme } from '../core/scheme';
import { float, integer, type Lesson } from './lesson';

const block = (format: BlockScheme['format']): BlockScheme => ({ kind: 'block', format });

export const lesson: Lesson = {
  id: 'low-bit-formats',
  title: 'Low-bit formats: FP8, MXFP4, NVFP4, NF4',
  summary: 'Floating-point and lookup grids against even integer grids, at 8 and at about 4 bits per weight.',
  steps: [
    {
      title: 'FP8 E4M3 against int8 on normal data',
      text: `B is FP8 E4M3 (4 exponent bits, 3 mantissa bits, largest value 448), scaled so max|x| maps to 448. Its levels are spaced logarithmically: dense near 0, coarse near the top; look at the grid ticks in B's histogram. A is int8 absmax, an even grid.

On normally distributed data the even grid wins: SQNR about 40 dB against 32 dB. Both cost 8 bits per weight.`,
      set: {
        data: { distribution: 'normal', scale: 1, shift: 0, rows: 256, cols: 256, seed: 42 },
        schemes: { a: integer({ bits: 8 }), b: float('e4m3') },
        view: { layout: 'compare', range: null, yScale: 'log' },
        worked: null,
      },
      look: ['chart-values-b', 'metric-sqnr-a', 'metric-sqnr-b'],
    },
    {
      title: 'With outliers the picture flips',
      text: `On the transformer-like matrix, int8's even grid is wasted on the empty range between the bulk of the weights and the rare spikes. FP8 keeps its relative precision everywhere: SQNR about 32 dB against 22 dB. This is one reason FP8 is used for activations and weights in training and inference on recent GPUs.`,
      set: {
        data: {
          distribution: 'transformer',
          scale: 0.02,
          outlierCols: 4,
          outlierFactor: 20,
          spikeFraction: 0.0005,
        },
      },
      look: ['metric-sqnr-a', 'metric-sqnr-b'],
    },
    {
      title: 'MXFP4: FP4 elements, a shared power-of-two scale',
      text: `MXFP4 (OCP Microscaling v1.0) splits each row into blocks of 32 values sharing one 8-bit power-of-two scale (E8M0); each element is FP4 E2M1, whose values are ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}: 4 + 8/32 = 4.25 bits per weight. A is int4 absmax per group of 32 with an FP16 scale: 4.5 bits.

The power-of-two scale is chosen from the block's largest value and may clip it ("Clipped" > 0). Here int4 g32 reaches about 17.7 dB, MXFP4 about 15.8 dB at fewer bits.`,
      set: {
        schemes: { a: integer({ bits: 4, granularity: { kind: 'group', size: 32 } }), b: block('mxfp4') },
      },
      look: ['metric-bpw-b', 'metric-clipped-b', 'metric-sqnr-b'],
    },
    {
      title: 'NVFP4: smaller blocks, finer scales',
      text: `NVFP4 uses blocks of 16 with an FP8 E4M3 scale per block plus one FP32 scale per tensor: 4.5 bits per weight. The finer (non-power-of-two) scale and the smaller blocks follow the data more closely: SQNR about 22 dB, as good as int8 per tensor on this matrix.`,
      set: { schemes: { b: block('nvfp4') } },
      look: ['metric-sqnr-b', 'chart-values-b'],
    },
    {
      title: 'NF4: levels at normal quantiles',
      text: `NF4 (QLoRA) puts its 16 levels at quantiles of a normal distribution, scaled per block of 64 by an FP32 absmax (4.5 bits per weight). B is NF4; A is int4 absmax per group of 64 (4.25 bits).

On normally distributed weights NF4's grid matches the data: about 20.7 dB against 19.4 dB. Look at B's grid ticks: dense in the middle, sparse at the edges.`,
      set: {
        data: { distribution: 'normal', scale: 1, shift: 0 },
        schemes: { a: integer({ bits: 4, granularity: { kind: 'group', size: 64 } }), b: block('nf4') },
      },
      look: ['chart-values-b', 'metric-sqnr-a', 'metric-sqnr-b'],
    },
  ],
};
