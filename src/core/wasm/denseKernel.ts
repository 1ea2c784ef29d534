/**
 * Loads the dense-layer kernel (src/kernels/dense.as.ts, compiled into dense.wasm.ts) and runs its three products on
 * the caller's typed arrays: the operands are copied into one memory per thread (grown when a call needs more, never
 * shrunk), the results copied out. The lab's matrices are small (a batch of 64 × 64 inputs is 16 KiB), so the copies
 * cost a few microseconds against the products' tens.
 *
 * `denseKernel()` is null where WebAssembly or its SIMD instructions are missing; the caller then runs
 * src/core/nn/denseJs.ts, which gives the same bits.
 */
import { DENSE_KERNEL_BASE64 } from './dense.wasm';
import { PAGE } from './kernelLayout';
import { compileBase64Module, instantiateOn, type WasmApi, type WasmMemory, wasmApi } from './wasmModule';

interface DenseExports {
  denseForward(
    x: number,
    w: number,
    b: number,
    out: number,
    n: number,
    inputs: number,
    outputs: number,
    scratch: number,
  ): void;
  denseWeightGrad(
    delta: number,
    x: number,
    gw: number,
    gb: number,
    n: number,
    inputs: number,
    outputs: number,
  ): void;
  denseInputGrad(
    delta: number,
    w: number,
    z: number,
    dx: number,
    n: number,
    inputs: number,
    outputs: number,
  ): void;
  mlpCorrect(
    x: number,
    n: number,
    labels: number,
    table: number,
    count: number,
    scratch: number,
    starts: number,
    nonzero: number,
  ): number;
  nonzeroEntries(x: number, n: number, inputs: number, starts: number, nonzero: number): void;
  gatherRows(x: number, index: number, n: number, inputs: number, out: number): void;
  transposeInto(
    w: number,
    b: number,
    wt: number,
    bt: number,
    inputs: number,
    outputs: number,
    padded: number,
  ): void;
  quantizeTransposed(
    src: number,
    dst: number,
    inputs: number,
    padded: number,
    step: number,
    zero: number,
    groupSize: number,
    qmin: number,
    qmax: number,
    rounding: number,
  ): void;
  mlpCorrectT(
    starts: number,
    nonzero: number,
    n: number,
    labels: number,
    table: number,
    count: number,
    hiddenStarts: number,
    hiddenEntries: number,
  ): number;
  mlpForward(table: number, count: number, x: number, n: number, scratch: number): void;
  mlpBackward(table: number, count: number, x: number, n: number): void;
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    length: number,
    b1: number,
    b2: number,
    stepSize: number,
    c2: number,
    eps: number,
  ): void;
}

/** A dense layer's shape and parameters, as the lab's Mlp holds them. */
export interface DenseLayerParams {
  inputs: number;
  outputs: number;
  weight: Float32Array;
  bias: Float32Array;
}

/**
 * Counts the rows of one labelled set that a network classifies correctly (see `DenseKernel.classifier`). The set's
 * inputs stay in the kernel's memory between calls (copied again only after another call on the kernel has used
 * that memory), so only the weights and biases are copied in: what the accuracy-against-bits sweep needs, 14
 * networks on the same test set.
 */
export interface Classifier {
  /**
   * Rows whose first largest logit is their label, with ReLU between the layers: the same logits as the forward pass
   * on `forward` (the same sums in the same order), so the same count as argmax over them. null, having computed
   * nothing, where the operands do not fit the kernel's memory (or a layer does not follow from the one before).
   */
  correct(layers: readonly DenseLayerParams[]): number | null;
}

/** Adam's constants for one step (src/core/nn/adam.ts computes them; the kernel applies them in float64). */
export interface AdamStepConstants {
  beta1: number;
  beta2: number;
  /** learning rate / (1 − β1^t). */
  stepSize: number;
  /** √(1 − β2^t). */
  c2: number;
  epsilon: number;
}

