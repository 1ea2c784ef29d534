/**
 * What the language-model tab measures from logits: per-token cross-entropy and perplexity (as
 * `model(ids, labels=ids)`: T tokens give T − 1 predictions), the KL divergence of a quantized model's next-token
 * distributions from the float model's, how often their top-1 tokens agree, and greedy decoding.
 * Sums in float64. Pure; no DOM.
 */
import type { Gpt2Config } from './config';
import { createGpt2State, type ForwardOptions, forwardGpt2, type WeightProvider } from './forward';

/** Row-wise log-softmax of `rows` rows of `vocab` logits, in float64. */
export function logSoftmaxRows(logits: Float32Array, rows: number, vocab: number): Float64Array {
  const out = new Float64Array(rows * vocab);
  for (let t = 0; t < rows; t++) logSoftmaxRowInto(logits, t, vocab, out, t * vocab);
  return out;
}

/** Row t's log-softmax into out[at …] (logSoftmaxRows' arithmetic, for a caller taking one row at a time). */
export function logSoftmaxRowInto(
  logits: Float32Array,
  t: number,
  vocab: number,
  out: Float64Array,
  at: number,
): void {
  const o = t * vocab;
  let max = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < vocab; v++) if (logits[o + v] > max) max = logits[o + v];
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[o + v] - max);
  const lse = max + Math.log(sum);
  for (let v = 0; v < vocab; v++) out[at + v] = logits[o + v] - lse;
}

export interface SequenceScore {
  /** −log p(token t+1 | tokens ≤ t), t = 0 … T−2. */
  tokenLosses: Float64Array;
  meanLoss: number;
  /** exp(meanLoss). */
  perplexity: number;
}

/** Cross-entropy of each next token from row-wise log-probabilities [T, V] of the sequence `tokens`. */
export function scoreTokens(logProbs: Float64Array, tokens: readonly number[], vocab: number): SequenceScore {
  const n = tokens.length - 1;
  const tokenLosses = new Float64Array(Math.max(0, n));
  let sum = 0;
  for (let t = 0; t < n; t++) {
    tokenLosses[t] = -logProbs[t * vocab + tokens[t + 1]];
    sum += tokenLosses[t];
  }
  const meanLoss = n > 0 ? sum / n : Number.NaN;
  return { tokenLosses, meanLoss, perplexity: Math.exp(meanLoss) };
}

export interface Agreement {
  /** KL(P_ref ‖ P) at each position, in nats. */
  klPerToken: Float64Array;
  meanKl: number;
  /** 1 where the top-1 tokens agree. */
  top1Matches: Uint8Array;
  /** Share of positions whose top-1 tokens agree, 0..1. */
  top1Agreement: number;
}

/** Index of the largest value of row `t` (the first one on a tie, as torch.argmax). */
export function argmaxRow(values: ArrayLike<number>, t: number, vocab: number): number {
  const o = t * vocab;
  let best = 0;
  for (let v = 1; v < vocab; v++) if (values[o + v] > values[o + best]) best = v;
  return best;
}

/** Compares a model's next-token distributions with the reference's, position by position. */
export function compareDistributions(
  reference: Float64Array,
  logProbs: Float64Array,
  rows: number,
  vocab: number,
): Agreement {
  const klPerToken = new Float64Array(rows);
  const top1Matches = new Uint8Array(rows);
  let klSum = 0;
  let agree = 0;
  for (let t = 0; t < rows; t++) {
    klPerToken[t] = klOfRow(reference, t, logProbs, t * vocab, vocab);
    klSum += klPerToken[t];
    if (argmaxRow(reference, t, vocab) === argmaxRow(logProbs, t, vocab)) {
      top1Matches[t] = 1;
      agree++;
    }
  }
  return { klPerToken, meanKl: klSum / rows, top1Matches, top1Agreement: agree / rows };
}

/** KL(P_ref ‖ P) at position t: reference row t against logProbs[at …]. */
export function klOfRow(
  reference: Float64Array,
  t: number,
  logProbs: Float64Array,
  at: number,
  vocab: number,
): number {
  const o = t * vocab;
  let kl = 0;
  for (let v = 0; v < vocab; v++) {
    const lp = reference[o + v];
    kl += Math.exp(lp) * (lp - logProbs[at + v]);
  }
  return Math.max(0, kl); // rounding can leave −1e-17 where the distributions are equal
}

/**
 * Greedy decoding: the prompt in one pass, then `count` tokens one at a time (each the argmax of the last
 * position), with the attention state kept. Stops early at the model's context length.
 */
export async function greedyContinue(
  config: Gpt2Config,
  weights: WeightProvider,
  prompt: readonly number[],
  count: number,
  options: Pick<ForwardOptions, 'between'> = {},
): Promise<number[]> {
  const steps = Math.max(0, Math.min(count, config.nPositions - prompt.length));
  const state = createGpt2State(config, prompt.length + steps);
  const out: number[] = [];
  let logits = await forwardGpt2(config, weights, prompt, state, { ...options, logits: 'last' });
  for (let i = 0; i < steps; i++) {
    const next = argmaxRow(logits, 0, config.vocabSize);
    out.push(next);
    if (i === steps - 1) break;
    logits = await forwardGpt2(config, weights, [next], state, { ...options, logits: 'last' });
  }
  return out;
}
