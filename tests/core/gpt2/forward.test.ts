/**
 * The GPT-2 forward pass against transformers' GPT2LMHeadModel on the tiny random fixture (float32 and the
 * tutorial's absmax / zero-point int8 of every parameter): logits to 1e-4 absolute, perplexity to 1e-5 relative,
 * greedy continuations token for token.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compareDistributions,
  greedyContinue,
  logSoftmaxRows,
  scoreTokens,
} from '../../../src/core/gpt2/evaluate';
import { createGpt2State, forwardGpt2, type WeightProvider } from '../../../src/core/gpt2/forward';
import { createQuantizedProvider } from '../../../src/core/gpt2/quantizedModel';
import { floatProvider, type Gpt2Weights } from '../../../src/core/gpt2/weights';
import type { Scheme } from '../../../src/core/scheme';
import { type Evaluation, loadFixtureModel, reference } from './fixture';

const int8 = (method: 'absmax' | 'zeroPoint'): Scheme => ({
  kind: 'integer',
  method,
  bits: 8,
  granularity: { kind: 'tensor' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
});

let weights: Gpt2Weights;
beforeAll(async () => {
  weights = await loadFixtureModel();
});

function providerFor(variant: 'float32' | 'absmax' | 'zeroPoint'): WeightProvider {
  return variant === 'float32'
    ? floatProvider(weights)
    : createQuantizedProvider(weights, { scheme: int8(variant), scope: 'all', keepBytes: 0 });
}

async function logitsOf(provider: WeightProvider, ids: number[]): Promise<Float32Array> {
  return forwardGpt2(weights.config, provider, ids, createGpt2State(weights.config));
}

function expectLogitsMatch(logits: Float32Array, ids: number[], expected: Evaluation) {
  const V = weights.config.vocabSize;
  let worst = 0;
  for (let t = 0; t < ids.length; t++) {
    expected.logitColumns.forEach((col, k) => {
      worst = Math.max(worst, Math.abs(logits[t * V + col] - expected.logitsAtColumns[t][k]));
    });
  }
  if (expected.lastLogits) {
    const last = (ids.length - 1) * V;
    expected.lastLogits.forEach((v, col) => {
      worst = Math.max(worst, Math.abs(logits[last + col] - v));
    });
  }
  expect(worst).toBeLessThan(1e-4);
}

describe.each(['float32', 'absmax', 'zeroPoint'] as const)('the %s model against transformers', (variant) => {
  const expected = () => reference.variants[variant];

  it('gives the same logits on the text and on a sequence spread over the vocabulary (1e-4)', async () => {
    for (const [ids, evaluation] of [
      [reference.textIds, expected().text],
      [reference.spreadIds, expected().spread],
    ] as const) {
      expectLogitsMatch(await logitsOf(providerFor(variant), [...ids]), [...ids], evaluation);
    }
  });

  it('gives the same per-token losses and perplexity (1e-5 relative)', async () => {
    for (const [ids, evaluation] of [
      [reference.textIds, expected().text],
      [reference.spreadIds, expected().spread],
    ] as const) {
      const V = weights.config.vocabSize;
      const logits = await logitsOf(providerFor(variant), [...ids]);
      const score = scoreTokens(logSoftmaxRows(logits, ids.length, V), ids, V);
      expect(Math.abs(score.perplexity / evaluation.perplexity - 1)).toBeLessThan(1e-5);
      score.tokenLosses.forEach((loss, t) => {
        expect(loss).toBeCloseTo(evaluation.tokenLosses[t], 4);
      });
    }
  });

  it('continues the tutorial prompt greedily with the same 20 tokens', async () => {
    const tokens = await greedyContinue(
      weights.config,
      providerFor(variant),
      reference.promptIds,
      reference.continueTokens,
    );
    expect(tokens).toEqual(expected().continuation);
  });
});

describe('forward pass properties', () => {
  it('is causal: a position’s logits do not change when later tokens do', async () => {
    const V = weights.config.vocabSize;
    const a = await logitsOf(floatProvider(weights), [5, 17, 400, 9, 3000]);
    const b = await logitsOf(floatProvider(weights), [5, 17, 400, 2222, 1]);
    expect(Array.from(a.subarray(0, 3 * V))).toEqual(Array.from(b.subarray(0, 3 * V)));
    expect(a[3 * V]).not.toBe(b[3 * V]);
  });

  it('gives the same last-token logits one token at a time (attention state) as in one pass', async () => {
    const V = weights.config.vocabSize;
    const ids = reference.spreadIds.slice(0, 9);
    const whole = await logitsOf(floatProvider(weights), ids);
    const state = createGpt2State(weights.config);
    let last: Float32Array = new Float32Array(0);
    for (const id of ids)
      last = await forwardGpt2(weights.config, floatProvider(weights), [id], state, { logits: 'last' });
    const expected = whole.subarray((ids.length - 1) * V);
    for (let v = 0; v < V; v++) expect(Math.abs(last[v] - expected[v])).toBeLessThan(1e-5);
  });

  it('refuses ids outside the vocabulary and sequences beyond the context, naming them', async () => {
    await expect(logitsOf(floatProvider(weights), [1, 4400])).rejects.toThrow(/token id 4400 is outside/);
    const long = Array.from({ length: 65 }, (_, i) => i);
    await expect(logitsOf(floatProvider(weights), long)).rejects.toThrow(/65 tokens are more than/);
  });

  it('scores a model against itself with zero KL and full top-1 agreement, and a different one with less', async () => {
    const V = weights.config.vocabSize;
    const ids = reference.textIds;
    const ref = logSoftmaxRows(await logitsOf(floatProvider(weights), ids), ids.length, V);
    const same = compareDistributions(ref, ref, ids.length, V);
    expect(same.meanKl).toBe(0);
    expect(same.top1Agreement).toBe(1);
    const q = logSoftmaxRows(await logitsOf(providerFor('zeroPoint'), ids), ids.length, V);
    const other = compareDistributions(ref, q, ids.length, V);
    expect(other.meanKl).toBeGreaterThan(0);
    // KL is a mean of the per-position values
    const mean = other.klPerToken.reduce((a, b) => a + b, 0) / ids.length;
    expect(other.meanKl).toBeCloseTo(mean, 12);
  });
});