/**
 * A network's training run held in the kernel's memory (see `DenseKernel.trainer`): the parameters, Adam's moments,
 * the training and test inputs and the batch buffers live in a memory of the trainer's own, which never grows, so
 * the views below stay valid until `release` and no other call on the kernel touches them. Parameter views
 * are per layer, in the order of the network's layers.
 */
export interface ResidentTrainer {
  /** The float weights and biases Adam updates (outputs × inputs, outputs). */
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
  /**
   * The weights and biases the forward and backward passes use: the float ones' own views, or (a trainer made with
   * `separateForward`) regions of their own that the caller fills, e.g. with fake-quantized weights.
   */
  readonly forwardWeights: readonly Float32Array[];
  readonly forwardBiases: readonly Float32Array[];
  /** ∂L/∂W per layer after `backward` (the caller may zero entries before `adam`, as the clipped STE does). */
  readonly weightGrads: readonly Float32Array[];
  /** ∂L/∂b per layer after `backward`. */
  readonly biasGrads: readonly Float32Array[];
  /** The batch's rows of the training inputs (batchSize of them): the first n are read by `forwardBatch(n)`. */
  readonly batchRows: Int32Array;
  /** The last layer's output after `forwardBatch(n)` (n × classes; batchSize rows of room). */
  readonly batchLogits: Float32Array;
  /** ∂L/∂logits, written by the caller after `forwardBatch(n)` and before `backward(n)` (n × classes). */
  readonly lastDelta: Float32Array;
  /** The forward pass over the first n of `batchRows` (the same logits as the forward of denseOps on them). */
  forwardBatch(n: number): void;
  /** ∂L/∂W and ∂L/∂b of every layer from `lastDelta` (the same bits as mlp.ts `backward` with denseOps). */
  backward(n: number): void;
  /** One Adam step on every parameter from the gradients (the same bits as adam.ts `adamStep`). */
  adam(constants: AdamStepConstants): void;
  /** The test inputs' logits through the forward weights (testN × classes; the same as `forward` on them). */
  forwardTest(): Float32Array;
  /** Gives the trainer's memory back for the next trainer or sweeper: nothing may use the trainer after. */
  release(): void;
}

/**
 * The accuracy-against-bits sweep of one network on one labelled set, held in a memory of its own (see
 * `DenseKernel.sweeper`): the set (as its rows' nonzero entries) and the float network's Wᵀ stay there; each
 * quantized network is made there, its weights quantized from the float Wᵀ by the kernel (`quantizeLayer`, from
 * parameter tables the caller fills) or copied in (`setWeights`), and counted without its weights leaving the
 * kernel. Counts are mlpCorrect's: rows whose first largest logit is their label, the same logits as the forward.
 */
export interface Sweeper {
  /** Per layer, its outputs rounded up to a multiple of 16: the lanes of Wᵀ's rows and of the parameter tables. */
  readonly padded: readonly number[];
  /**
   * Per layer, Δ and z tables for `quantizeLayer`: rows of `padded` floats, row j for the inputs k with
   * k / groupSize = j, lane o for output o (room for one row per input).
   */
  readonly stepTable: readonly Float32Array[];
  readonly zeroTable: readonly Float32Array[];
  /** Per layer, the quantized network's Wᵀ (inputs × padded): what `quantizeLayer` or `setWeights` made. */
  readonly quantizedTransposed: readonly Float32Array[];
  /** The float network's count. */
  correctFloat(): number;
  /**
   * Layer l's quantized weights from its float Wᵀ and the first ceil(inputs / groupSize) rows of its tables
   * (src/kernels/dense.as.ts quantizeTransposed: rounding 0 half to even, 2 floor; each z an integer under 2^23).
   */
  quantizeLayer(l: number, groupSize: number, qmin: number, qmax: number, rounding: 0 | 2): void;
  /** Layer l's quantized weights given (outputs × inputs, nn.Linear's layout). */
  setWeights(l: number, weight: Float32Array): void;
  /** Layer l's bias in the quantized network (the float bias until set). */
  setBias(l: number, bias: Float32Array): void;
  /** The quantized network's count. */
  correctQuantized(): number;
  /** Gives the sweeper's memory back for the next trainer or sweeper: nothing may use the sweeper after. */
  release(): void;
}

