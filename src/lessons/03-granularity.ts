/** Lesson 3: granularity (per tensor, per row, per column, groups) on a matrix with outlier channels. */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'granularity',
  title: 'Granularity: per tensor, per channel, per group',
  summary: 'One scale for everything, one per channel or one per group of 32: where outlier channels hurt.',
  steps: [
    {
      title: 'Per tensor vs per row',
      text: `This matrix (rows = output channels, columns = input features) has 8 outlier input columns, 20 times larger than the rest. Both schemes are absmax int4.

A uses one scale for the whole tensor. B uses one scale per row (per output channel, what most int8 weight kernels do). Every row crosses the outlier columns, so each row's α is still set by an outlier: per row helps only a little (SQNR about 10.4 → 11.7 dB). The heatmaps show where the error is: everywhere, in both.`,
      set: {
        data: {
          distribution: 'transformer',
          scale: 0.02,
          outlierCols: 8,
          outlierFactor: 20,
          spikeFraction: 0,
          rows: 256,
          cols: 256,
          seed: 42,
        },
        schemes: { a: integer({ bits: 4 }), b: integer({ bits: 4, granularity: { kind: 'row' } }) },
        view: { layout: 'compare', range: null, yScale: 'linear', group: { a: 0, b: 0 } },
        worked: null,
      },
      look: ['chart-heatmap-a', 'chart-heatmap-b'],
    },
    {
      title: 'Per column: the outliers get their own scale',
      text: `B now has one scale per column (per input feature). The outlier columns get a wide grid of their own and every other column a fine one: SQNR about 18.5 dB.

The catch: in a matrix multiply a per-output-channel scale factors out of each dot product, a per-input-channel one does not. That is why kernels prefer rows or groups along a row, and why methods such as SmoothQuant first move the outliers out of the columns.`,
      set: { schemes: { b: integer({ bits: 4, granularity: { kind: 'column' } }) } },
      look: ['metric-sqnr-b', 'chart-heatmap-b'],
    },
    {
      title: 'Groups of 32 along a row',
      text: `B uses one scale per group of 32 consecutive values along a row (as GPTQ/AWQ-style int4 checkpoints do, usually with 128). Only the groups that contain an outlier column get a coarse grid: SQNR about 16.6 dB.

It is not free: a 16-bit scale per 32 values adds half a bit per weight. Compare "Bits per weight": 4.06 per row against 4.5 for group 32.`,
      set: {
        schemes: {
          a: integer({ bits: 4, granularity: { kind: 'row' } }),
          b: integer({ bits: 4, granularity: { kind: 'group', size: 32 } }),
        },
      },
      look: ['metric-bpw-b', 'chart-heatmap-b'],
    },
    {
      title: 'Look inside one group',
      text: `With per-row or per-group scales every group has its own grid. Click a cell of B's heatmap (or use the group picker under its histogram) to draw that group's grid levels and clipping range in the value histogram: a group holding an outlier has a wide, coarse grid, the others a narrow, fine one. The formulas panel shows that group's α and Δ.`,
      look: ['chart-heatmap-b', 'chart-values-b', 'formulas-b'],
    },
  ],
};
