/**
 * The whole evaluation the tab runs (text pass, greedy decoding, own-text pass) under the compact plan: the same
 * logits, bit for bit, as a model whose tensors were quantized and dequantized with the engine's `quantize`
 * beforehand, and each tensor quantized once per model.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareModels } from '../../../src/core/gpt2/comparison';
import { gpt2TensorSpecs } from '../../../src/core/gpt2/config';
import { greedyContinue } from '../../../src/core/gpt2/evaluate';
import { createGpt2State, forwardGpt2 } from '../../../src/core/gpt2/forward';
import { createQuantizedProvider, inScope, type QuantScope } from '../../../src/core/gpt2/quantizedModel';
import { floatProvider, type Gpt2Weights, heldShape, weightBytes } from '../../../src/core/gpt2/weights';
import * as quantView from '../../../src/core/quantView';
import type { Scheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { loadFixtureModel, reference } from './fixture';

/** Counts the engine's quantize calls made by the provider (the module is wrapped, its behaviour unchanged). */
const counted = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../../src/core/quantView', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/core/quantView')>();
  return {
    ...actual,
    quantize: (...args: Parameters<typeof actual.quantize>) => {
      counted.calls++;
      return actual.quantize(...args);
    },
  };
});

const integer = (over: Partial<Extract<Scheme, { kind: 'integer' }>>): Scheme => ({
  kind: 'integer',
  method: 'absmax',
  bits: 8,
  granularity: { kind: 'tensor' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
  ...over,
});

const SCHEMES: Array<[string, Scheme]> = [
  ['int8 absmax per tensor (tutorial)', integer({})],
  ['int8 zero-point per tensor (tutorial)', integer({ method: 'zeroPoint' })],
  [
    'int4 zero-point per group of 8, stochastic',
    integer({
      method: 'zeroPoint',
      bits: 4,
      granularity: { kind: 'group', size: 8 },
      rounding: { kind: 'stochastic', seed: 7 },
    }),
  ],
  [
    'int3 absmax per row, half away (−0 codes)',
    integer({ bits: 3, granularity: { kind: 'row' }, rounding: { kind: 'halfAway' } }),
  ],
  ['e4m3 scaled per row', { kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true }],
  ['NF4 blocks', { kind: 'block', format: 'nf4' }],
  [
    'k-means 3 bits per tensor',
    { kind: 'kmeans', bits: 3, granularity: { kind: 'tensor' }, maxIterations: 8 },
  ],
  ['ternary', { kind: 'ternary' }],
  // Block formats and group-scaled floats: per-group tables, refused as too large wherever groups are short.
  [
    'E2M1 scaled per group of 8',
    { kind: 'float', format: 'e2m1', scaling: 'group', groupSize: 8, saturate: true },
  ],
  ['MXFP4 blocks', { kind: 'block', format: 'mxfp4' }],
  ['NVFP4 blocks', { kind: 'block', format: 'nvfp4' }],
  ['Q4_1 blocks (offset per block)', { kind: 'block', format: 'q4_1' }],
  ['Q4_K super-blocks', { kind: 'block', format: 'q4_k' }],
  [
    'int8 zero-point per column, MSE-optimal clipping',
    integer({ method: 'zeroPoint', granularity: { kind: 'column' }, clipping: { kind: 'mseOptimal' } }),
  ],
  // 16-bit codes: no compact form at all ('code-span'), every tensor quantized again on every pass.
  ['FP16 cast', { kind: 'float', format: 'fp16', scaling: 'none', groupSize: 32, saturate: true }],
];

/** The common practice's scope too, for a few schemes (embeddings, LayerNorms and biases then stay float32). */
const CASES: Array<[string, QuantScope, Scheme]> = [
  ...SCHEMES.map(([name, scheme]) => [name, 'all', scheme] as [string, QuantScope, Scheme]),
  ...SCHEMES.filter(([name]) => /tutorial|NF4|Q4_K|FP16/.test(name)).map(
    ([name, scheme]) => [name, 'linear', scheme] as [string, QuantScope, Scheme],
  ),
];

let weights: Gpt2Weights;
beforeAll(async () => {
  weights = await loadFixtureModel();
});
beforeEach(() => {
  counted.calls = 0;
});

/** The model with every tensor in scope replaced by the engine's dequantized values, computed independently. */
function dequantizedModel(scheme: Scheme, scope: QuantScope): Gpt2Weights {
  const tensors = new Map(weights.tensors);
  for (const spec of gpt2TensorSpecs(weights.config)) {
    if (!inScope(spec.role, scope)) continue;
    const [rows, cols] = heldShape(spec);
    const original = weights.tensors.get(spec.name)!;
    tensors.set(spec.name, quantView.quantize(createTensor(rows, cols, original), scheme).dequantized);
  }
  return { config: weights.config, tensors };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('the compact plan', () => {
  it.each(CASES)(
    'gives the logits of quantize + dequantize, bit for bit, in all three passes: %s, scope %s',
    async (_, scope, scheme) => {
      const config = weights.config;
      const expected = floatProvider(dequantizedModel(scheme, scope));
      counted.calls = 0;
      const q = createQuantizedProvider(weights, { scheme, scope, keepBytes: 0 });
      const ids = reference.textIds;
      const own = [...reference.promptIds, 5, 17, 99];
      // Text pass, then decoding (5 single-token passes) and the own-text pass on the same provider.
      const text = await forwardGpt2(config, q, ids, createGpt2State(config));
      expect(bits(text)).toEqual(bits(await forwardGpt2(config, expected, ids, createGpt2State(config))));
      const steps = 5;
      expect(await greedyContinue(config, q, reference.promptIds, steps)).toEqual(
        await greedyContinue(config, expected, reference.promptIds, steps),
      );
      const state = createGpt2State(config);
      const stateExpected = createGpt2State(config);
      for (const id of own) {
        const got = await forwardGpt2(config, q, [id], state, { logits: 'last' });
        const want = await forwardGpt2(config, expected, [id], stateExpected, { logits: 'last' });
        expect(bits(got)).toEqual(bits(want));
      }
      // Each tensor quantized once; a tensor without a compact form once per pass, as the earlier plan:
      // 1 text pass, the prompt's and 4 single-token passes, 7 single-token passes. Refused only for 16-bit
      // codes or a form over its byte budget (this model is 16 wide, so per-row or small-group parameters
      // outweigh int8 codes), never for a mismatch: the weights are finite.
      const passes = 1 + steps + own.length;
      expect(
        [...q.refusals.values()].every((r) => r.reason === 'too-large' || r.reason === 'code-span'),
      ).toBe(true);
      const quantized = scope === 'all' ? reference.parameterTensors : 4 * config.nLayer;
      // (wte twice per pass: for the embeddings and again for the head).
      const wteAgain = q.refusals.has('wte.weight') ? passes : 0;
      expect(q.quantizeCalls()).toBe(quantized + q.refusals.size * (passes - 1) + wteAgain);
      expect(counted.calls).toBe(q.quantizeCalls());
      if (scheme.kind === 'integer' && scheme.granularity.kind === 'tensor') expect(q.refusals.size).toBe(0);
      if (scheme.kind === 'float' && scheme.format === 'fp16') expect(q.refusals.size).toBe(quantized);
    },
  );

  it('quantizes each tensor once per model over the tab’s whole evaluation, with the same results as the earlier plan', async () => {
    const request = {
      ids: reference.textIds,
      promptIds: reference.promptIds,
      continueTokens: reference.continueTokens,
      schemes: { a: integer({}), b: integer({ method: 'zeroPoint' }) },
      scope: 'all' as const,
      keepBytes: 0.15 * weightBytes(weights),
    };
    counted.calls = 0;
    const compact = await compareModels(weights, request);
    expect(counted.calls).toBe(2 * reference.parameterTensors);
    expect(compact.a.quantizeCalls).toBe(reference.parameterTensors);
    expect(compact.b.quantizeCalls).toBe(reference.parameterTensors);
    expect(compact.float.quantizeCalls).toBe(0);
    counted.calls = 0;
    const earlier = await compareModels(weights, { ...request, plan: 'requantize' });
    expect(counted.calls).toBeGreaterThan(2 * reference.parameterTensors); // what is not kept, on every pass
    for (const model of ['float', 'a', 'b'] as const) {
      expect(compact[model].score.tokenLosses).toEqual(earlier[model].score.tokenLosses);
      expect(compact[model].continuationIds).toEqual(earlier[model].continuationIds);
      expect(compact[model].ownScore.meanLoss).toBe(earlier[model].ownScore.meanLoss);
      expect(compact[model].agreement?.klPerToken).toEqual(earlier[model].agreement?.klPerToken);
    }
    // And as transformers computed them (tests/fixtures/gpt2/make_tiny_gpt2.py).
    expect(compact.a.continuationIds).toEqual(reference.variants.absmax.continuation);
    expect(compact.b.continuationIds).toEqual(reference.variants.zeroPoint.continuation);
    expect(
      Math.abs(compact.b.score.perplexity / reference.variants.zeroPoint.text.perplexity - 1),
    ).toBeLessThan(1e-5);
  });

  it('holds the compact forms and one block’s vectors, not a dequantized wte or block matrix', async () => {
    const config = weights.config;
    const q = createQuantizedProvider(weights, { scheme: integer({}), scope: 'all', keepBytes: 0 });
    await greedyContinue(config, q, reference.promptIds, 4);
    const specs = gpt2TensorSpecs(config);
    const values = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    const compactBytes = values + 12 * specs.length; // int8 codes + scale and zero point per tensor
    // The linear layers' weights are multiplied from their codes a panel at a time (no dequantized copy):
    // one block's buffers hold its LayerNorm gains and biases and its biases only.
    const largestBlock = Math.max(
      ...Array.from({ length: config.nLayer }, (_, layer) =>
        specs
          .filter((s) => s.layer === layer && s.role !== 'linear')
          .reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0),
      ),
    );
    // Between passes: the compact forms and the reused block buffers.
    expect(q.heldBytes()).toBe(compactBytes + largestBlock);
    // At most: that, plus the engine's dequantized copy of the tensor being quantized for the first time.
    const wteBytes = weights.tensors.get('wte.weight')!.byteLength;
    expect(q.peakHeldBytes()).toBeLessThanOrEqual(compactBytes + largestBlock + wteBytes);
  });

  it('falls back to quantizing again, with the same logits, for a scheme without a compact form (int16)', async () => {
    const config = weights.config;
    const scheme = integer({ bits: 16 });
    const q = createQuantizedProvider(weights, { scheme, scope: 'linear', keepBytes: 0 });
    const expected = floatProvider(dequantizedModel(scheme, 'linear'));
    const steps = 3;
    expect(await greedyContinue(config, q, reference.promptIds, steps)).toEqual(
      await greedyContinue(config, expected, reference.promptIds, steps),
    );
    expect(q.refusals.size).toBe(4 * config.nLayer);
    expect([...q.refusals.values()].every((r) => r.reason === 'code-span')).toBe(true);
    expect(q.quantizeCalls()).toBe(4 * config.nLayer * steps); // every pass (the prompt's, then 2 tokens)
  });
});
