/** Scoring a row at a time (rowScores.ts) gives scoreTokens / compareDistributions over [T, V] log-probabilities, bit for bit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDistributions, logSoftmaxRows, scoreTokens } from '../../../src/core/gpt2/evaluate';
import { scoreLogitsByRow } from '../../../src/core/gpt2/rowScores';

const case_ = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), vocab: fc.integer({ min: 1, max: 40 }) })
  .chain(({ rows, vocab }) => {
    const logits = fc.array(fc.float({ min: -30, max: 30, noNaN: true, noDefaultInfinity: true }), {
      minLength: rows * vocab,
      maxLength: rows * vocab,
    });
    return fc.record({
      vocab: fc.constant(vocab),
      tokens: fc.array(fc.nat(vocab - 1), { minLength: rows, maxLength: rows }),
      logits,
      reference: logits,
    });
  });

describe('scores a row at a time', () => {
  it('match the [T, V] log-probabilities’ scores and agreement bit for bit', () => {
    fc.assert(
      fc.property(case_, ({ vocab, tokens, logits, reference }) => {
        const rows = tokens.length;
        const x = Float32Array.from(logits);
        const ref = Float32Array.from(reference);
        const got = scoreLogitsByRow(x, tokens, vocab, ref);
        const logProbs = logSoftmaxRows(x, rows, vocab);
        expect(got.score).toEqual(scoreTokens(logProbs, tokens, vocab));
        expect(got.agreement).toEqual(
          compareDistributions(logSoftmaxRows(ref, rows, vocab), logProbs, rows, vocab),
        );
        expect(scoreLogitsByRow(x, tokens, vocab, null)).toEqual({ score: got.score, agreement: null });
      }),
      { numRuns: 200 },
    );
  });
});
