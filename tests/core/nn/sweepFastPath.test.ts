/**
 * The accuracy-against-bits sweep's fast path gives the figures of the plain one: the dense kernel's classifier
 * (mlpCorrect: the forward, ReLU and argmax in WebAssembly, the first layer on the inputs' nonzero entries, kept in
 * its memory) counts what argmax over the TypeScript forward counts, on random networks of 2 and 3 layers (widths
 * off the vector sizes, zeros, NaN and infinite values, ties), also after other kernel calls have reused or grown its
 * memory; `reusableDequantizer` is dequantizeMlp's network; `quantizeValues` into a caller's buffer gives the same
 * values; and sweepBits equals accuracyOf(dequantizeMlp(..)) point by point beyond the default settings (a second
 * hidden layer, per-row and group schemes, quantized biases, k-means).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_COUNT, splitDigits } from '../../../src/core/nn/data';
import { jsDenseOps } from '../../../src/core/nn/denseOps';
import { accuracyOf, accuracyProbe } from '../../../src/core/nn/evaluate';
import { SWEEP_BITS, sweepBits, sweepSeriesSchemes } from '../../../src/core/nn/lab';
import { cloneMlp, createMlp, forward, type Mlp } from '../../../src/core/nn/mlp';
import { dequantizeMlp, quantizeOnSweeper, reusableDequantizer } from '../../../src/core/nn/quantizeModel';
import { quantizeValues } from '../../../src/core/quantView';
import { DEFAULT_SCHEME_A, type IntegerScheme, type Scheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { denseKernel } from '../../../src/core/wasm/denseKernel';
import { type DigitsDataset, loadDigits } from '../../../src/io/digits/digits';

let digits: DigitsDataset;
beforeAll(async () => {
  digits = await loadDigits();
});

/** Rows whose first largest logit is the label, over the TypeScript forward (the reference). */
function correctJs(model: Mlp, x: Float32Array, n: number, labels: Uint8Array, classes: number): number {
  const { logits } = forward(model, x, n, undefined, jsDenseOps);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + arg]) arg = c;
    if (arg === labels[i]) correct++;
  }
  return correct;
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
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .chain(({ n, sizes, seed }) => {
    const layers = sizes.length - 1;
    const lengths = [n * sizes[0]];
    for (let l = 0; l < layers; l++) lengths.push(sizes[l + 1] * sizes[l], sizes[l + 1]);
    return fc.tuple(
      fc.constant({ n, sizes, seed }),
      ...lengths.map((length) => fc.array(valueArb, { minLength: length, maxLength: length })),
    );
  })
  .map(([{ n, sizes, seed }, x, ...params]) => {
    const model: Mlp = { layers: [] };
    for (let l = 0; l + 1 < sizes.length; l++) {
      model.layers.push({
        inputs: sizes[l],
        outputs: sizes[l + 1],
        weight: Float32Array.from(params[2 * l]),
        bias: Float32Array.from(params[2 * l + 1]),
      });
    }
    const classes = sizes[sizes.length - 1];
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) labels[i] = (seed + 7 * i) % classes;
    return { model, x: Float32Array.from(x), n, labels, classes };
  });

describe("the dense kernel's classifier", () => {
  const kernel = denseKernel();

  it('counts what argmax over the TypeScript forward counts (NaN, infinities, ties, any widths)', () => {
    expect(kernel).not.toBeNull();
    fc.assert(
      fc.property(networkArb, ({ model, x, n, labels, classes }) => {
        const classifier = kernel!.classifier(x, n, labels);
        const expected = correctJs(model, x, n, labels, classes);
        expect(classifier.correct(model.layers)).toBe(expected);
        // other kernel calls in between (memory reused from offset 0, and grown): the inputs are copied back
        const big = 3000;
        kernel!.forward(
          new Float32Array(big * 64).fill(1),
          new Float32Array(64 * 64).fill(-1),
          new Float32Array(64),
          new Float32Array(big * 64),
          big,
          64,
          64,
        );
        expect(classifier.correct(model.layers)).toBe(expected);
        expect(classifier.correct(model.layers)).toBe(expected);
      }),
      { numRuns: 150, seed: 1313 },
    );
  });

  it('refuses layers that do not chain (null, nothing computed)', () => {
    const x = new Float32Array(8);
    const a = createMlp([4, 3, 2], 1);
    const b = createMlp([4, 5, 2], 2);
    const classifier = kernel!.classifier(x, 2, new Uint8Array(2));
    expect(classifier.correct([a.layers[0], b.layers[1]])).toBeNull();
    expect(classifier.correct([])).toBeNull();
  });

  it('accuracyProbe is accuracyOf on the digits, for many networks through one probe', () => {
    const { test } = splitDigits(digits, 3);
    const probe = accuracyProbe(test);
    for (const sizes of [
      [64, 32, 10],
      [64, 17, 9, 10],
      [64, 128, 10],
    ]) {
      for (const seed of [1, 2]) {
        const model = createMlp(sizes, seed);
        expect(probe(model)).toBe(accuracyOf(model, test));
      }
    }
    expect(
      accuracyProbe({ n: 0, x: new Float32Array(0), labels: new Uint8Array(0) })(createMlp([64, 8, 10], 1)),
    ).toBe(0);
  });
});

