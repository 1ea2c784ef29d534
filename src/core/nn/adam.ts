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

/** One Adam step on every parameter of `model`, in place. */
export function adamStep(model: Mlp, gradients: Gradients, state: AdamState, options: AdamOptions): void {
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  state.step++;
  const c1 = 1 - b1 ** state.step;
  const c2 = Math.sqrt(1 - b2 ** state.step);
  const stepSize = options.learningRate / c1;
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
