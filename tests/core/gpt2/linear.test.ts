import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RowSource } from '../../../src/core/gpt2/compactTensor';
import { geluTanh, HEAD_SLICE_ROWS, headInto, layerNormInto } from '../../../src/core/gpt2/forward';
import { linearInto } from '../../../src/core/gpt2/linear';
import { matmulJs } from '../../../src/core/gpt2/matmulJs';

/** A seeded stream of values in [−0.5, 0.5) (a linear congruential generator: the same values on every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

describe('GPT-2 building blocks', () => {
  it('linearInto equals the textbook triple loop (float64 sums rounded once) for any shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 11 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, inDim, outDim, withBias, seed) => {
          const rand = lcg(seed);
          const x = Float32Array.from({ length: rows * inDim }, rand);
          const w = Float32Array.from({ length: outDim * inDim }, rand);
          const b = withBias ? Float32Array.from({ length: outDim }, rand) : null;
          const out = new Float32Array(rows * outDim);
          linearInto(x, rows, inDim, w, outDim, b, out);
          for (let t = 0; t < rows; t++) {
            for (let o = 0; o < outDim; o++) {
              let acc = 0;
              for (let i = 0; i < inDim; i++) acc += x[t * inDim + i] * w[o * inDim + i];
              expect(out[t * outDim + o]).toBe(Math.fround(acc + (b ? b[o] : 0)));
            }
          }
        },
      ),
    );
  });

  it('linearInto on a slice of W’s rows writes the float64 product into those columns of a wider output, and only those', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 23 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, inDim, width, a, b, withBias, seed) => {
          const rand = lcg(seed);
          const x = Float32Array.from({ length: rows * inDim }, rand);
          const w = Float32Array.from({ length: width * inDim }, rand);
          const bias = withBias ? Float32Array.from({ length: width }, rand) : null;
          // Output columns [o0, o1) of a `width`-wide output, from rows o0 … o1 − 1 of W.
          const o0 = a % width;
          const o1 = o0 + 1 + (b % (width - o0));
          const out = new Float32Array(rows * width).fill(Number.NaN);
          linearInto(
            x,
            rows,
            inDim,
            w.slice(o0 * inDim, o1 * inDim),
            o1 - o0,
            bias ? bias.slice(o0, o1) : null,
            out,
            width,
            o0,
          );
          for (let t = 0; t < rows; t++) {
            for (let o = 0; o < width; o++) {
              const got = out[t * width + o];
              if (o < o0 || o >= o1) {
                expect(got, `row ${t} column ${o} is outside the slice`).toBeNaN();
                continue;
              }
              let acc = 0;
              for (let i = 0; i < inDim; i++) acc += x[t * inDim + i] * w[o * inDim + i];
              expect(got).toBe(Math.fround(acc + (bias ? bias[o] : 0)));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the head read from wte a slice of rows at a time gives the bits of the whole product x·wteᵀ, reading each row once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 * HEAD_SLICE_ROWS + 5 }),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, d, vocab, seed) => {
          const rand = lcg(seed);
          const x = Float32Array.from({ length: rows * d }, rand);
          const wte = Float32Array.from({ length: vocab * d }, rand);
          const reads: Array<[number, number]> = [];
          const byRows: RowSource = {
            rows: vocab,
            cols: d,
            readRows(r0, r1, out) {
              reads.push([r0, r1]);
              out.set(wte.subarray(r0 * d, r1 * d));
              // What a slice longer than asked for would leave behind: a wrong product, not an old one.
              out.fill(Number.NaN, (r1 - r0) * d);
            },
          };
          const logits = new Float32Array(rows * vocab).fill(Number.NaN);
          headInto(x, rows, d, byRows, vocab, logits);
          const whole = new Float32Array(rows * vocab);
          matmulJs(x, rows, d, wte, vocab, null, whole);
          expect(Array.from(logits)).toEqual(Array.from(whole));
          // Consecutive slices of at most HEAD_SLICE_ROWS rows covering the vocabulary once.
          let next = 0;
          for (const [r0, r1] of reads) {
            expect(r0).toBe(next);
            expect(r1 - r0).toBeGreaterThan(0);
            expect(r1 - r0).toBeLessThanOrEqual(HEAD_SLICE_ROWS);
            next = r1;
          }
          expect(next).toBe(vocab);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('GELU (tanh) at hand-computed points', () => {
    expect(geluTanh(0)).toBe(0);
    // 0.5·1·(1 + tanh(0.7978845608·1.044715)) = 0.5·(1 + tanh(0.8335565)) = 0.8411920
    expect(geluTanh(1)).toBeCloseTo(0.841192, 6);
    expect(geluTanh(-1)).toBeCloseTo(-0.158808, 6);
    expect(geluTanh(10)).toBeCloseTo(10, 9);
  });

  it('LayerNorm of [1, 2, 3, 4] (mean 2.5, biased variance 1.25) with gain 2 and bias 1', () => {
    const out = new Float32Array(4);
    layerNormInto(
      Float32Array.of(1, 2, 3, 4),
      1,
      4,
      Float32Array.of(2, 2, 2, 2),
      Float32Array.of(1, 1, 1, 1),
      0,
      out,
    );
    const inv = 1 / Math.sqrt(1.25);
    expect(Array.from(out)).toEqual([-1.5, -0.5, 0.5, 1.5].map((c) => Math.fround(c * inv * 2 + 1)));
  });
});
