/**
 * A model's scores from its logits one row at a time: scoreTokens(logSoftmaxRows(logits)) and
 * compareDistributions(logSoftmaxRows(referenceLogits), logSoftmaxRows(logits)) with the same bits (each row's
 * log-probabilities are logSoftmaxRows', the reference's recomputed per row by the same function, the KL is
 * klOfRow, the sums run in row order), without any [T, V] float64 log-probabilities (25.7 MB for 64 GPT-2
 * tokens): the comparison keeps the float model's float32 logits as its reference, half that. Pure; no DOM.
 */
import { type Agreement, argmaxRow, klOfRow, logSoftmaxRowInto, type SequenceScore } from './evaluate';

/**
 * `tokens`' score from `logits` ([tokens.length, vocab]) and, against the reference model's logits of the same
 * tokens (`reference`, or null), its agreement.
 */
export function scoreLogitsByRow(
  logits: Float32Array,
  tokens: readonly number[],
  vocab: number,
  reference: Float32Array | null,
): { score: SequenceScore; agreement: Agreement | null } {
  const rows = tokens.length;
  const n = rows - 1;
  const row = new Float64Array(vocab);
  const referenceRow = new Float64Array(reference ? vocab : 0);
  const tokenLosses = new Float64Array(Math.max(0, n));
  const klPerToken = new Float64Array(reference ? rows : 0);
  const top1Matches = new Uint8Array(reference ? rows : 0);
  let sum = 0;
  let klSum = 0;
  let agree = 0;
  for (let t = 0; t < rows; t++) {
    logSoftmaxRowInto(logits, t, vocab, row, 0);
    if (t < n) {
      tokenLosses[t] = -row[tokens[t + 1]];
      sum += tokenLosses[t];
    }
    if (reference) {
      logSoftmaxRowInto(reference, t, vocab, referenceRow, 0);
      klPerToken[t] = klOfRow(referenceRow, 0, row, 0, vocab);
      klSum += klPerToken[t];
      if (argmaxRow(referenceRow, 0, vocab) === argmaxRow(row, 0, vocab)) {
        top1Matches[t] = 1;
        agree++;
      }
    }
  }
  const meanLoss = n > 0 ? sum / n : Number.NaN;
  return {
    score: { tokenLosses, meanLoss, perplexity: Math.exp(meanLoss) },
    agreement: reference
      ? { klPerToken, meanKl: klSum / rows, top1Matches, top1Agreement: agree / rows }
      : null,
  };
}
