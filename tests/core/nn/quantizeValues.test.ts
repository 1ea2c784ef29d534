/**
 * `quantizeValues` (the measuring-free path the lab's sweep and QAT use) gives `quantize`'s dequantized values bit for
 * bit (sign of zero and NaN included) and its clipping ranges, for every scheme of the explorer's sweep and the
 * integer options the sweep leaves out (clipping, stochastic and half-away rounding, per column), on random tensors
 * with outliers, zeros and non-finite values; and `dequantizeMlp` is `quantizeMlp`'s network.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMlp } from '../../../src/core/nn/mlp';
import { dequantizeMlp, quantizeMlp } from '../../../src/core/nn/quantizeModel';
import { quantize, quantizeValues } from '../../../src/core/quantView';
import type { IntegerScheme, Scheme } from '../../../src/core/scheme';
import { defaultSweepSchemes } from '../../../src/core/sweep';
import { createTensor } from '../../../src/core/tensor';

const integer = (over: Partial<IntegerScheme>): IntegerScheme => ({
  kind: 'integer',
  method: 'zeroPoint',
  bits: 4,
  granularity: { kind: 'row' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
  ...over,
});

const SCHEMES: Scheme[] = [
  ...defaultSweepSchemes(),
  integer({ clipping: { kind: 'percentile', percentile: 99 } }),
  integer({ method: 'absmax', bits: 3, granularity: { kind: 'column' } }),
  integer({ rounding: { kind: 'stochastic', seed: 7 }, granularity: { kind: 'tensor' } }),
  integer({ rounding: { kind: 'halfAway' }, granularity: { kind: 'group', size: 16 } }),
];

const tensorArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 12 }),
    cols: fc.integer({ min: 1, max: 70 }),
    scale: fc.constantFrom(1e-3, 0.3, 50),
    seed: fc.integer({ min: 0, max: 1e6 }),
    special: fc.constantFrom('none', 'zeros', 'outlier', 'nan'),
  })
  .map(({ rows, cols, scale, seed, special }) => {
    const data = new Float32Array(rows * cols);
    let s = seed + 1;
    for (let i = 0; i < data.length; i++) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      data[i] = ((s / 2 ** 31) * 2 - 1) * scale;
    }
    if (special === 'zeros') for (let i = 0; i < data.length; i += 3) data[i] = i % 2 ? -0 : 0;
    if (special === 'outlier') data[data.length >> 1] = 40 * scale;
    if (special === 'nan') data[0] = Number.NaN;
    return createTensor(rows, cols, data);
  });

function expectSameBits(actual: Float32Array, expected: Float32Array, what: string) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${what}, value ${i}: ${actual[i]} against ${expected[i]}`);
  }
}

describe('quantizeValues', () => {
  it(`gives quantize's dequantized values and clipping ranges bit for bit (${SCHEMES.length} schemes)`, () => {
    fc.assert(
      fc.property(tensorArb, fc.constantFrom(...SCHEMES), (t, scheme) => {
        const full = quantize(t, scheme);
        const fast = quantizeValues(t, scheme);
        const what = JSON.stringify(scheme);
        expectSameBits(fast.dequantized, full.dequantized, what);
        expectSameBits(fast.lo, full.lo, `${what} lo`);
        expectSameBits(fast.hi, full.hi, `${what} hi`);
        expect(fast.granularity).toEqual(full.granularity);
      }),
      { numRuns: 400, seed: 1313 },
    );
  });

  it('refuses what quantize refuses, naming the field', () => {
    const t = createTensor(2, 2, Float32Array.from([1, 2, 3, 4]));
    const bad = integer({ bits: 1 });
    expect(() => quantize(t, bad)).toThrow(/bits/);
    expect(() => quantizeValues(t, bad)).toThrow(/bits/);
  });

  it("dequantizeMlp is quantizeMlp's network, biases quantized or not", () => {
    const model = createMlp([64, 24, 10], 5);
    const formats = SCHEMES.filter((s) => s.kind === 'kmeans' || s.kind === 'float');
    for (const scheme of [integer({ bits: 2 }), formats[0], formats[formats.length - 1]]) {
      for (const biases of [false, true]) {
        const a = dequantizeMlp(model, scheme, { biases });
        const b = quantizeMlp(model, scheme, { biases }).model;
        a.layers.forEach((l, i) => {
          expectSameBits(l.weight, b.layers[i].weight, `layer ${i} weight`);
          expectSameBits(l.bias, b.layers[i].bias, `layer ${i} bias`);
        });
      }
    }
  });
});
