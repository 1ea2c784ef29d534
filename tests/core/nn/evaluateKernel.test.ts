/**
 * `evaluate` without a hook takes the logits from the dense kernel in one call (denseKernel.ts `logits`: mlpForward
 * on a leased memory) instead of mlp.ts `forward` layer by layer: the same bits, sign of zero included, as the
 * TypeScript forward (jsDenseOps) on random networks of 2 and 3 layers (widths off the vector sizes, zeros, NaN and
 * infinite values), and the same Evaluation on the digits for fresh and trained networks, also between other
 * kernel calls that lease and grow its memories.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DigitsSplit, splitDigits } from '../../../src/core/nn/data';
import { jsDenseOps } from '../../../src/core/nn/denseOps';
import { evaluate } from '../../../src/core/nn/evaluate';
import { sweepBits, trainFloatModel } from '../../../src/core/nn/lab';
import { createMlp, forward, type Mlp } from '../../../src/core/nn/mlp';
import { DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS } from '../../../src/core/nn/settings';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../../../src/core/scheme';
import { denseKernel } from '../../../src/core/wasm/denseKernel';
import { loadDigits } from '../../../src/io/digits/digits';

let split: DigitsSplit;
beforeAll(async () => {
  split = splitDigits(await loadDigits(), 5);
});

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${what}, element ${i}: kernel ${actual[i]}, TypeScript ${expected[i]}`);
  }
}

const valueArb = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -2, max: 2, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1e30) },
);

const networkArb = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    sizes: fc.oneof(
      fc.tuple(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 12 }),
      ),
      fc.tuple(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 35 }),
        fc.integer({ min: 1, max: 18 }),
        fc.integer({ min: 1, max: 12 }),
      ),
    ),
  })
  .chain(({ n, sizes }) => {
    const lengths = [n * sizes[0]];
    for (let l = 0; l + 1 < sizes.length; l++) lengths.push(sizes[l + 1] * sizes[l], sizes[l + 1]);
    return fc.tuple(
      fc.constant({ n, sizes }),
      ...lengths.map((length) => fc.array(valueArb, { minLength: length, maxLength: length })),
    );
  })
  .map(([{ n, sizes }, x, ...params]) => {
    const model: Mlp = { layers: [] };
    for (let l = 0; l + 1 < sizes.length; l++) {
      model.layers.push({
        inputs: sizes[l],
        outputs: sizes[l + 1],
        weight: Float32Array.from(params[2 * l]),
        bias: Float32Array.from(params[2 * l + 1]),
      });
    }
    return { model, x: Float32Array.from(x), n };
  });

describe.runIf(denseKernel() !== null)('the dense kernel’s logits', () => {
  it('are the TypeScript forward’s, bit for bit, on random networks', () => {
    const kernel = denseKernel();
    fc.assert(
      fc.property(networkArb, ({ model, x, n }) => {
        const logits = kernel?.logits(model.layers, x, n);
        expect(logits).not.toBeNull();
        expectSameBits(logits as Float32Array, forward(model, x, n, undefined, jsDenseOps).logits, 'logits');
      }),
      { numRuns: 150 },
    );
  });

  it('give evaluate the Evaluation of the TypeScript forward on the digits, between other kernel calls', () => {
    const gen = trainFloatModel(split, { ...DEFAULT_LAB_MODEL, epochs: 2 });
    let r = gen.next();
    while (!r.done) r = gen.next();
    const models: Mlp[] = [
      createMlp([64, 32, 10], 1),
      createMlp([64, 17, 9, 10], 2),
      createMlp([64, 33, 10], 9),
      r.value,
    ];
    for (const model of models) {
      // a sweep leases (and may grow) the memory the logits use next
      sweepBits(
        model,
        split,
        DEFAULT_LAB_SETTINGS.sweep,
        { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B },
        false,
      );
      const fast = evaluate(model, split.test);
      const reference = evaluate(model, split.test, undefined, jsDenseOps);
      expectSameBits(fast.probabilities, reference.probabilities, 'probabilities');
      expectSameBits(fast.predictions, reference.predictions, 'predictions');
      expectSameBits(fast.confusion, reference.confusion, 'confusion');
      expect(Object.is(fast.loss, reference.loss)).toBe(true);
      expect(fast.accuracy).toBe(reference.accuracy);
    }
  });
});
