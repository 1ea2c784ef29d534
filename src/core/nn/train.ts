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
import { denseKernel, type ResidentTrainer } from '../wasm/denseKernel';
import { adamConstants, adamStep, createAdamState } from './adam';
import { CLASS_COUNT, type DigitsSplit, INPUT_SIZE, shuffleInPlace } from './data';
import { type DenseOps, defaultDenseOps } from './denseOps';
import { evaluate } from './evaluate';
import { backward, forward, type Mlp, softmaxCrossEntropy, softmaxCrossEntropyInto } from './mlp';

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
  /**
   * QAT: the weights to run forward with, made from the current float weights before each batch. With `into`
   * (quantizeModel.ts fakeQuantizer has it), the same weights written into a given network's arrays: the resident
   * run then quantizes straight from the kernel's float weights into its forward weights, with no copies.
   */
  fakeQuantize?: ((model: Mlp) => FakeQuantized) & {
    into?: (model: Mlp, out: Mlp) => FakeQuantized['pass'];
  };
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

/**
 * Trains `model` in place; yields one report per epoch. On the dense kernel (WebAssembly SIMD) the run is resident
 * in the kernel's memory (trainResident); elsewhere each step goes layer by layer through denseOps
 * (trainLayerByLayer). Both give the same bits: the same products, softmax, gradients and Adam arithmetic in the
 * same order (tests/core/nn/residentTrainer.test.ts).
 */
export function trainEpochs(
  model: Mlp,
  data: DigitsSplit,
  options: TrainOptions,
): Generator<EpochReport, void> {
  const batchSize = Math.max(1, Math.min(options.batchSize, data.train.n));
  const kernel = denseKernel();
  const resident =
    kernel && data.test.n > 0
      ? kernel.trainer({
          layers: model.layers,
          train: data.train,
          test: data.test,
          batchSize,
          separateForward: options.fakeQuantize !== undefined,
        })
      : null;
  return resident ? trainResident(model, data, options, resident) : trainLayerByLayer(model, data, options);
}

/** The per-epoch batch order: a seeded shuffle of the training rows for each epoch, from one stream per run. */
function batchOrder(options: TrainOptions, n: number): () => Int32Array {
  const rng = createRng(options.seed ^ 0x5eed_ba7c);
  const order = new Int32Array(n);
  return () => {
    for (let i = 0; i < n; i++) order[i] = i;
    shuffleInPlace(order, rng);
    return order;
  };
}

/** Zeroes the gradient where the clipped STE's mask is 0. */
function applyMask(
  pass: (Uint8Array | null)[] | null | undefined,
  weightGrads: readonly Float32Array[],
): void {
  if (!pass) return;
  for (let l = 0; l < pass.length; l++) {
    const mask = pass[l];
    if (!mask) continue;
    const g = weightGrads[l];
    for (let i = 0; i < g.length; i++) if (mask[i] === 0) g[i] = 0;
  }
}

/**
 * The run held in the dense kernel's memory (denseKernel.ts `trainer`): the float parameters and Adam's moments
 * stay there across steps, the training and test inputs are copied in once, and a step is the batch's row numbers
 * in, the forward pass, the softmax and its gradient (TypeScript, on the kernel's logits, writing δ into its memory),
 * the backward pass and Adam. The float parameters are copied out to `model` before each epoch's test figures (and,
 * in quantization-aware training, before each batch's fake quantization, whose weights are copied in).
 */
