/**
 * GPT-2's forward pass (MODELS.md "GPT-2"; transformers `modeling_gpt2.py`): token + position embeddings,
 * pre-LayerNorm blocks with causal multi-head attention and a GELU-tanh MLP, the final LayerNorm and the output
 * head tied to the token embedding. Activations are float32 (every stored value is rounded to float32, as a
 * float32 PyTorch model keeps them). The matrix products (linear layers, the head) run on a MatmulKernel
 * (WebAssembly SIMD, src/kernels/matmul.as.ts, or its TypeScript twin: the same bits) and accumulate in **float32**
 * over four lanes, the lanes then added in float64 (as a BLAS does in PyTorch: float32 sums); the attention's dot
 * products, LayerNorm moments and the softmax accumulate in float64.
 * Weights come from a `WeightProvider`, one block at a time, so a quantized model can be quantized as its layers
 * run (quantizedModel.ts). A `Gpt2State` keeps the attention keys and values, so greedy decoding feeds one new
 * token per step. Pure; no DOM.
 */

import { type MatmulKernel, matmulKernel } from '../wasm/matmulKernel';
import type { RowSource } from './compactTensor';
import type { Gpt2Config } from './config';
import { ModelError } from './modelError';

/** One block's parameters in the layout the pass uses: linear weights [out, in] (transposed from Conv1D). */
export interface BlockWeights {
  ln1Weight: Float32Array;
  ln1Bias: Float32Array;
  /** [3d, d]: q, k, v as row blocks of d (column blocks of the file's [d, 3d]). */
  attnWeight: LinearWeight;
  attnBias: Float32Array;
  attnProjWeight: LinearWeight;
  attnProjBias: Float32Array;
  ln2Weight: Float32Array;
  ln2Bias: Float32Array;
  /** [inner, d]. */
  fcWeight: LinearWeight;
  fcBias: Float32Array;
  /** [d, inner]. */
  fcProjWeight: LinearWeight;
  fcProjBias: Float32Array;
}

/**
 * A linear layer's weight [out, in]: its values, or (a quantized model's compact form) rows the kernel reads a
 * panel at a time and multiplies while the panel is in cache (MatmulKernel.linearRows: the same bits).
 */
export type LinearWeight = Float32Array | RowSource;

/**
 * A matrix of the embeddings or the head: whole, or (a quantized model's compact form) a few rows at a time, so
 * the pass reads the rows of its tokens and multiplies the head by a slice of wte at a time, never holding a
 * dequantized copy of the largest tensor.
 */
export type WeightRows = Float32Array | RowSource;

/**
 * Where the pass gets its weights. A plain model hands out its arrays; a quantized one quantizes on demand and
 * frees what its memory plan does not keep when told the pass is done with it (`release`).
 */
export interface WeightProvider {
  /** wte [V, d] and wpe [P, d]. */
  embeddings(): { wte: WeightRows; wpe: WeightRows };
  block(layer: number): BlockWeights;
  /** The final LayerNorm and the output head (wte, [V, d]). */
  head(): { lnfWeight: Float32Array; lnfBias: Float32Array; wte: WeightRows };
  /** The pass no longer needs this part for now. */
  release(part: number | 'embeddings' | 'head'): void;
  /**
   * The kernel whose memory holds the weights (multiplied in place there); by default this thread's kernel
   * without an arena, which copies each weight in a chunk of rows at a time.
   */
  readonly kernel?: MatmulKernel;
}

/** The attention keys and values of the tokens seen so far, per layer ([capacity, d] each). */
export interface Gpt2State {
  keys: Float32Array[];
  values: Float32Array[];
  /** Tokens already processed (the next token's position). */
  length: number;
  capacity: number;
}

export function createGpt2State(config: Gpt2Config, capacity = config.nPositions): Gpt2State {
  const size = Math.min(capacity, config.nPositions) * config.nEmbd;
  return {
    keys: Array.from({ length: config.nLayer }, () => new Float32Array(size)),
    values: Array.from({ length: config.nLayer }, () => new Float32Array(size)),
    length: 0,
    capacity: Math.min(capacity, config.nPositions),
  };
}

