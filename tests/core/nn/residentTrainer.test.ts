/**
 * The resident trainer (the run held in the dense kernel's memory: denseKernel.ts `trainer`, train.ts
 * `trainResident`) gives the bits of the layer-by-layer loop on the TypeScript products (train.ts
 * `trainLayerByLayer` with jsDenseOps): the same trained weights and biases, the same per-epoch loss and accuracies,
 * for one and two hidden layers, widths off the vector sizes, a last batch shorter than the others, a batch of the
 * whole set, a learning rate that throws the network about, and quantization-aware training (plain and clipped STE,
 * biases quantized, a scheme that clips). Its Adam (the kernel's adamStep, float64 in two lanes) is adam.ts's bit for
 * bit on random values across magnitudes, zeros of both signs and non-finite gradients.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamConstants, adamStep, createAdamState } from '../../../src/core/nn/adam';
import { type DigitsSplit, type SplitSet, splitDigits } from '../../../src/core/nn/data';
import { jsDenseOps } from '../../../src/core/nn/denseOps';
import { cloneMlp, createMlp, type Gradients, type Mlp } from '../../../src/core/nn/mlp';
import { fakeQuantizer } from '../../../src/core/nn/quantizeModel';
import {
  type EpochReport,
  type TrainOptions,
  trainEpochs,
  trainLayerByLayer,
} from '../../../src/core/nn/train';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type Scheme } from '../../../src/core/scheme';
import { denseKernel } from '../../../src/core/wasm/denseKernel';
import { type DigitsDataset, loadDigits } from '../../../src/io/digits/digits';

let digits: DigitsDataset;
let split: DigitsSplit;
beforeAll(async () => {
  digits = await loadDigits();
  const full = splitDigits(digits, 3);
  const first = (s: SplitSet, n: number): SplitSet => ({
    n,
    x: s.x.slice(0, n * 64),
    labels: s.labels.slice(0, n),
    index: s.index.slice(0, n),
  });
  // a smaller set keeps the test quick; 301 rows leave a short last batch for most batch sizes
  split = { train: first(full.train, 301), test: first(full.test, 97) };
});

function run(gen: Generator<EpochReport, void>): EpochReport[] {
  return [...gen];
}

/** Same bits, sign of zero included (Object.is), reporting the first difference. */
function expectSameBits(actual: Float32Array, expected: Float32Array, what: string) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${what}, element ${i}: resident ${actual[i]}, layer by layer ${expected[i]}`);
  }
}

function expectSameModels(actual: Mlp, expected: Mlp) {
  actual.layers.forEach((l, i) => {
    expectSameBits(l.weight, expected.layers[i].weight, `layer ${i} weights`);
    expectSameBits(l.bias, expected.layers[i].bias, `layer ${i} bias`);
  });
}

describe('the resident trainer', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    const kernel = denseKernel();
    expect(kernel).not.toBeNull();
    const trainer = kernel?.trainer({
      layers: [
        { inputs: 64, outputs: 5 },
        { inputs: 5, outputs: 10 },
      ],
      train: split.train,
      test: split.test,
      batchSize: 7,
      separateForward: false,
    });
    expect(trainer).toBeTruthy();
    expect(trainer?.weights[0].length).toBe(320);
    // layers that do not chain are refused
    expect(
      kernel?.trainer({
        layers: [
          { inputs: 64, outputs: 5 },
          { inputs: 6, outputs: 10 },
        ],
        train: split.train,
        test: split.test,
        batchSize: 7,
        separateForward: false,
      }),
    ).toBeNull();
  });

  const cases: { name: string; sizes: number[]; options: Omit<TrainOptions, 'seed'>; qat?: Scheme }[] = [
    {
      name: '64-32-10, batches of 64',
      sizes: [64, 32, 10],
      options: { epochs: 3, batchSize: 64, learningRate: 0.01 },
    },
    {
      name: '64-19-10, batches of 13',
      sizes: [64, 19, 10],
      options: { epochs: 2, batchSize: 13, learningRate: 0.02 },
    },
    {
      name: '64-37-9-10, batches of 50',
      sizes: [64, 37, 9, 10],
      options: { epochs: 2, batchSize: 50, learningRate: 0.01 },
    },
    {
      name: '64-128-10, one batch of the whole set, learning rate 1',
      sizes: [64, 128, 10],
      options: { epochs: 4, batchSize: 301, learningRate: 1 },
    },
    {
      name: '64-3-10, batches of 1',
      sizes: [64, 3, 10],
      options: { epochs: 1, batchSize: 1, learningRate: 0.05 },
    },
    {
      name: 'QAT, 2-bit zero-point per tensor (plain STE)',
      sizes: [64, 32, 10],
      options: { epochs: 2, batchSize: 64, learningRate: 0.003 },
      qat: { ...DEFAULT_SCHEME_B, bits: 2 },
    },
  ];
  it.each(cases)('gives the layer-by-layer bits: $name', ({ sizes, options, qat }) => {
    const start = createMlp(sizes, 5);
    const fakeQuantize = qat ? fakeQuantizer(qat) : undefined;
    const all = { ...options, seed: 11, fakeQuantize };
    const resident = cloneMlp(start);
    const reference = cloneMlp(start);
    const a = run(trainEpochs(resident, split, all));
    const b = run(trainLayerByLayer(reference, split, all, jsDenseOps));
    expect(a).toEqual(b);
    expectSameModels(resident, reference);
  });

  it('QAT with the clipped STE, a clipping scheme and quantized biases: the layer-by-layer bits', () => {
    const start = createMlp([64, 24, 10], 9);
    const scheme: Scheme = { ...DEFAULT_SCHEME_A, bits: 3, clipping: { kind: 'percentile', percentile: 95 } };
    const options: TrainOptions = {
      epochs: 2,
      batchSize: 40,
      learningRate: 0.01,
      seed: 4,
      fakeQuantize: fakeQuantizer(scheme, { biases: true, clipped: true }),
    };
    const resident = cloneMlp(start);
    const reference = cloneMlp(start);
    expect(run(trainEpochs(resident, split, options))).toEqual(
      run(trainLayerByLayer(reference, split, options, jsDenseOps)),
    );
    expectSameModels(resident, reference);
  });

  it.each<[string, Scheme, { biases?: boolean; clipped?: boolean }]>([
    ['2-bit zero-point per tensor', { ...DEFAULT_SCHEME_B, bits: 2 }, {}],
    [
      '4-bit absmax per row, biases, clipped STE',
      { ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'row' } },
      { biases: true, clipped: true },
    ],
    [
      '3-bit absmax group of 8, half away',
      {
        ...DEFAULT_SCHEME_A,
        bits: 3,
        granularity: { kind: 'group', size: 8 },
        rounding: { kind: 'halfAway' },
      },
      {},
    ],
    ['stochastic rounding', { ...DEFAULT_SCHEME_B, bits: 3, rounding: { kind: 'stochastic', seed: 3 } }, {}],
  ])(
    'QAT writing the fake-quantized weights straight into the kernel (fakeQuantizer.into): the bits of the copies, %s',
    (_, scheme, fqOptions) => {
      const start = createMlp([64, 21, 10], 13);
      const fq = fakeQuantizer(scheme, fqOptions);
      const base = { epochs: 2, batchSize: 48, learningRate: 0.01, seed: 6 };
      // the same quantizer without `into`: the resident run copies out, quantizes into fresh arrays and copies in
      const copying = (model: Mlp) => fq(model);
      const direct = cloneMlp(start);
      const copied = cloneMlp(start);
      const reference = cloneMlp(start);
      const a = run(trainEpochs(direct, split, { ...base, fakeQuantize: fq }));
      expect(a).toEqual(run(trainEpochs(copied, split, { ...base, fakeQuantize: copying })));
      expect(a).toEqual(run(trainLayerByLayer(reference, split, { ...base, fakeQuantize: fq }, jsDenseOps)));
      expectSameModels(direct, copied);
      expectSameModels(direct, reference);
      // and `into` itself writes the fresh call's values and masks
      const out = cloneMlp(start);
      const pass = fq.into(start, out);
      const fresh = fq(start);
      expectSameModels(out, fresh.model);
      expect(pass).toEqual(fresh.pass);
    },
  );
});

describe("the kernel's Adam step", () => {
  const valueArb = fc.oneof(
    { weight: 6, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0) },
    { weight: 1, arbitrary: fc.float({ min: Math.fround(-1e-30), max: Math.fround(1e-30), noNaN: true }) },
    { weight: 1, arbitrary: fc.float({ min: Math.fround(-1e30), max: Math.fround(1e30), noNaN: true }) },
  );
  const gradientArb = fc.oneof(
    { weight: 12, arbitrary: valueArb },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  );

  it('is adam.ts bit for bit over several steps (every remainder of four, moments carried over)', () => {
    const kernel = denseKernel();
    if (!kernel) throw new Error('no kernel');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.array(gradientArb, { minLength: 72, maxLength: 72 }), { minLength: 3, maxLength: 3 }),
        fc.array(valueArb, { minLength: 72, maxLength: 72 }),
        fc.constantFrom(1e-3, 0.01, 0.37, 1),
        (hidden, classes, gradients, params, learningRate) => {
          const sizes = [2, hidden, classes];
          const model = createMlp(sizes, 1);
          let at = 0;
          for (const l of model.layers) {
            for (let i = 0; i < l.weight.length; i++) l.weight[i] = params[at++ % params.length];
            for (let i = 0; i < l.bias.length; i++) l.bias[i] = params[at++ % params.length];
          }
          const x = { x: new Float32Array(2), n: 1 };
          const trainer = kernel.trainer({
            layers: model.layers,
            train: x,
            test: x,
            batchSize: 1,
            separateForward: false,
          });
          if (!trainer) throw new Error('no trainer');
          model.layers.forEach((l, i) => {
            trainer.weights[i].set(l.weight);
            trainer.biases[i].set(l.bias);
          });
          const state = createAdamState(model);
          const grads: Gradients = {
            weight: model.layers.map((l) => new Float32Array(l.weight.length)),
            bias: model.layers.map((l) => new Float32Array(l.bias.length)),
          };
          for (let step = 1; step <= gradients.length; step++) {
            let g = 0;
            const source = gradients[step - 1];
            model.layers.forEach((_, i) => {
              for (let j = 0; j < grads.weight[i].length; j++)
                grads.weight[i][j] = source[g++ % source.length];
              for (let j = 0; j < grads.bias[i].length; j++) grads.bias[i][j] = source[g++ % source.length];
              trainer.weightGrads[i].set(grads.weight[i]);
              trainer.biasGrads[i].set(grads.bias[i]);
            });
            adamStep(model, grads, state, { learningRate });
            trainer.adam(adamConstants({ learningRate }, step));
          }
          model.layers.forEach((l, i) => {
            expectSameBits(trainer.weights[i], l.weight, `layer ${i} weights`);
            expectSameBits(trainer.biases[i], l.bias, `layer ${i} bias`);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
