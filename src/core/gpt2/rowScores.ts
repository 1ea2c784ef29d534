/**
 * A quantized model's scores from its logits one row at a time: scoreTokens(logSoftmaxRows(…)) and
 * compareDistributions(reference, logSoftmaxRows(…)) with the same bits (each row's log-probabilities are
 * logSoftmaxRows', the KL is klOfRow, the sums run in row order), without the [T, V] float64 log-probabilities
 * (25.7 MB for 64 GPT-2 tokens) per pass: the comparison's peak memory holds the float model's reference only.
 * Pure; no DOM.
 */
import { type Agreement, argmaxRow, klOfRow, logSoftmaxRowInto, type SequenceScore } from './evaluate';

/** `tokens`' score from `logits` ([tokens.length, vocab]) and, against `reference`, its agreement. */
export function scoreLogitsByRow(
  logits: Float32Array,
  tokens: readonly number[],
  vocab: number,
  reference: Float64Array | null,
): { score: SequenceScore; agreement: Agreement | null } {
  const rows = tokens.length;
  const n = rows - 1;
  const row = new Float64Array(vocab);
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
      klPerToken[t] = klOfRow(reference, t, row, 0, vocab);
      klSum += klPerToken[t];
      if (argmaxRow(reference, t, vocab) === argmaxRow(row, 0, vocab)) {
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