/** What `DenseKernel.trainer` needs: the layers' shapes, the inputs, the batch size. */
export interface TrainerShape {
  layers: readonly { inputs: number; outputs: number }[];
  train: { x: Float32Array; n: number };
  test: { x: Float32Array; n: number };
  batchSize: number;
  /** Whether the forward pass uses weights of its own (quantization-aware training) rather than the float ones. */
  separateForward: boolean;
}

/**
 * The three products, on plain typed arrays (the same contracts as denseJs.ts). Each returns false, having written
 * nothing, where its operands do not fit the kernel's memory.
 */
export interface DenseKernel {
  /** out (n × outputs) = x · Wᵀ + b. */
  forward(
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    n: number,
    inputs: number,
    outputs: number,
  ): boolean;
  /** gw (outputs × inputs) = δᵀ · x, gb = Σ_i δ[i, :]. */
  weightGrad(
    delta: Float32Array,
    x: Float32Array,
    gw: Float32Array,
    gb: Float32Array,
    n: number,
    inputs: number,
    outputs: number,
  ): boolean;
  /** dx (n × inputs) = δ · W, 0 where z[i, k] > 0 does not hold. */
  inputGrad(
    delta: Float32Array,
    weight: Float32Array,
    z: Float32Array,
    dx: Float32Array,
    n: number,
    inputs: number,
    outputs: number,
  ): boolean;
  /**
   * A classifier of the n rows of x (n × inputs) with `labels` (class per row): the caller keeps x and labels
   * unchanged while it uses the classifier.
   */
  classifier(x: Float32Array, n: number, labels: Uint8Array): Classifier;
  /**
   * The last layer's outputs (n × its outputs, a fresh array) of the network `layers` on the n rows of x, with ReLU
   * between the layers: mlpForward, the sums of denseForward and the same ReLU, so the logits of mlp.ts `forward`
   * on denseOps, without the per-layer copies in and out and the arrays of its trace. On a leased memory (see
   * `lease`); null where the memory cannot be had or the layers do not chain.
   */
  logits(layers: readonly DenseLayerParams[], x: Float32Array, n: number): Float32Array | null;
  /**
   * A resident trainer for a network of these shapes, on a memory and instance of its own until released (then
   * lent to the next trainer or sweeper), its parameters and Adam's moments zero (the caller copies the parameters in through `weights` and `biases`); null where the
   * memory cannot be had or the layers do not chain.
   */
  trainer(shape: TrainerShape): ResidentTrainer | null;
  /**
   * A sweeper of the network `layers` (copied in) on the n rows of x (n × inputs) with `labels`, on a memory and
   * instance of its own until released; null where the memory cannot be had or the layers do not chain.
   */
  sweeper(
    layers: readonly DenseLayerParams[],
    x: Float32Array,
    n: number,
    labels: Uint8Array,
  ): Sweeper | null;
}

/** A 16-byte aligned bump layout of byte regions, from offset 0 (the kernel keeps no data in memory). */
function layout(...lengths: number[]): { at: number[]; end: number } {
  const at: number[] = [];
  let end = 0;
  for (const length of lengths) {
    at.push(end);
    end += Math.ceil((4 * length) / 16) * 16;
  }
  return { at, end };
}

/** 256 MiB: the lab's largest operands (the 1,438 training digits through a 128-unit layer) need under 2 MiB. */
const MAX_PAGES = 4096;

