/**
 * GPT-2's byte-pair encoder, offline: js-tiktoken's `lite` entry with only the GPT-2 ranks (545 KB, 232 KB
 * gzipped), imported on first use so neither the page's nor the worker's first load carries it. `r50k_base` is
 * byte-identical to GPT-2's vocabulary (MODELS.md). Runs in the worker; no DOM.
 */

/** The GPT-2 end-of-text token, `<|endoftext|>` (also its BOS and EOS). */
export const GPT2_END_OF_TEXT = 50256;
/** Ids 0..50256. */
export const GPT2_VOCAB_SIZE = 50257;

export interface Gpt2Tokenizer {
  /** Token ids of `text`; `<|endoftext|>` written in the text is the special token 50256. */
  encode(text: string): number[];
  /** The text of a token sequence (bytes joined first, so characters split over tokens come out whole). */
  decode(ids: readonly number[]): string;
  /**
   * Each token's own text, for showing tokens one by one. A token holding only part of a multi-byte character
   * has no text of its own and shows as U+FFFD (the character comes out whole in `decode`).
   */
  pieces(ids: readonly number[]): string[];
}

let loading: Promise<Gpt2Tokenizer> | null = null;

/** The tokenizer, loaded once (a second call while loading gets the same promise). */
export function loadGpt2Tokenizer(): Promise<Gpt2Tokenizer> {
  loading ??= (async () => {
    const [{ Tiktoken }, ranks] = await Promise.all([
      import('js-tiktoken/lite'),
      import('js-tiktoken/ranks/gpt2'),
    ]);
    const encoder = new Tiktoken(ranks.default);
    return {
      encode: (text) => encoder.encode(text, 'all'),
      decode: (ids) => encoder.decode([...ids]),
      pieces: (ids) => ids.map((id) => encoder.decode([id])),
    };
  })();
  loading.catch(() => {
    loading = null; // a failed chunk load may succeed later
  });
  return loading;
}
