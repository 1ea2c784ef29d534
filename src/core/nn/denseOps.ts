/**
 * Which code runs the dense layers' products: the WebAssembly SIMD kernel (src/core/wasm/denseKernel.ts) where it
 * runs, else the TypeScript of denseJs.ts. Both give the same bits, so the choice changes speed only.
 */
import { denseKernel } from '../wasm/denseKernel';
import { denseForwardJs, denseInputGradJs, denseWeightGradJs } from './denseJs';

export interface DenseOps {
  /** 'wasm-simd' or 'js': what runs the products (a call the kernel cannot take runs on JS). */
  readonly path: 'wasm-simd' | 'js';
  /** out (n × outputs) = x · Wᵀ + b. */
  forward(
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    n: number,
    inputs: number,
    outputs: number,
  ): void;
  /** gw (outputs × inputs) = δᵀ · x, gb = Σ_i δ[i, :]. */
  weightGrad(
    delta: Float32Array,
    x: Float32Array,
    gw: Float32Array,
    gb: Float32Array,
    n: number,
    inputs: number,
    outputs: number,
  ): void;
  /** dx (n × inputs) = δ · W, 0 where z[i, k] > 0 does not hold. */
  inputGrad(
    delta: Float32Array,
    weight: Float32Array,
    z: Float32Array,
    dx: Float32Array,
    n: number,
    inputs: number,
    outputs: number,
  ): void;
}

export const jsDenseOps: DenseOps = {
  path: 'js',
  forward: denseForwardJs,
  weightGrad: denseWeightGradJs,
  inputGrad: denseInputGradJs,
};

let chosen: DenseOps | undefined;

/** The kernel where WebAssembly SIMD runs here, else jsDenseOps. */
export function defaultDenseOps(): DenseOps {
  if (chosen) return chosen;
  const kernel = denseKernel();
  chosen = kernel
    ? {
        path: 'wasm-simd',
        forward(x, weight, bias, out, n, inputs, outputs) {
          if (!kernel.forward(x, weight, bias, out, n, inputs, outputs))
            denseForwardJs(x, weight, bias, out, n, inputs, outputs);
        },
        weightGrad(delta, x, gw, gb, n, inputs, outputs) {
          if (!kernel.weightGrad(delta, x, gw, gb, n, inputs, outputs))
            denseWeightGradJs(delta, x, gw, gb, n, inputs, outputs);
        },
        inputGrad(delta, weight, z, dx, n, inputs, outputs) {
          if (!kernel.inputGrad(delta, weight, z, dx, n, inputs, outputs))
            denseInputGradJs(delta, weight, z, dx, n, inputs, outputs);
        },
      }
    : jsDenseOps;
  return chosen;
}
