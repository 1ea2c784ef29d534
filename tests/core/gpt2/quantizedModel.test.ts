/** The memory plan of a quantized model, and its per-tensor / per-layer weight errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2TensorSpecs } from '../../../src/core/gpt2/config';
import { greedyContinue, logSoftmaxRows } from '../../../src/core/gpt2/evaluate';
import { createGpt2State, forwardGpt2 } from '../../../src/core/gpt2/forward';
import { createQuantizedProvider, poolByLayer } from '../../../src/core/gpt2/quantizedModel';
import { type Gpt2Weights, heldShape, weightBytes } from '../../../src/core/gpt2/weights';
import { quantize } from '../../../src/core/quantView';
import type { Scheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { loadFixtureModel, reference } from './fixture';

const INT4_ROW: Scheme = {
  kind: 'integer',
  method: 'absmax',
  bits: 4,
  granularity: { kind: 'row' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
};

let weights: Gpt2Weights;
beforeAll(async () => {
  weights = await loadFixtureModel();
});

describe('quantized model', () => {
  it('quantizes every parameter (148 for GPT-2; 28 here) in scope "all", only the Conv1D weights in "linear"', async () => {
    for (const [scope, count] of [
      ['all', reference.parameterTensors],
      ['linear', 4 * weights.config.nLayer],
    ] as const) {
      const q = createQuantizedProvider(weights, { scheme: INT4_ROW, scope, keepBytes: 0 });
      await forwardGpt2(weights.config, q, reference.textIds, createGpt2State(weights.config));
      expect(q.errors.size).toBe(count);
      if (scope === 'linear') expect([...q.errors.values()].every((e) => e.role === 'linear')).toBe(true);
    }
  });

  it('quantizes a Conv1D weight per output channel: one scale per column of the file’s [in, out] matrix', () => {
    // Per-row absmax on the held [out, in] weight = per-column absmax on the file's [in, out] one.
    const spec = gpt2TensorSpecs(weights.config).find((s) => s.name === 'h.0.mlp.c_fc.weight')!;
    const [out, inDim] = heldShape(spec);
    expect([inDim, out]).toEqual(spec.shape);
    const held = weights.tensors.get(spec.name)!;
    const q = quantize(createTensor(out, inDim, held), INT4_ROW);
    for (let o = 0; o < out; o++) {
      let absmax = 0;
      for (let i = 0; i < inDim; i++) absmax = Math.max(absmax, Math.abs(held[o * inDim + i]));
      expect(q.scale[o]).toBeCloseTo(absmax / 7, 6);
    }
  });

  it('requantize plan: holds at most one block’s quantized copies with no keep budget, and gives the same logits as keeping all', async () => {
    const ids = reference.textIds;
    const lean = createQuantizedProvider(weights, {
      scheme: INT4_ROW,
      scope: 'all',
      keepBytes: 0,
      plan: 'requantize',
    });
    const rich = createQuantizedProvider(weights, {
      scheme: INT4_ROW,
      scope: 'all',
      keepBytes: Number.POSITIVE_INFINITY,
      plan: 'requantize',
    });
    const a = await forwardGpt2(weights.config, lean, ids, createGpt2State(weights.config));
    const b = await forwardGpt2(weights.config, rich, ids, createGpt2State(weights.config));
    expect(Array.from(a)).toEqual(Array.from(b));
    const largestPart = Math.max(
      ...Array.from({ length: weights.config.nLayer }, (_, layer) =>
        gpt2TensorSpecs(weights.config)
          .filter((s) => s.layer === layer)
          .reduce((n, s) => n + s.shape.reduce((x, y) => x * y, 1) * 4, 0),
      ),
      (weights.tensors.get('wte.weight')!.length + weights.tensors.get('wpe.weight')!.length) * 4,
    );
    expect(lean.peakHeldBytes()).toBeLessThanOrEqual(largestPart);
    expect(lean.heldBytes()).toBe(0);
    expect(rich.peakHeldBytes()).toBe(weightBytes(weights));
  });

  it('requantize plan: keeps copies within the budget between decoding steps, and quantizes the rest again', async () => {
    const budget = weightBytes(weights) / 2;
    const q = createQuantizedProvider(weights, {
      scheme: INT4_ROW,
      scope: 'all',
      keepBytes: budget,
      plan: 'requantize',
    });
    const free = createQuantizedProvider(weights, {
      scheme: INT4_ROW,
      scope: 'all',
      keepBytes: Number.POSITIVE_INFINITY,
      plan: 'requantize',
    });
    const steps = 5;
    const tokens = await greedyContinue(weights.config, q, reference.promptIds, steps);
    expect(tokens).toEqual(await greedyContinue(weights.config, free, reference.promptIds, steps));
    expect(q.heldBytes()).toBeLessThanOrEqual(budget);
    expect(free.quantizeCalls()).toBe(reference.parameterTensors);
    expect(q.quantizeCalls()).toBeGreaterThan(reference.parameterTensors);
  });

  it('pools per-layer SQNR from the tensors’ signal and error energy', async () => {
    const q = createQuantizedProvider(weights, { scheme: INT4_ROW, scope: 'linear', keepBytes: 0 });
    const logits = await forwardGpt2(weights.config, q, reference.textIds, createGpt2State(weights.config));
    expect(
      logSoftmaxRows(logits, reference.textIds.length, weights.config.vocabSize).every(Number.isFinite),
    ).toBe(true);
    const layers = poolByLayer(q.errors.values());
    expect(layers.map((l) => l.layer)).toEqual([0, 1]);
    // Independently: SQNR of the concatenation of the layer's four weights.
    for (const layer of layers) {
      let signal = 0;
      let noise = 0;
      for (const name of ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj']) {
        const spec = gpt2TensorSpecs(weights.config).find(
          (s) => s.name === `h.${layer.layer}.${name}.weight`,
        )!;
        const x = weights.tensors.get(spec.name)!;
        const [r, c] = heldShape(spec);
        const deq = quantize(createTensor(r, c, x), INT4_ROW).dequantized;
        for (let i = 0; i < x.length; i++) {
          signal += x[i] * x[i];
          noise += (x[i] - deq[i]) ** 2;
        }
      }
      expect(layer.sqnrDb).toBeCloseTo(10 * Math.log10(signal / noise), 6);
    }
  });
});
