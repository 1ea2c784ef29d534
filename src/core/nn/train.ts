/**
 * Mini-batch training with Adam, one epoch per step of a generator (so the worker can report progress and check
 * for a cancel between epochs). The batch order is a seeded shuffle per epoch.
 *
 * Quantization-aware training plugs in through `fakeQuantize`: the forward and backward passes run on the
 * fake-quantized weights Ŵ = dequant(quant(W)), and the straight-through estimator applies ∂L/∂Ŵ to the float
 * weights W (Bengio et al. 2013; Jacob et al. 2018), optionally zeroed where W lies outside the clipping range
 * (the "clipped" STE).
 */
import { createRng } from '../random';
import { adamStep, createAdamState } from './adam';
import { CLASS_COUNT, type DigitsSplit, INPUT_SIZE, shuffleInPlace } from './data';
import { evaluate } from './evaluate';
import { backward, forward, type Mlp, softmaxCrossEntropy } from './mlp';

/** The weights a forward pass uses, and for the clipped STE where the gradient may pass (1) or not (0). */
export interface FakeQuantized {
  model: Mlp;
  /** Per layer, per weight: 1 where W is inside its group's clipping range; null = everywhere (plain STE). */
  pass: (Uint8Array | null)[] | null;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the batch order (a stream of its own, so it does not depend on the initialisation). */
  seed: number;
  /** QAT: the weights to run forward with, made from the current float weights before each batch. */
  fakeQuantize?: (model: Mlp) => FakeQuantized;
}

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Accuracy on the training batches as they were seen during the epoch. */
  trainAccuracy: number;
  /** After the epoch, on the test set (with the fake-quantized weights when training is quantization-aware). */
  testAccuracy: number;
  testLoss: number;
}

/** Trains `model` in place; yields one report per epoch. */
export function* trainEpochs(
  model: Mlp,
  data: DigitsSplit,
  options: TrainOptions,
): Generator<EpochReport, void> {
  const { train, test } = data;
  const rng = createRng(options.seed ^ 0x5eed_ba7c);
  const order = new Int32Array(train.n);
  const adam = createAdamState(model);
  const batchSize = Math.max(1, Math.min(options.batchSize, train.n));
  const bx = new Float32Array(batchSize * INPUT_SIZE);
  const by = new Uint8Array(batchSize);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (let i = 0; i < train.n; i++) order[i] = i;
    shuffleInPlace(order, rng);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < train.n; start += batchSize) {
      const n = Math.min(batchSize, train.n - start);
      for (let r = 0; r < n; r++) {
        const src = order[start + r];
        bx.set(train.x.subarray(src * INPUT_SIZE, (src + 1) * INPUT_SIZE), r * INPUT_SIZE);
        by[r] = train.labels[src];
      }
      const x = n === batchSize ? bx : bx.subarray(0, n * INPUT_SIZE);
      const fq = options.fakeQuantize?.(model);
      const used = fq?.model ?? model;
      const trace = forward(used, x, n);
      const result = softmaxCrossEntropy(trace.logits, by, n, CLASS_COUNT);
      const grads = backward(used, trace, result.gradient);
      const pass = fq?.pass;
      if (pass) {
        for (let l = 0; l < pass.length; l++) {
          const mask = pass[l];
          if (!mask) continue;
          const g = grads.weight[l];
          for (let i = 0; i < g.length; i++) if (mask[i] === 0) g[i] = 0;
        }
      }
      adamStep(model, grads, adam, { learningRate: options.learningRate });
      lossSum += result.loss * n;
      correct += result.correct;
    }
    const evaluated = evaluate(options.fakeQuantize?.(model).model ?? model, test);
    yield {
      epoch,
      loss: lossSum / train.n,
      trainAccuracy: correct / train.n,
      testAccuracy: evaluated.accuracy,
      testLoss: evaluated.loss,
    };
  }
}