const integer = (over: Partial<IntegerScheme>): IntegerScheme => ({ ...DEFAULT_SCHEME_A, ...over });

const SCHEMES: Scheme[] = [
  integer({ bits: 2 }),
  integer({ method: 'zeroPoint', bits: 3, granularity: { kind: 'row' } }),
  integer({ bits: 5, granularity: { kind: 'group', size: 16 }, rounding: { kind: 'halfAway' } }),
  integer({ bits: 4, granularity: { kind: 'column' }, rounding: { kind: 'floor' } }),
  integer({ bits: 4, rounding: { kind: 'stochastic', seed: 3 } }),
  integer({ bits: 6, clipping: { kind: 'percentile', percentile: 99 } }),
  { kind: 'kmeans', bits: 3, granularity: { kind: 'tensor' }, maxIterations: 10 },
];

describe("the sweep's buffers", () => {
  it("quantizeValues into a caller's buffer: the same values, in that buffer; a wrong length is refused", () => {
    const t = createTensor(
      3,
      5,
      Float32Array.from({ length: 15 }, (_, i) => Math.sin(i) * (i === 4 ? Number.NaN : 1)),
    );
    for (const scheme of SCHEMES) {
      const out = new Float32Array(15).fill(7);
      const into = quantizeValues(t, scheme, out);
      expect(into.dequantized).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(quantizeValues(t, scheme).dequantized));
    }
    expect(() => quantizeValues(t, SCHEMES[0], new Float32Array(14))).toThrow(/out/);
  });

  it("reusableDequantizer gives dequantizeMlp's network, biases quantized or not", () => {
    const model = createMlp([64, 24, 12, 10], 5);
    for (const biases of [false, true]) {
      const next = reusableDequantizer(model, { biases });
      for (const scheme of SCHEMES) {
        const a = next(scheme);
        const b = dequantizeMlp(model, scheme, { biases });
        a.layers.forEach((l, i) => {
          expect(Array.from(l.weight)).toEqual(Array.from(b.layers[i].weight));
          expect(Array.from(l.bias)).toEqual(Array.from(b.layers[i].bias));
        });
      }
    }
  });

  it('sweepBits equals accuracyOf(dequantizeMlp(..)) at every point: two hidden layers, per row, biases, k-means', () => {
    const split = splitDigits(digits, 1);
    const model = createMlp([64, 20, 12, CLASS_COUNT], 4);
    const cases: [Parameters<typeof sweepBits>[2], { a: Scheme; b: Scheme }, boolean][] = [
      [{ mode: 'methods', granularity: { kind: 'row' } }, { a: SCHEMES[0], b: SCHEMES[1] }, true],
      [{ mode: 'schemes', granularity: { kind: 'tensor' } }, { a: SCHEMES[6], b: SCHEMES[2] }, false],
    ];
    for (const [settings, schemes, biases] of cases) {
      const r = sweepBits(model, split, settings, schemes, biases);
      const plan = sweepSeriesSchemes(settings, schemes);
      plan.forEach(({ at }, s) => {
        const expected = SWEEP_BITS.map((b) =>
          accuracyOf(dequantizeMlp(model, at(b), { biases }), split.test),
        );
        expect(r.series[s].accuracy).toEqual(expected);
      });
      expect(r.floatAccuracy).toBe(accuracyOf(model, split.test));
    }
  });
});

