/**
 * What the user chose in the Language model tab (issue #14): the model, the Hub settings, the text, the prompt,
 * the quantization scope. A small zustand store of its own (the schemes are the explorer's A and B, read from the
 * app store), so the tab adds no field to the shared app state. The token lives here in memory only: never in a
 * link, never persisted.
 */
import { create } from 'zustand';
import type { QuantScope } from '../core/gpt2/quantizedModel';
import { DEFAULT_HUB_ENDPOINT } from '../worker/loadProtocol';

/** Herman Melville, Moby-Dick (1851), chapter 1: public domain. About 60 GPT-2 tokens. */
export const DEFAULT_LM_TEXT =
  'Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.';
/** The tutorial's prompt (Labonne, "Introduction to Weight Quantization"). */
export const DEFAULT_LM_PROMPT = 'I have a dream';
export const DEFAULT_LM_MODEL = 'openai-community/gpt2';
export const LM_MODEL_PRESETS: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'openai-community/gpt2', label: 'GPT-2 (124 M parameters, 548 MB)' },
  { id: 'distilbert/distilgpt2', label: 'DistilGPT-2 (82 M parameters, 353 MB)' },
];

export interface LmChoices {
  modelInput: string;
  endpoint: string;
  token: string;
  text: string;
  prompt: string;
  scope: QuantScope;
  continueTokens: number;
  set(patch: Partial<Omit<LmChoices, 'set'>>): void;
}

export const useLmStore = create<LmChoices>()((set) => ({
  modelInput: DEFAULT_LM_MODEL,
  endpoint: DEFAULT_HUB_ENDPOINT,
  token: '',
  text: DEFAULT_LM_TEXT,
  prompt: DEFAULT_LM_PROMPT,
  scope: 'all',
  continueTokens: 20,
  set: (patch) => set(patch),
}));
