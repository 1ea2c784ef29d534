/**
 * The language-model tab's half of the worker protocol (issue #14): load a GPT-2 checkpoint, then score a text
 * and continue a prompt with the float32 model and schemes A and B. Types and tiny pure helpers only.
 * `EngineApi` extends `LmApi` (protocol.ts), so the same client, progress and cancel machinery serve it.
 */
import type { LayerError, QuantScope, TensorError } from '../core/gpt2/quantizedModel';
import type { Scheme } from '../core/scheme';

/** A GPT-2 model: a Hub id / URL, or local files (config.json + model.safetensors). The token is never echoed. */
export type LmSource =
  | { kind: 'hub'; input: string; endpoint: string; token?: string }
  | { kind: 'files'; files: File[] };

/** What the page learns about a model before and after loading it. */
export interface LmModelInfo {
  /** Key of the source without the token (lmSourceKey). */
  key: string;
  label: string;
  layers: number;
  width: number;
  heads: number;
  vocabSize: number;
  contextLength: number;
  parameters: number;
  /** Bytes loading will download (the parameters as stored), and their float32 size in memory. */
  downloadBytes: number;
  float32Bytes: number;
  loaded: boolean;
}

export interface LmLoadProgress {
  loaded: number;
  total: number;
}

export type LmModelId = 'float' | 'a' | 'b';

export interface LmEvaluateRequest {
  modelKey: string;
  /** The text scored by all three models (perplexity, per-token loss, KL, top-1). */
  text: string;
  /** The prompt continued greedily by each model. */
  prompt: string;
  continueTokens: number;
  schemes: { a: Scheme; b: Scheme };
  scope: QuantScope;
}

export interface LmEvalProgress {
  model: LmModelId;
  stage: 'text' | 'continuation';
  /** Blocks done of `layers` (+1 for the head) in the current pass. */
  step: number;
  steps: number;
}

export interface LmModelResult {
  perplexity: number;
  meanLoss: number;
  /** Loss of token t+1 given tokens ≤ t, t = 0 … T−2. */
  tokenLosses: Float64Array;
  /** Against the float model (absent for the float model itself). */
  meanKl: number | null;
  top1Agreement: number | null;
  klPerToken: Float64Array | null;
  continuationIds: number[];
  continuation: string[];
  /** The tutorial's protocol: perplexity of prompt + this model's own continuation (not comparable). */
  ownTextPerplexity: number;
  /** Per quantized tensor and pooled per layer (empty for the float model). */
  tensors: TensorError[];
  layers: LayerError[];
  /** Largest bytes of dequantized copies held at once during this model's work. */
  peakQuantizedBytes: number;
}

export interface LmEvaluation {
  tokens: string[];
  tokenIds: number[];
  promptTokens: string[];
  models: Record<LmModelId, LmModelResult>;
  float32Bytes: number;
  elapsedMs: number;
}

export interface LmApi {
  /** Reads config.json and the weight file's header only: GPT-2-shaped? how large? Nothing else is fetched. */
  lmInspect(source: LmSource): Promise<LmModelInfo>;
  /** Downloads every parameter (progress in bytes, cancellable) and keeps the model resident. */
  lmLoad(source: LmSource): Promise<LmModelInfo>;
  /** Scores a text and continues a prompt with float32, A and B (progress per model and layer, cancellable). */
  lmEvaluate(request: LmEvaluateRequest): Promise<LmEvaluation>;
}

/** Progress events of the LM methods (merged into EngineProgress). */
export interface LmProgressMap {
  lmLoad: LmLoadProgress;
  lmEvaluate: LmEvalProgress;
}

/** The source's identity without the token. */
export function lmSourceKey(source: LmSource): string {
  if (source.kind === 'files') {
    return `files:${JSON.stringify(source.files.map((f) => [f.name, f.size, f.lastModified]))}`;
  }
  return `hub:${source.endpoint.trim().replace(/\/+$/, '')}|${source.input.trim()}`;
}

/** Longest continuation asked for. */
export const MAX_CONTINUE_TOKENS = 40;