function createDenseKernel(): DenseKernel | null {
  const wasm = wasmApi();
  const module = compileBase64Module(DENSE_KERNEL_BASE64);
  if (!wasm || !module) return null;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES });
  } catch {
    return null;
  }
  const kernel = instantiateOn<DenseExports>(module, memory);
  if (!kernel) return null;
  /**
   * The memory's bytes after making room for `end` bytes (a fresh view: growing detaches the old buffer), or null
   * where the memory cannot grow that far (the caller runs the JS path).
   */
  const room = (end: number): ArrayBuffer | null => {
    const pages = Math.ceil(end / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) {
      if (end > MAX_PAGES * PAGE) return null;
      try {
        memory.grow(pages);
      } catch {
        return null; // RangeError: the address space could not be had
      }
    }
    return memory.buffer;
  };
  const put = (buffer: ArrayBuffer, at: number, values: Float32Array, length: number) =>
    new Float32Array(buffer, at, length).set(values.length === length ? values : values.subarray(0, length));
  const take = (buffer: ArrayBuffer, at: number, out: Float32Array, length: number) =>
    out.set(new Float32Array(buffer, at, length));
  const trainer = (shape: TrainerShape) => createTrainer(wasm, module, shape);
  const sweeper = (layers: readonly DenseLayerParams[], x: Float32Array, n: number, labels: Uint8Array) =>
    createSweeper(wasm, module, layers, x, n, labels);
  // Bumped by every call that writes the memory: a classifier whose inputs are no longer there copies them again.
  let epoch = 0;
  return {
    forward(x, weight, bias, out, n, inputs, outputs) {
      epoch++;
      const padded = Math.ceil(outputs / 16) * 16;
      const scratch = (inputs + 1) * padded + 16; // Wᵀ and b padded, and one block of outputs
      const l = layout(n * inputs, outputs * inputs, outputs, n * outputs, scratch);
      const buffer = room(l.end);
      if (!buffer) return false;
      put(buffer, l.at[0], x, n * inputs);
      put(buffer, l.at[1], weight, outputs * inputs);
      put(buffer, l.at[2], bias, outputs);
      kernel.denseForward(l.at[0], l.at[1], l.at[2], l.at[3], n, inputs, outputs, l.at[4]);
      take(buffer, l.at[3], out, n * outputs);
      return true;
    },
    weightGrad(delta, x, gw, gb, n, inputs, outputs) {
      epoch++;
      const l = layout(n * outputs, n * inputs, outputs * inputs, outputs);
      const buffer = room(l.end);
      if (!buffer) return false;
      put(buffer, l.at[0], delta, n * outputs);
      put(buffer, l.at[1], x, n * inputs);
      kernel.denseWeightGrad(l.at[0], l.at[1], l.at[2], l.at[3], n, inputs, outputs);
      take(buffer, l.at[2], gw, outputs * inputs);
      take(buffer, l.at[3], gb, outputs);
      return true;
    },
    inputGrad(delta, weight, z, dx, n, inputs, outputs) {
      epoch++;
      const l = layout(n * outputs, outputs * inputs, n * inputs, n * inputs);
      const buffer = room(l.end);
      if (!buffer) return false;
      put(buffer, l.at[0], delta, n * outputs);
      put(buffer, l.at[1], weight, outputs * inputs);
      put(buffer, l.at[2], z, n * inputs);
      kernel.denseInputGrad(l.at[0], l.at[1], l.at[2], l.at[3], n, inputs, outputs);
      take(buffer, l.at[3], dx, n * inputs);
      return true;
    },
    classifier(x, n, labels) {
      // the epoch at which this classifier's inputs were last in memory, and the row width they were laid out for
      let held = -1;
      let heldInputs = -1;
      return {
        correct(layers) {
          const count = layers.length;
          const inputs = count > 0 ? layers[0].inputs : 0;
          if (count === 0 || x.length < n * inputs || labels.length < n) return null;
          let widest = 0;
          for (let i = 0; i < count; i++) {
            const { inputs: k, outputs: o } = layers[i];
            const wrong = layers[i].weight.length < o * k || layers[i].bias.length < o;
            if (wrong || (i > 0 && k !== layers[i - 1].outputs)) return null;
            widest = Math.max(widest, (k + 1) * Math.ceil(o / 16) * 16 + 16);
          }
          // the labels (bytes, in a region of n / 4 words rounded up; first, so that no other region is at 0, the
          // kernel's "none"), x, its rows' starts and nonzero (column, value) pairs (nonzeroEntries), the layer
          // table, then per layer its weight, bias and output, then denseForward's scratch
          const lengths = [Math.ceil(n / 4), n * inputs, n + 1, 2 * n * inputs + 2, 5 * count];
          for (const layer of layers)
            lengths.push(layer.outputs * layer.inputs, layer.outputs, n * layer.outputs);
          lengths.push(widest);
          const l = layout(...lengths);
          const buffer = room(l.end);
          if (!buffer) return null;
          if (held !== epoch || heldInputs !== inputs) {
            new Uint8Array(buffer, l.at[0], n).set(labels.subarray(0, n));
            put(buffer, l.at[1], x, n * inputs);
            kernel.nonzeroEntries(l.at[1], n, inputs, l.at[2], l.at[3]);
            heldInputs = inputs;
          }
          const table = new Int32Array(buffer, l.at[4], 5 * count);
          for (let i = 0; i < count; i++) {
            const layer = layers[i];
            const [w, b, out] = [l.at[5 + 3 * i], l.at[6 + 3 * i], l.at[7 + 3 * i]];
            put(buffer, w, layer.weight, layer.outputs * layer.inputs);
            put(buffer, b, layer.bias, layer.outputs);
            table.set([w, b, out, layer.inputs, layer.outputs], 5 * i);
          }
          const scratch = l.at[5 + 3 * count];
          const correct = kernel.mlpCorrect(l.at[1], n, l.at[0], l.at[4], count, scratch, l.at[2], l.at[3]);
          held = ++epoch;
          return correct;
        },
      };
    },
    trainer,
    sweeper,
    logits: (layers, x, n) => networkLogits(wasm, module, layers, x, n),
  };
}

