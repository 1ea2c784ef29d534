/**
 * What the user chooses in the Language model tab (issue #14) that a link carries: the model, the text, the
 * prompt and the quantization scope (schemes are the explorer's A and B). Plain JSON, pure: the shareable state,
 * the URL codec (lmUrl.ts) and the store slice (lmSlice.ts) share these definitions.
 */
import type { QuantScope } from '../core/gpt2/quantizedModel';

/** Herman Melville, Moby-Dick (1851), chapter 1: public domain. About 60 GPT-2 tokens. */
export const DEFAULT_LM_TEXT =
  'Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.';
/** The tutorial's prompt (Labonne, "Introduction to Weight Quantization"). */
export const DEFAULT_LM_PROMPT = 'I have a dream';
export const DEFAULT_LM_MODEL = 'openai-community/gpt2';
/** Tokens each model adds to the prompt greedily. */
export const LM_CONTINUE_TOKENS = 20;

/** The presets, with the size of their weight file (model.safetensors) so it can be stated before any fetch. */
export const LM_MODEL_PRESETS: ReadonlyArray<{ id: string; label: string; downloadMB: number }> = [
  { id: 'openai-community/gpt2', label: 'GPT-2 (124 M parameters, 548 MB)', downloadMB: 548 },
  { id: 'distilbert/distilgpt2', label: 'DistilGPT-2 (82 M parameters, 353 MB)', downloadMB: 353 },
];

export interface LmChoices {
  /** Hub id (`org/name[@revision]`) or URL of a GPT-2-architecture model. */
  model: string;
  /** The text scored by float32, A and B. */
  text: string;
  /** The prompt each model continues greedily. */
  prompt: string;
  scope: QuantScope;
}

export const DEFAULT_LM_CHOICES: LmChoices = {
  model: DEFAULT_LM_MODEL,
  text: DEFAULT_LM_TEXT,
  prompt: DEFAULT_LM_PROMPT,
  scope: 'all',
};