export interface ForwardOptions {
  /** Logits of every new token (perplexity, KL) or of the last only (decoding). Default 'all'. */
  logits?: 'all' | 'last';
  /**
   * Where the logits are written when it has room (a view of its start is returned), else a new array: a caller
   * running pass after pass reuses one array instead of leaving 12.9 MB (64 GPT-2 tokens) to the collector each
   * time, which the comparison's peak memory counts.
   */
  logitsInto?: Float32Array;
  /**
   * Awaited before each block and before the head, with the block index (nLayer for the head): the caller's
   * chance to report progress, yield to its event loop and throw if cancelled.
   */
  between?(layer: number): Promise<void> | void;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (GPT-2's `gelu_new`): 0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³))). */
export function geluTanh(u: number): number {
  return 0.5 * u * (1 + Math.tanh(GELU_C * (u + 0.044715 * u * u * u)));
}

/** LayerNorm of each of `rows` rows of width d: (x − mean)/√(var + eps)·g + b, biased variance (torch). */
export function layerNormInto(
  x: Float32Array,
  rows: number,
  d: number,
  weight: Float32Array,
  bias: Float32Array,
  eps: number,
  out: Float32Array,
): void {
  for (let t = 0; t < rows; t++) {
    const o = t * d;
    let sum = 0;
    for (let i = 0; i < d; i++) sum += x[o + i];
    const mean = sum / d;
    let sq = 0;
    for (let i = 0; i < d; i++) {
      const c = x[o + i] - mean;
      sq += c * c;
    }
    const inv = 1 / Math.sqrt(sq / d + eps);
    for (let i = 0; i < d; i++) out[o + i] = (x[o + i] - mean) * inv * weight[i] + bias[i];
  }
}

/**
 * Causal multi-head attention of `rows` new tokens at positions state.length…: stores their keys and values in
 * the state, and writes each token's heads (softmax(q·kᵀ/√hd, j ≤ i)·v) into `out` [rows, d].
 */
function attentionInto(
  qkv: Float32Array,
  rows: number,
  config: Gpt2Config,
  keys: Float32Array,
  values: Float32Array,
  start: number,
  out: Float32Array,
): void {
  const d = config.nEmbd;
  const heads = config.nHead;
  const hd = d / heads;
  for (let t = 0; t < rows; t++) {
    const p = (start + t) * d;
    const src = t * 3 * d;
    for (let i = 0; i < d; i++) {
      keys[p + i] = qkv[src + d + i];
      values[p + i] = qkv[src + 2 * d + i];
    }
  }
  // Scores are float32 in PyTorch: round each (q·k)/√hd so the softmax sees the same inputs.
  const scale = Math.fround(Math.sqrt(hd));
  const scores = new Float64Array(start + rows);
  for (let t = 0; t < rows; t++) {
    const last = start + t; // attends to positions 0..last
    for (let h = 0; h < heads; h++) {
      const q = t * 3 * d + h * hd;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j <= last; j++) {
        const k = j * d + h * hd;
        let dot = 0;
        for (let i = 0; i < hd; i++) dot += qkv[q + i] * keys[k + i];
        const s = Math.fround(Math.fround(dot) / scale);
        scores[j] = s;
        if (s > max) max = s;
      }
      let total = 0;
      for (let j = 0; j <= last; j++) {
        const e = Math.exp(scores[j] - max);
        scores[j] = e;
        total += e;
      }
      const o = t * d + h * hd;
      for (let i = 0; i < hd; i++) {
        let acc = 0;
        for (let j = 0; j <= last; j++) acc += Math.fround(scores[j] / total) * values[j * d + h * hd + i];
        out[o + i] = acc;
      }
    }
  }
}

/**
 * Runs `tokens` (ids < vocabSize) through the model after the state's tokens, and returns the logits
 * ([tokens.length, V] for 'all', [1, V] for 'last'), row-major float32. Advances `state.length`.
 * Throws ModelError `bad-text` for an id outside the vocabulary or a sequence longer than the model's context.
 */
export async function forwardGpt2(
  config: Gpt2Config,
  weights: WeightProvider,
  tokens: readonly number[],
  state: Gpt2State,
  options: ForwardOptions = {},
): Promise<Float32Array> {
  const rows = tokens.length;
  const d = config.nEmbd;
  const start = state.length;
  if (rows === 0) throw new ModelError('bad-text', 'there are no tokens to run', 'Type some text.');
  if (start + rows > state.capacity) {
    throw new ModelError(
      'bad-text',
      `${start + rows} tokens are more than this model reads at once (${state.capacity})`,
      'Shorten the text.',
    );
  }
  for (const id of tokens) {
    if (!Number.isInteger(id) || id < 0 || id >= config.vocabSize) {
      throw new ModelError(
        'bad-text',
        `token id ${id} is outside the model's vocabulary (${config.vocabSize} tokens)`,
        'This model uses a smaller vocabulary than GPT-2’s tokenizer: use words it knows, or another model.',
      );
    }
  }
  const mm = weights.kernel ?? matmulKernel();
  const x = new Float32Array(rows * d);
  const { wte, wpe } = weights.embeddings();
  const tokenRow = new Float32Array(d);
  const positionRow = new Float32Array(d);
  for (let t = 0; t < rows; t++) {
    const e = rowOf(wte, tokens[t], d, tokenRow);
    const p = rowOf(wpe, start + t, d, positionRow);
    for (let i = 0; i < d; i++) x[t * d + i] = e.values[e.at + i] + p.values[p.at + i];
  }
  weights.release('embeddings');

  const h = new Float32Array(rows * d);
  const qkv = new Float32Array(rows * 3 * d);
  const attn = new Float32Array(rows * d);
  const proj = new Float32Array(rows * d);
  const inner = new Float32Array(rows * config.nInner);
  for (let layer = 0; layer < config.nLayer; layer++) {
    await options.between?.(layer);
    const b = weights.block(layer);
    layerNormInto(x, rows, d, b.ln1Weight, b.ln1Bias, config.layerNormEpsilon, h);
    linearInto(mm, h, rows, d, b.attnWeight, 3 * d, b.attnBias, qkv);
    attentionInto(qkv, rows, config, state.keys[layer], state.values[layer], start, attn);
    linearInto(mm, attn, rows, d, b.attnProjWeight, d, b.attnProjBias, proj);
    for (let i = 0; i < x.length; i++) x[i] += proj[i];
    layerNormInto(x, rows, d, b.ln2Weight, b.ln2Bias, config.layerNormEpsilon, h);
    linearInto(mm, h, rows, d, b.fcWeight, config.nInner, b.fcBias, inner);
    for (let i = 0; i < inner.length; i++) inner[i] = geluTanh(inner[i]);
    linearInto(mm, inner, rows, config.nInner, b.fcProjWeight, d, b.fcProjBias, proj);
    for (let i = 0; i < x.length; i++) x[i] += proj[i];
    weights.release(layer);
  }
  state.length = start + rows;

  await options.between?.(config.nLayer);
  const wanted = options.logits === 'last' ? 1 : rows;
  const from = x.subarray((rows - wanted) * d);
  const head = weights.head();
  const normed = new Float32Array(wanted * d);
  layerNormInto(from, wanted, d, head.lnfWeight, head.lnfBias, config.layerNormEpsilon, normed);
  const size = wanted * config.vocabSize;
  const into = options.logitsInto;
  const logits = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
  headInto(normed, wanted, d, head.wte, config.vocabSize, logits, mm);
  weights.release('head');
  return logits;
}

/** Row `r` of a matrix of width d: where it lies in a whole array, or read into `scratch`. */
function rowOf(
  m: WeightRows,
  r: number,
  d: number,
  scratch: Float32Array,
): { values: Float32Array; at: number } {
  if (m instanceof Float32Array) return { values: m, at: r * d };
  m.readRows(r, r + 1, scratch);
  return { values: scratch, at: 0 };
}

/** out = x·wᵀ + b for a weight given whole or by rows (w.rows must be outDim, w.cols inDim). */
function linearInto(
  mm: MatmulKernel,
  x: Float32Array,
  rows: number,
  inDim: number,
  w: LinearWeight,
  outDim: number,
  bias: Float32Array | null,
  out: Float32Array,
): void {
  if (w instanceof Float32Array) mm.linear(x, rows, inDim, w, outDim, bias, out);
  else if (w.rows !== outDim || w.cols !== inDim) {
    throw new Error(
      `GPT-2 weights: a [${w.rows}, ${w.cols}] weight where [${outDim}, ${inDim}] was expected`,
    );
  } else mm.linearRows(x, rows, inDim, w, bias, out);
}

/**
 * logits = x·wteᵀ ([rows, vocab]) on `kernel`; wte handed out by rows is read a panel at a time in the kernel's
 * scratch (MatmulKernel.linearRows: the same bits as the whole product, every output computed alone). Exported
 * for its test.
 */
export function headInto(
  x: Float32Array,
  rows: number,
  d: number,
  wte: WeightRows,
  vocab: number,
  out: Float32Array,
  kernel: MatmulKernel = matmulKernel(),
): void {
  linearInto(kernel, x, rows, d, wte, vocab, null, out);
}