function networkLogits(
  wasm: WasmApi,
  module: object,
  layers: readonly DenseLayerParams[],
  x: Float32Array,
  n: number,
): Float32Array | null {
  const count = layers.length;
  if (count === 0 || n < 1) return null;
  const inputs = layers[0].inputs;
  let widest = 0;
  for (let l = 0; l < count; l++) {
    const { inputs: k, outputs: o, weight, bias } = layers[l];
    if (weight.length < o * k || bias.length < o || (l > 0 && k !== layers[l - 1].outputs)) return null;
    widest = Math.max(widest, (k + 1) * Math.ceil(o / 16) * 16 + 16);
  }
  if (x.length < n * inputs) return null;
  let end = 0;
  const region = (floats: number) => {
    const at = end;
    end += vectors(floats) * 4;
    return at;
  };
  const tableAt = region((TRAIN_ENTRY / 4) * count);
  const xAt = region(n * inputs);
  const wAt = layers.map((l) => region(l.outputs * l.inputs));
  const bAt = layers.map((l) => region(l.outputs));
  const outAt = layers.map((l) => region(n * l.outputs));
  const scratchAt = region(widest);
  const leased = lease(wasm, module, end);
  if (!leased) return null;
  try {
    const { exports: k, buffer } = leased;
    const f32 = (at: number, length: number) => new Float32Array(buffer, at, length);
    f32(xAt, n * inputs).set(x.subarray(0, n * inputs));
    // mlpForward reads a layer's weights, bias, output and shape from its entry (the gradient slots stay unused)
    const table = new Int32Array(buffer, tableAt, (TRAIN_ENTRY / 4) * count);
    layers.forEach((l, i) => {
      f32(wAt[i], l.outputs * l.inputs).set(l.weight.subarray(0, l.outputs * l.inputs));
      f32(bAt[i], l.outputs).set(l.bias.subarray(0, l.outputs));
      table.set([wAt[i], bAt[i], outAt[i], 0, 0, 0, l.inputs, l.outputs], (TRAIN_ENTRY / 4) * i);
    });
    k.mlpForward(tableAt, count, xAt, n, scratchAt);
    return f32(outAt[count - 1], n * layers[count - 1].outputs).slice();
  } finally {
    leased.release();
  }
}

