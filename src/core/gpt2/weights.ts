/**
 * A GPT-2 model's parameters in memory, in the layout the forward pass uses: every tensor float32; Conv1D
 * weights ([in, out] in the file: y = x·W + b, transformers `pytorch_utils.Conv1D`) transposed once to
 * [out, in], so that rows are output channels as in nn.Linear and in the engine's Tensor2D ("per channel" =
 * per output channel, and a block of g runs along the input, in every layout). wte [V, d] is already
 * [out, in] for the tied head. Pure; no DOM.
 */
import { createMatmulKernel, type MatmulKernel } from '../wasm/matmulKernel';
import { type Gpt2Config, type Gpt2TensorSpec, gpt2TensorSpecs } from './config';
import type { BlockWeights, LinearWeight, WeightProvider } from './forward';

export interface Gpt2Weights {
  config: Gpt2Config;
  /** Canonical name (`h.0.attn.c_attn.weight`) → values in the held layout. */
  tensors: Map<string, Float32Array>;
  /**
   * The kernel whose arena holds the tensors (MatmulKernel.allocate), so the forward pass multiplies them where
   * they lie and a quantized model dequantizes a block into the same memory; absent: plain arrays, each weight
   * copied into a kernel's scratch a chunk at a time.
   */
  kernel?: MatmulKernel;
}

/** [rows, cols] of a tensor as held: linear weights [out, in], 1-D tensors 1 × n, embeddings as in the file. */
export function heldShape(spec: Gpt2TensorSpec): [number, number] {
  if (spec.shape.length === 1) return [1, spec.shape[0]];
  const [a, b] = spec.shape;
  return spec.role === 'linear' ? [b, a] : [a, b];
}

/**
 * The file's values of `spec` (row-major, file shape) in the held layout: a Conv1D weight is transposed (into
 * `out` when given, e.g. a view of the kernel's arena); any other tensor is `data` itself.
 */
export function toHeldLayout(spec: Gpt2TensorSpec, data: Float32Array, out?: Float32Array): Float32Array {
  if (spec.role !== 'linear') return data;
  const [inDim, outDim] = spec.shape;
  if (!out) out = new Float32Array(data.length);
  // Blocks of 16 rows keep both the read and the write streams in cache.
  for (let i0 = 0; i0 < inDim; i0 += 16) {
    const i1 = Math.min(inDim, i0 + 16);
    for (let o = 0; o < outDim; o++) {
      for (let i = i0; i < i1; i++) out[o * inDim + i] = data[i * outDim + o];
    }
  }
  return out;
}

/** Bytes of the float32 parameters of `config`, and of its largest block (what a quantized block dequantizes to). */
export function gpt2Bytes(config: Gpt2Config): { total: number; block: number } {
  let total = 0;
  let block = 0;
  for (const spec of gpt2TensorSpecs(config)) {
    const bytes = 4 * spec.shape.reduce((a, b) => a * b, 1);
    total += bytes;
    if (spec.layer === 0) block += bytes;
  }
  return { total, block };
}

/**
 * A kernel whose arena takes the float32 model (loaded straight into it, so the pass multiplies every weight where
 * it lies), a quantized model's codes (one byte a value: compactTensor.ts), one block's dequantized copies and the
 * head's slices: 1.25 × float32 + one block + 1 MiB. Pages of the arena are only resident once written.
 */
export function gpt2Kernel(config: Gpt2Config): MatmulKernel {
  const { total, block } = gpt2Bytes(config);
  return createMatmulKernel(total + total / 4 + block + 2 ** 20);
}

/** `length` float32 values in `kernel`'s arena, or a plain array where it has no room. */
export function allocateIn(kernel: MatmulKernel | undefined, length: number): Float32Array {
  return kernel?.allocate(length) ?? new Float32Array(length);
}

/** Bytes of the held float32 parameters. */
export function weightBytes(weights: Gpt2Weights): number {
  let n = 0;
  for (const t of weights.tensors.values()) n += t.byteLength;
  return n;
}

function need(weights: Gpt2Weights, name: string): Float32Array {
  const t = weights.tensors.get(name);
  if (!t) throw new Error(`GPT-2 weights: "${name}" is missing`);
  return t;
}

/** The 12 tensors of block `layer` through `get` (a plain lookup, or one that quantizes). */
export function blockOf(
  layer: number,
  get: (name: string) => Float32Array,
  linear: (name: string) => LinearWeight = get,
): BlockWeights {
  const p = `h.${layer}.`;
  return {
    ln1Weight: get(`${p}ln_1.weight`),
    ln1Bias: get(`${p}ln_1.bias`),
    attnWeight: linear(`${p}attn.c_attn.weight`),
    attnBias: get(`${p}attn.c_attn.bias`),
    attnProjWeight: linear(`${p}attn.c_proj.weight`),
    attnProjBias: get(`${p}attn.c_proj.bias`),
    ln2Weight: get(`${p}ln_2.weight`),
    ln2Bias: get(`${p}ln_2.bias`),
    fcWeight: linear(`${p}mlp.c_fc.weight`),
    fcBias: get(`${p}mlp.c_fc.bias`),
    fcProjWeight: linear(`${p}mlp.c_proj.weight`),
    fcProjBias: get(`${p}mlp.c_proj.bias`),
  };
}

/** The float32 model as a WeightProvider (nothing to free). */
export function floatProvider(weights: Gpt2Weights): WeightProvider {
  const get = (name: string) => need(weights, name);
  return {
    embeddings: () => ({ wte: get('wte.weight'), wpe: get('wpe.weight') }),
    block: (layer) => blockOf(layer, get),
    head: () => ({ lnfWeight: get('ln_f.weight'), lnfBias: get('ln_f.bias'), wte: get('wte.weight') }),
    release() {},
    kernel: weights.kernel,
  };
}
