/**
 * Lesson 9: from weight error to perplexity (issue #14). The tutorial's GPT-2 experiment (Labonne, "Introduction
 * to Weight Quantization": absmax vs zero-point int8 of every parameter, perplexity 15.53 / 17.92 / 17.97, each on
 * its own sampled text) redone fairly in the Language model tab, then pushed to fewer bits.
 */
import { integer, type Lesson } from './lesson';

export const lesson: Lesson = {
  id: 'weight-error-to-perplexity',
  title: 'From weight error to perplexity',
  summary:
    'What a weight matrix’s SQNR means for a language model: perplexity, KL, top-1 agreement and generated text.',
  steps: [
    {
      title: 'The tutorial’s two schemes, on one matrix',
      text: `A is absmax int8 per tensor, B zero-point int8 per tensor: the two functions of the tutorial this lesson follows. On a transformer-like matrix (std 0.02 with outlier columns) both leave an SQNR of about 30 dB: the error is a thousandth of the signal's power.

Does a thousandth matter for a language model? The tutorial answers with GPT-2: perplexity 15.53 for the original, 17.92 with absmax, 17.97 with zero-point. But each model was scored on a different text that it had sampled itself, so those three numbers do not compare.`,
      set: {
        data: {
          distribution: 'transformer',
          scale: 0.02,
          shift: 0,
          outlierCols: 4,
          outlierFactor: 20,
          spikeFraction: 0.0005,
          rows: 256,
          cols: 256,
          seed: 42,
        },
        schemes: { a: integer({ bits: 8 }), b: integer({ bits: 8, method: 'zeroPoint' }) },
        view: { layout: 'compare', range: null, yScale: 'linear', tab: 'explore' },
        worked: null,
      },
      look: ['metric-sqnr-a', 'metric-sqnr-b'],
    },
    {
      title: 'The fair comparison: one text for all three',
      text: `This tab runs GPT-2 in your browser. Press "Check model" (it reads only the file's header and states the size), then "Download" (about 548 MB, once), then "Run float32, A and B".

The perplexity table scores all three models on the same text, with every parameter quantized as in the tutorial. Now any gap between the three rows is what quantization did, and none of it is a difference between texts. Its last column repeats the tutorial's protocol for reference.`,
      set: { view: { tab: 'lm' } },
      look: ['lm-model-picker', 'lm-perplexity'],
    },
    {
      title: 'Fewer bits: where it breaks',
      text: `Now A is int4 per tensor and B int4 with a scale per group of 128. Run again. Per tensor, one outlier sets the step for all 124 million weights and perplexity climbs; groups of 128 keep it close to float32.

Look beyond perplexity: KL (how far each model's next-token distribution moved) and top-1 agreement (how often it still picks float32's word) show the damage token by token, and the loss chart shows which words suffer.`,
      set: {
        schemes: {
          a: integer({ bits: 4 }),
          b: integer({ bits: 4, granularity: { kind: 'group', size: 128 } }),
        },
        view: { tab: 'lm' },
      },
      look: ['lm-perplexity', 'lm-token-loss'],
    },
    {
      title: 'Tracing it to the layers',
      text: `The weight SQNR per layer shows where the error is: a layer far below its neighbours is the one to keep at a higher precision. Switch "What is quantized" to "Linear weights only" (embeddings, head, LayerNorm and biases stay float32, the common practice) and run again to see how much of the loss came from the embeddings.

The greedy continuations make it concrete: the highlighted tokens are where a quantized model leaves float32's path.`,
      look: ['lm-layer-sqnr', 'lm-continuations', 'lm-scope'],
    },
  ],
};