function* trainResident(
  model: Mlp,
  data: DigitsSplit,
  options: TrainOptions,
  resident: ResidentTrainer,
): Generator<EpochReport, void> {
  const { train, test } = data;
  const nextOrder = batchOrder(options, train.n);
  const batchSize = resident.batchRows.length;
  const by = new Uint8Array(batchSize);
  const layers = model.layers;
  layers.forEach((l, i) => {
    resident.weights[i].set(l.weight);
    resident.biases[i].set(l.bias);
  });
  const copyOut = () =>
    layers.forEach((l, i) => {
      l.weight.set(resident.weights[i]);
      l.bias.set(resident.biases[i]);
    });
  const copyForward = (used: Mlp) =>
    used.layers.forEach((l, i) => {
      resident.forwardWeights[i].set(l.weight);
      resident.forwardBiases[i].set(l.bias);
    });
  // the kernel's float and forward parameters as networks, for a fake quantizer that writes into given arrays
  const viewOf = (weights: readonly Float32Array[], biases: readonly Float32Array[]): Mlp => ({
    layers: layers.map((l, i) => ({ ...l, weight: weights[i], bias: biases[i] })),
  });
  const floatView = viewOf(resident.weights, resident.biases);
  const forwardView = viewOf(resident.forwardWeights, resident.forwardBiases);
  /** The forward weights from the current float ones; the clipped STE's masks. */
  const fakeQuantize = (fq: NonNullable<TrainOptions['fakeQuantize']>): FakeQuantized['pass'] => {
    if (fq.into) return fq.into(floatView, forwardView);
    copyOut();
    const made = fq(model);
    copyForward(made.model);
    return made.pass;
  };
  let step = 0;
  try {
    yield* residentEpochs();
  } finally {
    resident.release();
  }
  function* residentEpochs(): Generator<EpochReport, void> {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = nextOrder();
      let lossSum = 0;
      let correct = 0;
      for (let start = 0; start < train.n; start += batchSize) {
        const n = Math.min(batchSize, train.n - start);
        for (let r = 0; r < n; r++) {
          const src = order[start + r];
          resident.batchRows[r] = src;
          by[r] = train.labels[src];
        }
        const pass = options.fakeQuantize ? fakeQuantize(options.fakeQuantize) : null;
        resident.forwardBatch(n);
        const logits = resident.batchLogits.subarray(0, n * CLASS_COUNT);
        const delta = resident.lastDelta.subarray(0, n * CLASS_COUNT);
        const result = softmaxCrossEntropyInto(logits, by, n, CLASS_COUNT, null, delta);
        resident.backward(n);
        applyMask(pass, resident.weightGrads);
        resident.adam(adamConstants({ learningRate: options.learningRate }, ++step));
        lossSum += result.loss * n;
        correct += result.correct;
      }
      if (options.fakeQuantize) fakeQuantize(options.fakeQuantize);
      copyOut();
      const evaluated = softmaxCrossEntropyInto(
        resident.forwardTest(),
        test.labels,
        test.n,
        CLASS_COUNT,
        null,
        null,
      );
      yield {
        epoch,
        loss: lossSum / train.n,
        trainAccuracy: correct / train.n,
        testAccuracy: evaluated.correct / test.n,
        testLoss: evaluated.loss,
      };
    }
  }
}

/** The run step by step through denseOps (the dense kernel's products on copies, or their TypeScript twin). */
export function* trainLayerByLayer(
  model: Mlp,
  data: DigitsSplit,
  options: TrainOptions,
  ops: DenseOps = defaultDenseOps(),
): Generator<EpochReport, void> {
  const { train, test } = data;
  const nextOrder = batchOrder(options, train.n);
  const adam = createAdamState(model);
  const batchSize = Math.max(1, Math.min(options.batchSize, train.n));
  const bx = new Float32Array(batchSize * INPUT_SIZE);
  const by = new Uint8Array(batchSize);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = nextOrder();
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
      const trace = forward(used, x, n, undefined, ops);
      const result = softmaxCrossEntropy(trace.logits, by, n, CLASS_COUNT);
      const grads = backward(used, trace, result.gradient, ops);
      applyMask(fq?.pass, grads.weight);
      adamStep(model, grads, adam, { learningRate: options.learningRate });
      lossSum += result.loss * n;
      correct += result.correct;
    }
    const evaluated = evaluate(options.fakeQuantize?.(model).model ?? model, test, undefined, ops);
    yield {
      epoch,
      loss: lossSum / train.n,
      trainAccuracy: correct / train.n,
      testAccuracy: evaluated.accuracy,
      testLoss: evaluated.loss,
    };
  }
}