describe("the dense kernel's sweeper", () => {
  const kernel = denseKernel();

  it('counts what argmax over the TypeScript forward counts, float and given weights and biases', () => {
    fc.assert(
      fc.property(networkArb, ({ model, x, n, labels, classes }) => {
        const other = cloneMlp(model);
        other.layers.forEach((l) => {
          l.weight.reverse();
          l.bias.reverse();
        });
        const sweeper = kernel!.sweeper(model.layers, x, n, labels);
        if (!sweeper) throw new Error('no sweeper');
        try {
          expect(sweeper.correctFloat()).toBe(correctJs(model, x, n, labels, classes));
          // the quantized network starts as the float one
          expect(sweeper.correctQuantized()).toBe(correctJs(model, x, n, labels, classes));
          other.layers.forEach((l, i) => {
            sweeper.setWeights(i, l.weight);
            sweeper.setBias(i, l.bias);
          });
          expect(sweeper.correctQuantized()).toBe(correctJs(other, x, n, labels, classes));
          expect(sweeper.correctFloat()).toBe(correctJs(model, x, n, labels, classes));
        } finally {
          sweeper.release();
        }
      }),
      { numRuns: 100, seed: 2024 },
    );
  });

  /** Values whose x / Δ + z land on ties, with zeros of both signs, subnormals, huge values, NaN and infinities. */
  const weightArb = fc.oneof(
    { weight: 6, arbitrary: fc.float({ min: -3, max: 3, noNaN: true }) },
    { weight: 3, arbitrary: fc.integer({ min: -16, max: 16 }).map((k) => k / 8) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-45, -1e-42, 3e38, -3e38) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  );
  const schemeArb: fc.Arbitrary<IntegerScheme> = fc.record({
    kind: fc.constant('integer' as const),
    method: fc.constantFrom('absmax' as const, 'zeroPoint' as const),
    bits: fc.constantFrom(2, 3, 4, 5, 6, 7, 8, 16),
    granularity: fc.oneof(
      fc.constant({ kind: 'tensor' as const }),
      fc.constant({ kind: 'row' as const }),
      fc.constant({ kind: 'column' as const }),
      fc.integer({ min: 1, max: 9 }).map((size) => ({ kind: 'group' as const, size })),
    ),
    rounding: fc.constantFrom({ kind: 'halfEven' as const }, { kind: 'floor' as const }),
    clipping: fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.constant({ kind: 'percentile' as const, percentile: 90 }),
      // a narrow manual range: most values far outside it, x / Δ up to overflow
      fc
        .float({ min: Math.fround(1e-30), max: 2, noNaN: true })
        .map((hi) => ({ kind: 'manual' as const, lo: -hi, hi })),
    ),
    fullRange: fc.boolean(),
    includeZero: fc.boolean(),
  });

  it("quantizeTransposed gives quantizeValues' bits: every granularity, 2-8 and 16 bits, ties, NaN and infinities", () => {
    let inKernel = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 21 }),
        fc.integer({ min: 1, max: 19 }),
        fc.array(weightArb, { minLength: 21 * 19, maxLength: 21 * 19 }),
        schemeArb,
        (outputs, inputs, values, scheme) => {
          const weight = Float32Array.from(values.slice(0, outputs * inputs));
          const layer = { inputs, outputs, weight, bias: new Float32Array(outputs) };
          const sweeper = kernel!.sweeper([layer], new Float32Array(inputs), 1, new Uint8Array(1));
          if (!sweeper) throw new Error('no sweeper');
          try {
            const tensor = createTensor(outputs, inputs, weight);
            if (quantizeOnSweeper(sweeper, 0, tensor, scheme, new Float32Array(outputs * inputs))) inKernel++;
            const expected = quantizeValues(tensor, scheme).dequantized;
            const wt = sweeper.quantizedTransposed[0];
            const padded = sweeper.padded[0];
            for (let o = 0; o < outputs; o++) {
              for (let k = 0; k < inputs; k++) {
                const got = wt[k * padded + o];
                const want = expected[o * inputs + k];
                if (!Object.is(got, want))
                  expect.fail(
                    `W[${o}, ${k}] = ${weight[o * inputs + k]}: kernel ${got}, quantizeValues ${want}`,
                  );
              }
            }
          } finally {
            sweeper.release();
          }
        },
      ),
      { numRuns: 600, seed: 77 },
    );
    // the kernel's path is the one tested (zero points past 2^23, from huge values, go to quantizeValues)
    expect(inKernel).toBeGreaterThan(400);
  });
});
