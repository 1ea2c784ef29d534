/**
 * The language-model tab's whole evaluation, for the float32 model and schemes A and B, in the order the tab
 * runs it: score the text (one pass), continue the prompt greedily (one pass for the prompt, then one single-token
 * pass per token, attention state kept), and score the prompt + the model's own continuation (the tutorial's
 * protocol). The worker (src/worker/lmHandlers.ts) and the bench (bench/gpt2.ts) both call this, so the bench
 * times what the tab does. Pure; no DOM.
 */
import type { Scheme } from '../scheme';
import type { Gpt2Config } from './config';
import { type Agreement, greedyContinue, type SequenceScore } from './evaluate';
import { createGpt2State, forwardGpt2, type WeightProvider } from './forward';
import {
  createQuantizedProvider,
  type HoldingPlan,
  type QuantizedProvider,
  type QuantScope,
  type TensorError,
} from './quantizedModel';
import { scoreLogitsByRow } from './rowScores';
import { floatProvider, type Gpt2Weights } from './weights';

/**
 * Share of the float32 model's size that dequantized copies may keep between greedy decoding steps, under the
 * 'requantize' plan and for tensors without a compact form. The text's single pass needs each tensor once (wte
 * twice: embeddings and head). The peak is then float32 + this + the largest part's copies (GPT-2: wte, 31 %).
 */
export const KEEP_SHARE = 0.15;

export type ComparedModel = 'float' | 'a' | 'b';
export type ComparisonStage = 'text' | 'continuation';

/**
 * How a quantized model is held between passes (HoldingPlan, quantizedModel.ts):
 *  - 'compact' (default): each tensor is quantized once per model and kept in a compact form (integer codes and
 *    the engine's per-group parameters, compactTensor.ts) that the passes dequantize a part at a time; a tensor
 *    whose scheme has no compact form falls back to 'requantize' for that tensor;
 *  - 'requantize': the earlier plan, kept as the fallback and as the bench's baseline: no copies kept in the
 *    text pass, a fresh provider for decoding that keeps dequantized copies within the budget and quantizes
 *    the others again on every pass.
 */
export type { HoldingPlan };

export interface ComparisonRequest {
  /** The text's token ids (≥ 2). */
  ids: readonly number[];
  /** The prompt's token ids (≥ 1). */
  promptIds: readonly number[];
  /** Greedy tokens to generate. */
  continueTokens: number;
  schemes: { a: Scheme; b: Scheme };
  scope: QuantScope;
  /** Bytes of dequantized copies a quantized model may keep between passes. */
  keepBytes: number;
  plan?: HoldingPlan;
  /** Awaited before each block and before the head of every pass (progress, yielding, cancel). */
  between?(model: ComparedModel, stage: ComparisonStage, layer: number): Promise<void> | void;
}

export interface ModelRun {
  score: SequenceScore;
  /** Against the float model's distributions (null for the float model). */
  agreement: Agreement | null;
  continuationIds: number[];
  /** Perplexity of prompt + own continuation (the tutorial's protocol). */
  ownScore: SequenceScore;
  /** Per quantized tensor, in first-quantized order (empty for the float model). */
  tensors: TensorError[];
  /** Most bytes of quantized data (compact forms and dequantized copies) held at once. */
  peakHeldBytes: number;
  /** Calls of the engine's `quantize` for this model over the three passes. */
  quantizeCalls: number;
}

/** Runs float32, A and B through the three passes; see the module comment. */
export async function compareModels(
  weights: Gpt2Weights,
  request: ComparisonRequest,
): Promise<Record<ComparedModel, ModelRun>> {
  const config = weights.config;
  const V = config.vocabSize;
  const { ids, promptIds, scope, keepBytes } = request;
  const plan = request.plan ?? 'compact';
  let reference: Float32Array | null = null;
  const runs = {} as Record<ComparedModel, ModelRun>;
  let scratch: Float32Array | null = null;
  const scratchLogits = () => {
    scratch ??= new Float32Array(Math.max(ids.length, promptIds.length + request.continueTokens) * V);
    return scratch;
  };
  for (const model of ['float', 'a', 'b'] as const) {
    const stage = (s: ComparisonStage) => (layer: number) => request.between?.(model, s, layer);
    const quantizedFor = () =>
      model === 'float'
        ? null
        : createQuantizedProvider(weights, { scheme: request.schemes[model], scope, keepBytes, plan });
    const quantized = quantizedFor();
    const provider: WeightProvider = quantized ?? floatProvider(weights);
    // The float model's text logits are the reference (a fresh array, kept); every later pass writes into one
    // reused array (ForwardOptions.logitsInto), scored before the next pass.
    const logits = await forwardGpt2(config, provider, ids, createGpt2State(config, ids.length), {
      between: stage('text'),
      logitsInto: reference ? scratchLogits() : undefined,
    });
    // Scored a row at a time (rowScores.ts: the same bits as over [T, V] log-probabilities); the float model's
    // float32 logits are kept as the reference, so no [T, V] float64 array exists.
    const { score, agreement } = scoreLogitsByRow(logits, ids, V, reference);
    reference ??= logits;
    // The compact plan goes on with the same provider (every tensor already quantized once); the earlier plan
    // started a provider of its own for decoding, whose kept copies the text pass had no use for.
    const decoding: QuantizedProvider | null = plan === 'requantize' ? quantizedFor() : null;
    const decoder: WeightProvider = decoding ?? provider;
    const continuationIds = await greedyContinue(config, decoder, promptIds, request.continueTokens, {
      between: stage('continuation'),
    });
    const own = ownText(config, promptIds, continuationIds);
    const ownLogits = await forwardGpt2(config, decoder, own, createGpt2State(config, own.length), {
      logitsInto: scratchLogits(),
    });
    const ownScore = scoreLogitsByRow(ownLogits, own, V, null).score;
    runs[model] = {
      score,
      agreement,
      continuationIds,
      ownScore,
      tensors: quantized ? [...quantized.errors.values()] : [],
      peakHeldBytes: Math.max(quantized?.peakHeldBytes() ?? 0, decoding?.peakHeldBytes() ?? 0),
      quantizeCalls: (quantized?.quantizeCalls() ?? 0) + (decoding?.quantizeCalls() ?? 0),
    };
    quantized?.dispose();
    decoding?.dispose();
  }
  return runs;
}

function ownText(config: Gpt2Config, prompt: readonly number[], continuation: readonly number[]): number[] {
  return [...prompt, ...continuation].slice(0, config.nPositions);
}
