/**
 * MatmulKernel.linearRows: a quantized weight's compact codes multiplied a panel of rows at a time (read into the
 * kernel's scratch, where the tokens pass over it in cache), against dequantizing the whole weight first and
 * multiplying that (`linear`, and the TypeScript twin matmulJs): the same bits, on odd shapes, across panel and
 * token-chunk boundaries, with and without a bias, NaN and ±Infinity inputs, codes in the kernel's arena or not,
 * on the WebAssembly kernel and on the twin that runs without WebAssembly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompactTensor, compactOf, isCompact } from '../../../src/core/gpt2/compactTensor';
import { matmulJs } from '../../../src/core/gpt2/matmulJs';
import { quantize } from '../../../src/core/quantView';
import type { Scheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import {
  createMatmulKernel,
  type MatmulKernel,
  OUT_CHUNK,
  panelRows,
  TOKEN_CHUNK,
} from '../../../src/core/wasm/matmulKernel';
import { granularityUpTo, readAll } from './compactArbitraries';

const kernel = createMatmulKernel(8 << 20);

/** The TypeScript twin (made while WebAssembly is hidden). */
function twin(): MatmulKernel {
  const saved = globalThis.WebAssembly;
  (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
  try {
    return createMatmulKernel(1 << 20);
  } finally {
    globalThis.WebAssembly = saved;
  }
}
const js = twin();

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

/** Float32 bit patterns (a NaN compared by its bits too: both paths compute it from the same operands). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
/** Numbers, NaN equal to NaN (for the twin, whose NaN payloads may differ from WebAssembly's). */
const values = (a: Float32Array) => Array.from(a);

const granularity = granularityUpTo(40);

const scheme: fc.Arbitrary<Scheme> = fc.oneof(
  fc.record({
    kind: fc.constant('integer' as const),
    method: fc.constantFrom('absmax' as const, 'zeroPoint' as const),
    bits: fc.integer({ min: 2, max: 8 }),
    granularity,
    rounding: fc.constant({ kind: 'halfEven' } as const),
    clipping: fc.constant({ kind: 'none' } as const),
  }),
  // Table forms: the engine's value of each code, per group.
  fc.constantFrom<Scheme>(
    { kind: 'float', format: 'e5m2', scaling: 'none', groupSize: 32, saturate: true },
    { kind: 'float', format: 'e2m1', scaling: 'row', groupSize: 32, saturate: true },
    { kind: 'ternary' },
  ),
);

/** A weight [outDim, inDim] quantized by the engine, in its compact form (codes in `on`'s arena if it has one). */
function compactWeight(
  s: Scheme,
  outDim: number,
  inDim: number,
  seed: number,
  on: MatmulKernel | undefined,
): CompactTensor | null {
  const rand = lcg(seed);
  const w = Float32Array.from({ length: outDim * inDim }, () => rand() * 0.2);
  const result = quantize(createTensor(outDim, inDim, w), s);
  const form = compactOf(s, result, outDim, inDim, 64 * w.byteLength + 1e6, on);
  return isCompact(form) ? form : null;
}

function inputs(rows: number, inDim: number, outDim: number, seed: number, special: boolean) {
  const rand = lcg(seed + 1);
  const x = Float32Array.from({ length: rows * inDim }, rand);
  const bias = Float32Array.from({ length: outDim }, rand);
  if (special) {
    const pick = (n: number) => Math.floor((rand() + 0.5) * n) % n;
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0])
      x[pick(x.length)] = v;
  }
  return { x, bias };
}

describe('linearRows (a compact weight multiplied a panel at a time)', () => {
  it('panels are multiples of 4 rows, within the kernel’s output chunk and 256 KiB', () => {
    for (const inDim of [1, 7, 768, 3001, 3072, 8192, 20000]) {
      const p = panelRows(inDim);
      expect(p % 4).toBe(0);
      expect(p).toBeLessThanOrEqual(OUT_CHUNK);
      if (inDim <= 16384) expect(p * inDim).toBeLessThanOrEqual(65536);
    }
    expect(panelRows(768)).toBe(84);
    expect(panelRows(3072)).toBe(20);
  });

  it('gives the bits of dequantizing the whole weight first, then multiplying, on odd shapes', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        scheme,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 45 }),
        fc.integer({ min: 1, max: 2 * OUT_CHUNK + 9 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (s, rows, inDim, outDim, withBias, special, inArena, seed) => {
          const w = compactWeight(s, outDim, inDim, seed, inArena ? kernel : undefined);
          if (!w) return;
          const { x, bias } = inputs(rows, inDim, outDim, seed, special);
          const b = withBias ? bias : null;
          const whole = readAll(w);
          const want = new Float32Array(rows * outDim);
          kernel.linear(x, rows, inDim, whole, outDim, b, want);
          const got = new Float32Array(rows * outDim).fill(7);
          kernel.linearRows(x, rows, inDim, w, b, got);
          expect(bits(got)).toEqual(bits(want));
          // The twin: the same numbers (NaN where NaN is).
          const twinGot = new Float32Array(rows * outDim).fill(7);
          js.linearRows(x, rows, inDim, w, b, twinGot);
          const twinWant = new Float32Array(rows * outDim);
          matmulJs(x, rows, inDim, whole, outDim, b, twinWant);
          expect(values(twinGot)).toEqual(values(twinWant));
          expect(values(twinGot)).toEqual(values(got));
          w.dispose();
          compared++;
        },
      ),
      { numRuns: 200 },
    );
    expect(compared).toBeGreaterThan(100); // most draws have a compact form (a few are over its byte budget)
  });

  it('crosses token chunks and small panels (wide inputs), and writes only its columns of a wider output', () => {
    const s: Scheme = {
      kind: 'integer',
      method: 'zeroPoint',
      bits: 8,
      granularity: { kind: 'tensor' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    } as Scheme;
    for (const [rows, inDim, outDim] of [
      [TOKEN_CHUNK + 3, 19, OUT_CHUNK + 5],
      [3, 3001, 45],
      [1, 3072, 23],
    ]) {
      const w = compactWeight(s, outDim, inDim, rows + inDim, kernel);
      expect(w).not.toBeNull();
      if (!w) continue;
      const { x, bias } = inputs(rows, inDim, outDim, 5, true);
      // A bias in the kernel's memory (a quantized model's) and one outside it.
      const held = kernel.allocate(outDim);
      held?.set(bias);
      for (const b of [bias, held]) {
        const want = new Float32Array(rows * outDim);
        kernel.linear(x, rows, inDim, readAll(w), outDim, b, want);
        const width = outDim + 9;
        const got = new Float32Array(rows * width).fill(-3);
        kernel.linearRows(x, rows, inDim, w, b, got, width, 4);
        for (let t = 0; t < rows; t++) {
          expect(bits(got.subarray(t * width + 4, t * width + 4 + outDim))).toEqual(
            bits(want.subarray(t * outDim, (t + 1) * outDim)),
          );
          for (let c = 0; c < 4; c++) expect(got[t * width + c]).toBe(-3);
          for (let c = 4 + outDim; c < width; c++) expect(got[t * width + c]).toBe(-3);
        }
      }
      if (held) kernel.free(held);
      w.dispose();
    }
  });
});
