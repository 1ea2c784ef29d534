import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adamStep, createAdamState } from '../../../src/core/nn/adam';
import { type DenseOps, defaultDenseOps, jsDenseOps } from '../../../src/core/nn/denseOps';
import { backward, forward, type Mlp, softmaxCrossEntropy } from '../../../src/core/nn/mlp';
import { createRng } from '../../../src/core/random';

/** Made by tests/fixtures/lab/make_mlp_reference.py (NumPy, float32). */
interface Case {
  sizes: number[];
  batch: number;
  learningRate: number;
  x: number[];
  y: number[];
  layers: { W: number[]; b: number[] }[];
  logits: number[];
  probabilities: number[];
  loss: number;
  grads: { W: number[]; b: number[] }[];
  adam: { W: number[]; b: number[] }[][];
}
const cases = JSON.parse(readFileSync('tests/fixtures/lab/mlp_reference.json', 'utf8')) as Case[];

function modelOf(c: Case): Mlp {
  return {
    layers: c.layers.map((l, i) => ({
      inputs: c.sizes[i],
      outputs: c.sizes[i + 1],
      weight: Float32Array.from(l.W),
      bias: Float32Array.from(l.b),
    })),
  };
}

/** |a − b| ≤ atol + rtol·|b| element by element, reporting the first miss. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 1e-4) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      expect.fail(`element ${i}: ${actual[i]} against NumPy's ${expected[i]} (tolerance ${tol})`);
    }
  }
}

// Both paths of the dense layers: the WebAssembly SIMD kernel (the default here) and the TypeScript fallback.
const paths: [string, DenseOps][] = [
  ['kernel', defaultDenseOps()],
  ['js', jsDenseOps],
];
describe.each(
  cases.flatMap((c) => paths.map(([path, ops]) => [`${c.sizes.join('-')} (${path})`, c, ops] as const)),
)('MLP %s against NumPy', (_, c, ops) => {
  const x = Float32Array.from(c.x);
  it('forward pass, softmax and loss', () => {
    const trace = forward(modelOf(c), x, c.batch, undefined, ops);
    expectClose(trace.logits, c.logits, 1e-5);
    const r = softmaxCrossEntropy(trace.logits, c.y, c.batch, c.sizes.at(-1) ?? 10);
    expectClose(r.probabilities, c.probabilities, 1e-6);
    expect(r.loss).toBeCloseTo(c.loss, 5);
  });
  it('gradients of every weight and bias', () => {
    const model = modelOf(c);
    const trace = forward(model, x, c.batch, undefined, ops);
    const r = softmaxCrossEntropy(trace.logits, c.y, c.batch, c.sizes.at(-1) ?? 10);
    const g = backward(model, trace, r.gradient, ops);
    c.grads.forEach((expected, l) => {
      expectClose(g.weight[l], expected.W, 1e-6);
      expectClose(g.bias[l], expected.b, 1e-6);
    });
  });
  it('two Adam steps', () => {
    const model = modelOf(c);
    const state = createAdamState(model);
    for (const expected of c.adam) {
      const trace = forward(model, x, c.batch, undefined, ops);
      const r = softmaxCrossEntropy(trace.logits, c.y, c.batch, c.sizes.at(-1) ?? 10);
      adamStep(model, backward(model, trace, r.gradient, ops), state, { learningRate: c.learningRate });
      expected.forEach((p, l) => {
        expectClose(model.layers[l].weight, p.W, 1e-6);
        expectClose(model.layers[l].bias, p.b, 1e-6);
      });
    }
  });
});

describe('backward agrees with finite differences (property)', () => {
  /** Loss of the model with every parameter moved by t·direction. */
  function lossAlong(
    model: Mlp,
    direction: Float64Array[],
    t: number,
    x: Float32Array,
    y: number[],
    n: number,
  ) {
    const moved: Mlp = {
      layers: model.layers.map((l, i) => ({
        ...l,
        weight: l.weight.map((w, k) => w + t * direction[2 * i][k]),
        bias: l.bias.map((b, k) => b + t * direction[2 * i + 1][k]),
      })),
    };
    const trace = forward(moved, x, n);
    const pattern = trace.preActivations
      .slice(0, -1)
      .map((z) => Array.from(z, (v) => (v > 0 ? '1' : '0')).join(''))
      .join('|');
    return { loss: softmaxCrossEntropy(trace.logits, y, n, 4).loss, pattern };
  }

  it('the directional derivative ∇L·d matches (L(θ+hd) − L(θ−hd)) / 2h', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        (seed, n, twoHidden) => {
          const rng = createRng(seed);
          const sizes = twoHidden ? [5, 7, 6, 4] : [5, 8, 4];
          const model: Mlp = {
            layers: sizes.slice(1).map((outputs, i) => ({
              inputs: sizes[i],
              outputs,
              weight: Float32Array.from({ length: outputs * sizes[i] }, () => rng.normal() * 0.7),
              bias: Float32Array.from({ length: outputs }, () => rng.normal() * 0.3),
            })),
          };
          const x = Float32Array.from({ length: n * sizes[0] }, () => rng.uniform());
          const y = Array.from({ length: n }, () => Math.floor(rng.uniform() * 4));
          const direction = model.layers.flatMap((l) => [
            Float64Array.from(l.weight, () => rng.normal()),
            Float64Array.from(l.bias, () => rng.normal()),
          ]);
          const trace = forward(model, x, n);
          const g = backward(model, trace, softmaxCrossEntropy(trace.logits, y, n, 4).gradient);
          let analytic = 0;
          model.layers.forEach((_, i) => {
            g.weight[i].forEach((v, k) => {
              analytic += v * direction[2 * i][k];
            });
            g.bias[i].forEach((v, k) => {
              analytic += v * direction[2 * i + 1][k];
            });
          });
          const h = 1e-3;
          const plus = lossAlong(model, direction, h, x, y, n);
          const minus = lossAlong(model, direction, -h, x, y, n);
          // the loss is smooth only where no ReLU switches between θ − hd and θ + hd
          fc.pre(
            plus.pattern === minus.pattern &&
              plus.pattern === lossAlong(model, direction, 0, x, y, n).pattern,
          );
          const numeric = (plus.loss - minus.loss) / (2 * h);
          // float32 storage of the weights and logits is the only source of disagreement left
          expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(2e-3 + 0.03 * Math.abs(analytic));
        },
      ),
      { numRuns: 200, seed: 13 },
    );
  });
});
