/**
 * Adam (Kingma & Ba, 2015) in PyTorch's form (torch.optim.Adam, no weight decay, no amsgrad):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε).
 */
import type { Gradients, Mlp } from './mlp';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** Zeroed moments for every parameter, in the order weight₀, bias₀, weight₁, … */
export function createAdamState(model: Mlp): AdamState {
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (const l of model.layers) {
    m.push(new Float32Array(l.weight.length), new Float32Array(l.bias.length));
    v.push(new Float32Array(l.weight.length), new Float32Array(l.bias.length));
  }
  return { step: 0, m, v };
}

/** Adam's constants at step t (1-based): what one step applies to every parameter. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learning rate / (1 − β1^t). */
  stepSize: number;
  /** √(1 − β2^t). */
  c2: number;
}

/** The constants of step `step` (1-based), as adamStep uses them (the dense kernel's adamStep takes the same). */
export function adamConstants(options: AdamOptions, step: number): AdamConstants {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const c1 = 1 - beta1 ** step;
  return {
    beta1,
    beta2,
    epsilon: options.epsilon ?? 1e-8,
    stepSize: options.learningRate / c1,
    c2: Math.sqrt(1 - beta2 ** step),
  };
}

/**
 * One Adam step on every parameter of `model`, in place: per parameter, in float64, m' = β1·m + (1 − β1)·g,
 * v' = β2·v + (1 − β2)·g·g, p −= stepSize·m' / (√v' / c2 + ε), each stored as float32 (the dense kernel's adamStep
 * does the same operations in the same order: the same bits).
 */
export function adamStep(model: Mlp, gradients: Gradients, state: AdamState, options: AdamOptions): void {
  state.step++;
  const { beta1: b1, beta2: b2, epsilon: eps, stepSize, c2 } = adamConstants(options, state.step);
  model.layers.forEach((layer, l) => {
    const params = [layer.weight, layer.bias];
    const grads = [gradients.weight[l], gradients.bias[l]];
    for (let j = 0; j < 2; j++) {
      const p = params[j];
      const g = grads[j];
      const m = state.m[2 * l + j];
      const v = state.v[2 * l + j];
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        const mi = b1 * m[i] + (1 - b1) * gi;
        const vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= (stepSize * mi) / (Math.sqrt(vi) / c2 + eps);
      }
    }
  });
}