function createSweeper(
  wasm: WasmApi,
  module: object,
  layers: readonly DenseLayerParams[],
  x: Float32Array,
  n: number,
  labels: Uint8Array,
): Sweeper | null {
  const count = layers.length;
  if (count === 0 || n < 1) return null;
  const inputs = layers[0].inputs;
  for (let l = 0; l < count; l++) {
    const { inputs: k, outputs: o, weight, bias } = layers[l];
    if (weight.length < o * k || bias.length < o || (l > 0 && k !== layers[l - 1].outputs)) return null;
  }
  if (x.length < n * inputs || labels.length < n) return null;
  const padded = layers.map((l) => Math.ceil(l.outputs / 16) * 16);
  let end = 16; // nothing at 0
  const region = (floats: number) => {
    const at = end;
    end += vectors(floats) * 4;
    return at;
  };
  const labelsAt = region(Math.ceil(n / 4));
  const xAt = region(n * inputs);
  const startsAt = region(n + 1);
  const nonzeroAt = region(2 * n * inputs + 2);
  let hidden = 0;
  for (let l = 0; l + 1 < count; l++) hidden = Math.max(hidden, layers[l].outputs);
  const hiddenStartsAt = region(n + 1);
  const hiddenAt = region(2 * n * hidden + 2);
  const floatTable = region(5 * count);
  const quantTable = region(5 * count);
  const wAt = layers.map((l) => region(l.outputs * l.inputs));
  const bAt = layers.map((l) => region(l.outputs));
  const floatWt = layers.map((l, i) => region(l.inputs * padded[i]));
  const floatBt = layers.map((_, i) => region(padded[i] + 16));
  const quantWt = layers.map((l, i) => region(l.inputs * padded[i]));
  const quantBt = layers.map((_, i) => region(padded[i] + 16));
  const outAt = layers.map((l) => region(n * l.outputs));
  const stepAt = layers.map((l, i) => region(l.inputs * padded[i]));
  const zeroAt = layers.map((l, i) => region(l.inputs * padded[i]));
  const leased = lease(wasm, module, end);
  if (!leased) return null;
  const { exports: k, buffer } = leased;
  const f32 = (at: number, length: number) => new Float32Array(buffer, at, length);
  new Uint8Array(buffer, labelsAt, n).set(labels.subarray(0, n));
  f32(xAt, n * inputs).set(x.subarray(0, n * inputs));
  k.nonzeroEntries(xAt, n, inputs, startsAt, nonzeroAt);
  const floatEntries = new Int32Array(buffer, floatTable, 5 * count);
  const quantEntries = new Int32Array(buffer, quantTable, 5 * count);
  layers.forEach((l, i) => {
    f32(wAt[i], l.outputs * l.inputs).set(l.weight.subarray(0, l.outputs * l.inputs));
    f32(bAt[i], l.outputs).set(l.bias.subarray(0, l.outputs));
    k.transposeInto(wAt[i], bAt[i], floatWt[i], floatBt[i], l.inputs, l.outputs, padded[i]);
    // the quantized network starts as the float one (its biases stay the float ones unless set)
    k.transposeInto(wAt[i], bAt[i], quantWt[i], quantBt[i], l.inputs, l.outputs, padded[i]);
    floatEntries.set([floatWt[i], floatBt[i], outAt[i], l.inputs, l.outputs], 5 * i);
    quantEntries.set([quantWt[i], quantBt[i], outAt[i], l.inputs, l.outputs], 5 * i);
  });
  return {
    padded,
    stepTable: layers.map((l, i) => f32(stepAt[i], l.inputs * padded[i])),
    zeroTable: layers.map((l, i) => f32(zeroAt[i], l.inputs * padded[i])),
    quantizedTransposed: layers.map((l, i) => f32(quantWt[i], l.inputs * padded[i])),
    correctFloat: () =>
      k.mlpCorrectT(startsAt, nonzeroAt, n, labelsAt, floatTable, count, hiddenStartsAt, hiddenAt),
    quantizeLayer(l, groupSize, qmin, qmax, rounding) {
      const { inputs: kIn } = layers[l];
      k.quantizeTransposed(
        floatWt[l],
        quantWt[l],
        kIn,
        padded[l],
        stepAt[l],
        zeroAt[l],
        groupSize,
        qmin,
        qmax,
        rounding,
      );
    },
    setWeights(l, weight) {
      const { inputs: kIn, outputs: o } = layers[l];
      f32(wAt[l], o * kIn).set(weight.subarray(0, o * kIn));
      // transposeInto writes the bias row too: keep the quantized network's bias
      const bias = f32(quantBt[l], o).slice();
      k.transposeInto(wAt[l], bAt[l], quantWt[l], quantBt[l], kIn, o, padded[l]);
      f32(quantBt[l], o).set(bias);
    },
    setBias(l, bias) {
      f32(quantBt[l], layers[l].outputs).set(bias.subarray(0, layers[l].outputs));
    },
    correctQuantized: () =>
      k.mlpCorrectT(startsAt, nonzeroAt, n, labelsAt, quantTable, count, hiddenStartsAt, hiddenAt),
    release: leased.release,
  };
}

