/** A model on a labelled set: accuracy, mean cross-entropy, confusion matrix and every class probability. */
import { denseKernel } from '../wasm/denseKernel';
import { CLASS_COUNT, type SplitSet } from './data';
import type { DenseOps } from './denseOps';
import { type ActivationHook, forward, type Mlp, softmaxCrossEntropyInto } from './mlp';

export interface Evaluation {
  accuracy: number;
  loss: number;
  /** 10 × 10 counts, row = true class, column = predicted class. */
  confusion: Int32Array;
  /** n × 10 softmax probabilities. */
  probabilities: Float32Array;
  /** Predicted class per row (argmax, the first on ties). */
  predictions: Uint8Array;
}

export function evaluate(
  model: Mlp,
  set: Pick<SplitSet, 'n' | 'x' | 'labels'>,
  hook?: ActivationHook,
  ops?: DenseOps,
): Evaluation {
  const logits = logitsOf(model, set, hook, ops);
  const probabilities = new Float32Array(set.n * CLASS_COUNT);
  // no gradient: the loss and the probabilities are the same bits with or without it
  const { loss, correct } = softmaxCrossEntropyInto(
    logits,
    set.labels,
    set.n,
    CLASS_COUNT,
    probabilities,
    null,
  );
  const confusion = new Int32Array(CLASS_COUNT * CLASS_COUNT);
  const predictions = new Uint8Array(set.n);
  for (let i = 0; i < set.n; i++) {
    const o = i * CLASS_COUNT;
    let arg = 0;
    for (let c = 1; c < CLASS_COUNT; c++) if (logits[o + c] > logits[o + arg]) arg = c;
    predictions[i] = arg;
    confusion[set.labels[i] * CLASS_COUNT + arg]++;
  }
  return { accuracy: correct / set.n, loss, confusion, probabilities, predictions };
}

/**
 * The logits of `forward`: without a hook or chosen products, in one call on the dense kernel (its mlpForward, the
 * same sums and ReLU as forward on denseOps: tests/core/nn/evaluateKernel.test.ts), else through forward.
 */
function logitsOf(
  model: Mlp,
  set: Pick<SplitSet, 'n' | 'x' | 'labels'>,
  hook: ActivationHook | undefined,
  ops: DenseOps | undefined,
): Float32Array {
  const direct = hook || ops ? null : (denseKernel()?.logits(model.layers, set.x, set.n) ?? null);
  return direct ?? forward(model, set.x, set.n, hook, ops).logits;
}

/**
 * Test accuracy alone (forward and argmax, the first largest logit on ties as `evaluate`): what the accuracy-against-
 * bits sweep draws, without the softmax, loss and confusion matrix it would not show.
 */
export function accuracyOf(model: Mlp, set: Pick<SplitSet, 'n' | 'x' | 'labels'>): number {
  const { logits } = forward(model, set.x, set.n);
  let correct = 0;
  for (let i = 0; i < set.n; i++) {
    const o = i * CLASS_COUNT;
    let arg = 0;
    for (let c = 1; c < CLASS_COUNT; c++) if (logits[o + c] > logits[o + arg]) arg = c;
    if (arg === set.labels[i]) correct++;
  }
  return set.n > 0 ? correct / set.n : 0;
}

/**
 * `accuracyOf` for many networks on one set, the same figure: on the dense kernel, whose classifier runs the same
 * forward (denseForward's sums, the ReLU, the first largest logit) with the set's inputs left in its memory between
 * calls, so a call copies in only the weights; elsewhere (no WebAssembly SIMD, or operands too large) accuracyOf.
 * The accuracy-against-bits sweep evaluates its 14 networks through one probe. The set must not change meanwhile.
 */
export function accuracyProbe(set: Pick<SplitSet, 'n' | 'x' | 'labels'>): (model: Mlp) => number {
  const classifier = denseKernel()?.classifier(set.x, set.n, set.labels) ?? null;
  return (model) => {
    const correct = set.n > 0 && classifier !== null ? classifier.correct(model.layers) : null;
    return correct === null ? accuracyOf(model, set) : correct / set.n;
  };
}
