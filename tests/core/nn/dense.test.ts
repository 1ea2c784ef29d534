/**
 * The dense-layer kernel (WebAssembly SIMD, src/kernels/dense.as.ts) against its TypeScript twin (denseJs.ts): the
 * same bits on random shapes (every remainder of the vector widths, a batch of one, dead units, zeros of both
 * signs, values across many magnitudes), hand-computed cases for the fixed summation order, and the committed
 * module is what the source compiles to. The NumPy reference checks of both paths are in mlp.test.ts.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseForwardJs, denseInputGradJs, denseWeightGradJs } from '../../../src/core/nn/denseJs';
import { defaultDenseOps } from '../../../src/core/nn/denseOps';
import { DENSE_KERNEL_BASE64, DENSE_KERNEL_SHARED_BASE64 } from '../../../src/core/wasm/dense.wasm';
import { denseKernel } from '../../../src/core/wasm/denseKernel';
import { decodeBase64 } from '../../../src/core/wasm/wasmModule';
import { compileKernel, KERNELS, type KernelBuild, moduleText } from '../../../src/kernels/build.mjs';

const kernel = denseKernel();

/** Float32 values of mixed magnitudes, with exact zeros of both signs and runs of zeros (dead units). */
const valuesArb = (length: number) =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -0) },
      { weight: 1, arbitrary: fc.float({ min: Math.fround(-1e-30), max: Math.fround(1e-30), noNaN: true }) },
      { weight: 1, arbitrary: fc.float({ min: -1e6, max: 1e6, noNaN: true }) },
    ),
    { minLength: length, maxLength: length },
  );

const shapeArb = fc.record({
  n: fc.integer({ min: 1, max: 9 }),
  inputs: fc.integer({ min: 1, max: 37 }),
  outputs: fc.integer({ min: 1, max: 11 }),
});

/** Same bits, sign of zero included (Object.is), reporting the first difference. */
function expectSameBits(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`element ${i}: kernel ${actual[i]}, JS ${expected[i]}`);
  }
}