/** A memory and instance of the kernel lent to one trainer or sweeper (see `lease`). */
interface Lease {
  exports: DenseExports;
  buffer: ArrayBuffer;
  /** Gives the memory back for the next trainer or sweeper: nothing may use the lease's views after. */
  release(): void;
}

/** The memory and instance a released lease gave back. */
let spare: { memory: WasmMemory; exports: DenseExports } | null = null;

/**
 * A memory of at least `bytes` with an instance of the kernel on it, for one trainer or sweeper at a time: the one
 * given back last (grown if need be), else a new one. Creating a memory costs a few tenths of a millisecond here,
 * which a sweep of 15 networks in under a millisecond should not pay each time. The bytes are not cleared.
 */
function lease(wasm: WasmApi, module: object, bytes: number): Lease | null {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > MAX_PAGES) return null;
  let held = spare;
  spare = null;
  if (held) {
    const more = pages - held.memory.buffer.byteLength / PAGE;
    if (more > 0) {
      try {
        held.memory.grow(more);
      } catch {
        held = null;
      }
    }
  }
  if (!held) {
    let memory: WasmMemory;
    try {
      memory = new wasm.Memory({ initial: pages, maximum: MAX_PAGES });
    } catch {
      return null;
    }
    const exports = instantiateOn<DenseExports>(module, memory);
    if (!exports) return null;
    held = { memory, exports };
  }
  const given = held;
  let released = false;
  return {
    exports: given.exports,
    buffer: given.memory.buffer,
    release() {
      if (released) return;
      released = true;
      spare = given;
    },
  };
}

/** Bytes of one layer's entry in the trainer's table (dense.as.ts TRAIN_ENTRY): eight i32. */
const TRAIN_ENTRY = 32;

/** Floats rounded up to whole 16-byte vectors. */
const vectors = (floats: number) => Math.ceil(floats / 4) * 4;

