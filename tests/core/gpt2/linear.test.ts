import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geluTanh, layerNormInto } from '../../../src/core/gpt2/forward';
import { linearInto } from '../../../src/core/gpt2/linear';

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
          let s = seed;
          const rand = () => {
            s = (s * 1103515245 + 12345) % 2147483648;
            return s / 2147483648 - 0.5;
          };
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