describe('the dense-layer kernel', () => {
  it('runs here (Node has WebAssembly SIMD), and is what the lab uses by default', () => {
    expect(kernel).not.toBeNull();
    expect(defaultDenseOps().path).toBe('wasm-simd');
  });

  it('forward: the same bits as the TypeScript path', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            valuesArb(s.n * s.inputs),
            valuesArb(s.outputs * s.inputs),
            valuesArb(s.outputs),
          ),
        ),
        ([{ n, inputs, outputs }, x, w, b]) => {
          const args = [Float32Array.from(x), Float32Array.from(w), Float32Array.from(b)] as const;
          const viaKernel = new Float32Array(n * outputs).fill(Number.NaN);
          const viaJs = new Float32Array(n * outputs).fill(Number.NaN);
          expect(kernel?.forward(...args, viaKernel, n, inputs, outputs)).toBe(true);
          denseForwardJs(...args, viaJs, n, inputs, outputs);
          expectSameBits(viaKernel, viaJs);
        },
      ),
      { numRuns: 300, seed: 131 },
    );
  });

  it('weight and bias gradients: the same bits as the TypeScript path', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            valuesArb(s.n * s.outputs),
            valuesArb(s.n * s.inputs),
            fc.array(fc.integer({ min: 0, max: s.outputs - 1 }), { maxLength: 4 }),
          ),
        ),
        ([{ n, inputs, outputs }, d, x, dead]) => {
          const delta = Float32Array.from(d);
          // whole columns of zeros: a ReLU unit off for the batch
          for (const o of dead) for (let i = 0; i < n; i++) delta[i * outputs + o] = i % 2 ? -0 : 0;
          const xs = Float32Array.from(x);
          const gwK = new Float32Array(outputs * inputs).fill(Number.NaN);
          const gbK = new Float32Array(outputs).fill(Number.NaN);
          const gwJ = new Float32Array(outputs * inputs).fill(Number.NaN);
          const gbJ = new Float32Array(outputs).fill(Number.NaN);
          expect(kernel?.weightGrad(delta, xs, gwK, gbK, n, inputs, outputs)).toBe(true);
          denseWeightGradJs(delta, xs, gwJ, gbJ, n, inputs, outputs);
          expectSameBits(gwK, gwJ);
          expectSameBits(gbK, gbJ);
        },
      ),
      { numRuns: 300, seed: 132 },
    );
  });

  it('input gradient through the ReLU: the same bits as the TypeScript path', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            valuesArb(s.n * s.outputs),
            valuesArb(s.outputs * s.inputs),
            valuesArb(s.n * s.inputs),
          ),
        ),
        ([{ n, inputs, outputs }, d, w, z]) => {
          const args = [Float32Array.from(d), Float32Array.from(w), Float32Array.from(z)] as const;
          const viaKernel = new Float32Array(n * inputs).fill(Number.NaN);
          const viaJs = new Float32Array(n * inputs).fill(Number.NaN);
          expect(kernel?.inputGrad(...args, viaKernel, n, inputs, outputs)).toBe(true);
          denseInputGradJs(...args, viaJs, n, inputs, outputs);
          expectSameBits(viaKernel, viaJs);
        },
      ),
      { numRuns: 300, seed: 133 },
    );
  });

  it('sums in the documented float32 order, skipping zero inputs (cases where the order shows)', () => {
    // Inputs [1e8, 1, -1e8, 1] against weights of 1, summed over k in order in float32:
    // ((1e8 + 1) - 1e8) + 1 = (1e8 - 1e8) + 1 = 1 (1e8 + 1 rounds to 1e8); a float64 sum gives 2, pairwise 0.
    const x = Float32Array.from([1e8, 1, -1e8, 1]);
    const ones = Float32Array.from([1, 1, 1, 1]);
    // A zero input adds nothing, even against an infinite weight (0 · ∞ would be NaN): 2 · 3 + 0.5.
    const xz = Float32Array.from([0, 2]);
    const wz = Float32Array.from([Number.POSITIVE_INFINITY, 3]);
    for (const forward of [kernel?.forward, denseForwardJs]) {
      const out = new Float32Array(1);
      forward?.(x, ones, Float32Array.from([0]), out, 1, 4, 1);
      expect(out[0]).toBe(1);
      forward?.(xz, wz, Float32Array.from([0.5]), out, 1, 2, 1);
      expect(out[0]).toBe(6.5);
    }
  });

  it('hand-computed products: forward, gradients, the ReLU mask', () => {
    // x = [[1, 2], [3, 4]], W = [[1, 0], [0, 1], [1, 1]], b = [0.5, -1, 0]
    const x = Float32Array.from([1, 2, 3, 4]);
    const w = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const b = Float32Array.from([0.5, -1, 0]);
    const delta = Float32Array.from([1, 0, 2, -1, 0, 0.5]);
    const z = Float32Array.from([1, -1, 0, 2]);
    for (const ops of [
      defaultDenseOps(),
      { forward: denseForwardJs, weightGrad: denseWeightGradJs, inputGrad: denseInputGradJs },
    ]) {
      const out = new Float32Array(6);
      ops.forward(x, w, b, out, 2, 2, 3);
      expect(Array.from(out)).toEqual([1.5, 1, 3, 3.5, 3, 7]);
      const gw = new Float32Array(6);
      const gb = new Float32Array(3);
      ops.weightGrad(delta, x, gw, gb, 2, 2, 3);
      // δᵀx: row o = Σ_i δ[i, o]·x[i, :]
      expect(Array.from(gw)).toEqual([-2, -2, 0, 0, 3.5, 6]);
      expect(Array.from(gb)).toEqual([0, 0, 2.5]);
      const dx = new Float32Array(4);
      ops.inputGrad(delta, w, z, dx, 2, 2, 3);
      // δ·W = [[3, 2], [-0.5, 0.5]], kept where z > 0: [[3, 0], [0, 0.5]]
      expect(Array.from(dx)).toEqual([3, 0, 0, 0.5]);
    }
  });

  it('the committed module is what src/kernels/dense.as.ts compiles to (run `npm run build:wasm` if not)', async () => {
    const build = (KERNELS as Record<string, KernelBuild>).dense;
    const bytes = await compileKernel(build);
    expect(Array.from(decodeBase64(DENSE_KERNEL_BASE64))).toEqual(Array.from(bytes));
    const shared = await compileKernel(build, { shared: true });
    expect(Array.from(decodeBase64(DENSE_KERNEL_SHARED_BASE64))).toEqual(Array.from(shared));
    expect(await readFile(build.output, 'utf8')).toBe(moduleText(bytes, build, shared));
  }, 60_000);
});