function createTrainer(wasm: WasmApi, module: object, shape: TrainerShape): ResidentTrainer | null {
  const { layers, train, test, batchSize } = shape;
  const count = layers.length;
  if (count === 0 || batchSize < 1) return null;
  const inputs = layers[0].inputs;
  for (let l = 1; l < count; l++) if (layers[l].inputs !== layers[l - 1].outputs) return null;
  if (train.x.length < train.n * inputs || test.x.length < test.n * inputs) return null;
  const classes = layers[count - 1].outputs;
  // One block of parameters, per layer its weights then its bias, each whole vectors: the gradients, the moments
  // and the forward weights are blocks of the same layout, so Adam runs over the block in one call (the padding
  // stays 0: a zero gradient leaves a zero parameter and zero moments).
  const weightAt: number[] = [];
  const biasAt: number[] = [];
  let total = 0;
  for (const { inputs: k, outputs: o } of layers) {
    weightAt.push(total);
    total += vectors(o * k);
    biasAt.push(total);
    total += vectors(o);
  }
  const rows = Math.max(batchSize, test.n);
  let widest = 0;
  for (const { inputs: k, outputs: o } of layers)
    widest = Math.max(widest, (k + 1) * Math.ceil(o / 16) * 16 + 16);
  let end = 0;
  const region = (floats: number) => {
    const at = end;
    end += vectors(floats) * 4;
    return at;
  };
  const tableAt = region((TRAIN_ENTRY / 4) * count);
  const paramsAt = region(total);
  const gradsAt = region(total);
  const mAt = region(total);
  const vAt = region(total);
  const forwardAt = shape.separateForward ? region(total) : paramsAt;
  const trainAt = region(train.n * inputs);
  const testAt = region(test.n * inputs);
  const rowsAt = region(batchSize);
  const batchAt = region(batchSize * inputs);
  const outAt = layers.map((l) => region(rows * l.outputs));
  const deltaAt = layers.map((l) => region(batchSize * l.outputs));
  const scratchAt = region(widest);
  const leased = lease(wasm, module, end);
  if (!leased) return null;
  const { exports: k, buffer } = leased;
  const f32 = (at: number, length: number) => new Float32Array(buffer, at, length);
  new Uint8Array(buffer, 0, end).fill(0); // Adam's moments start at 0, and the padding stays 0
  f32(trainAt, train.n * inputs).set(train.x.subarray(0, train.n * inputs));
  f32(testAt, test.n * inputs).set(test.x.subarray(0, test.n * inputs));
  const table = new Int32Array(buffer, tableAt, (TRAIN_ENTRY / 4) * count);
  layers.forEach((l, i) => {
    const w = forwardAt + 4 * weightAt[i];
    const b = forwardAt + 4 * biasAt[i];
    const gw = gradsAt + 4 * weightAt[i];
    const gb = gradsAt + 4 * biasAt[i];
    table.set([w, b, outAt[i], deltaAt[i], gw, gb, l.inputs, l.outputs], (TRAIN_ENTRY / 4) * i);
  });
  const perLayer = (
    block: number,
    at: number[],
    length: (l: { inputs: number; outputs: number }) => number,
  ) => layers.map((l, i) => f32(block + 4 * at[i], length(l)));
  const weightLength = (l: { inputs: number; outputs: number }) => l.outputs * l.inputs;
  const biasLength = (l: { outputs: number }) => l.outputs;
  return {
    weights: perLayer(paramsAt, weightAt, weightLength),
    biases: perLayer(paramsAt, biasAt, biasLength),
    forwardWeights: perLayer(forwardAt, weightAt, weightLength),
    forwardBiases: perLayer(forwardAt, biasAt, biasLength),
    weightGrads: perLayer(gradsAt, weightAt, weightLength),
    biasGrads: perLayer(gradsAt, biasAt, biasLength),
    batchRows: new Int32Array(buffer, rowsAt, batchSize),
    batchLogits: f32(outAt[count - 1], batchSize * classes),
    lastDelta: f32(deltaAt[count - 1], batchSize * classes),
    forwardBatch(n) {
      k.gatherRows(trainAt, rowsAt, n, inputs, batchAt);
      k.mlpForward(tableAt, count, batchAt, n, scratchAt);
    },
    backward(n) {
      k.mlpBackward(tableAt, count, batchAt, n);
    },
    adam({ beta1, beta2, stepSize, c2, epsilon }) {
      k.adamStep(paramsAt, gradsAt, mAt, vAt, total, beta1, beta2, stepSize, c2, epsilon);
    },
    forwardTest() {
      k.mlpForward(tableAt, count, testAt, test.n, scratchAt);
      return f32(outAt[count - 1], test.n * classes);
    },
    release: leased.release,
  };
}

let made: DenseKernel | null | undefined;

/** This thread's dense kernel (compiled and instantiated on first use), or null where it cannot run here. */
export function denseKernel(): DenseKernel | null {
  if (made === undefined) made = createDenseKernel();
  return made;
}
