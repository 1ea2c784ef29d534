/**
 * The GPT-2 matrix-product kernel (WebAssembly SIMD, src/kernels/matmul.as.ts, host matmulKernel.ts) against its
 * TypeScript twin (matmulJs.ts) and a plain reference of the documented summation order: the same bits on random
 * shapes (odd sizes, not multiples of the 4-lane vectors, the 4 × 2 register block or the token / row chunks), for
 * weights copied in by chunks and weights in the kernel's arena, with NaN and ±Infinity; the twin near the float64
 * product; the dequantizing loops against the engine's dequantizeCode; and the committed module is what the source
 * compiles to. No timing here (bench/gpt2.ts).
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { matmulJs } from '../../../src/core/gpt2/matmulJs';
import { dequantizeCode } from '../../../src/core/integer';
import { MATMUL_KERNEL_BASE64, MATMUL_KERNEL_SHARED_BASE64 } from '../../../src/core/wasm/matmul.wasm';
import {
  createMatmulKernel,
  type MatmulKernel,
  OUT_CHUNK,
  TOKEN_CHUNK,
} from '../../../src/core/wasm/matmulKernel';
import { decodeBase64 } from '../../../src/core/wasm/wasmModule';
import { compileKernel, KERNELS, type KernelBuild, moduleText } from '../../../src/kernels/build.mjs';

const kernel = createMatmulKernel(8 << 20);

/** A seeded stream of values in [−0.5, 0.5). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

const f = Math.fround;

/** The documented order, written plainly: four float32 lanes, a float32 tail, float64 across them and the bias. */
function reference(
  x: Float32Array,
  rows: number,
  inDim: number,
  w: Float32Array,
  outDim: number,
  bias: Float32Array | null,
): Float32Array {
  const out = new Float32Array(rows * outDim);
  const in4 = inDim - (inDim % 4);
  for (let t = 0; t < rows; t++) {
    for (let o = 0; o < outDim; o++) {
      const lanes = [0, 0, 0, 0];
      for (let i = 0; i < in4; i++) lanes[i % 4] = f(lanes[i % 4] + f(x[t * inDim + i] * w[o * inDim + i]));
      let tail = 0;
      for (let i = in4; i < inDim; i++) tail = f(tail + f(x[t * inDim + i] * w[o * inDim + i]));
      out[t * outDim + o] = lanes[0] + lanes[1] + (lanes[2] + lanes[3]) + tail + (bias ? bias[o] : 0);
    }
  }
  return out;
}

/** Numbers, NaN equal to NaN (a NaN's payload may differ between the paths; the tests ask for NaN where NaN is). */
const values = (a: Float32Array) => Array.from(a);

function operands(rows: number, inDim: number, outDim: number, seed: number, special: boolean) {
  const rand = lcg(seed);
  const x = Float32Array.from({ length: rows * inDim }, rand);
  const w = Float32Array.from({ length: outDim * inDim }, rand);
  const bias = Float32Array.from({ length: outDim }, rand);
  if (special) {
    const pick = (n: number) => Math.floor((rand() + 0.5) * n) % n;
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]) {
      x[pick(x.length)] = v;
      w[pick(w.length)] = v;
    }
  }
  return { x, w, bias };
}

describe('the GPT-2 matmul kernel', () => {
  it('runs WebAssembly SIMD here (Node has it), with an arena', () => {
    expect(kernel.wasm).toBe(true);
    expect(kernel.arenaFree()).toBeGreaterThanOrEqual(8 << 20);
  });

  it('matmulJs follows the documented summation order, and stays near the float64 product', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 11 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, inDim, outDim, withBias, seed) => {
          const { x, w, bias } = operands(rows, inDim, outDim, seed, false);
          const b = withBias ? bias : null;
          const out = new Float32Array(rows * outDim);
          matmulJs(x, rows, inDim, w, outDim, b, out);
          expect(values(out)).toEqual(values(reference(x, rows, inDim, w, outDim, b)));
          for (let t = 0; t < rows; t++) {
            for (let o = 0; o < outDim; o++) {
              let acc = b ? b[o] : 0;
              let size = Math.abs(acc);
              for (let i = 0; i < inDim; i++) {
                acc += x[t * inDim + i] * w[o * inDim + i];
                size += Math.abs(x[t * inDim + i] * w[o * inDim + i]);
              }
              expect(Math.abs(out[t * outDim + o] - acc)).toBeLessThanOrEqual(
                size * inDim * 2 ** -23 + 1e-30,
              );
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives the twin’s bits on odd shapes, weights copied in or in its arena, with NaN and ±Infinity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 45 }),
        fc.integer({ min: 1, max: 21 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, inDim, outDim, withBias, special, inArena, seed) => {
          const { x, w, bias } = operands(rows, inDim, outDim, seed, special);
          const b = withBias ? bias : null;
          const want = new Float32Array(rows * outDim);
          matmulJs(x, rows, inDim, w, outDim, b, want);
          let weight: Float32Array = w;
          let held: Float32Array | null = null;
          if (inArena) {
            held = kernel.allocate(w.length);
            expect(held).not.toBeNull();
            held?.set(w);
            weight = held ?? w;
            expect(kernel.owns(weight)).toBe(true);
          }
          const got = new Float32Array(rows * outDim).fill(7);
          kernel.linear(x, rows, inDim, weight, outDim, b, got);
          if (held) kernel.free(held);
          expect(values(got)).toEqual(values(want));
          if (!special) expect(values(got)).toEqual(values(reference(x, rows, inDim, w, outDim, b)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits tokens and weight rows into chunks without changing a bit, and writes only its columns of a wider output', () => {
    const rows = TOKEN_CHUNK + 3;
    const inDim = 19;
    const outDim = OUT_CHUNK + 5;
    const { x, w, bias } = operands(rows, inDim, outDim, 42, true);
    const want = new Float32Array(rows * outDim);
    matmulJs(x, rows, inDim, w, outDim, bias, want);
    const width = outDim + 9;
    const got = new Float32Array(rows * width).fill(-3);
    kernel.linear(x, rows, inDim, w, outDim, bias, got, width, 4);
    for (let t = 0; t < rows; t++) {
      expect(values(got.subarray(t * width + 4, t * width + 4 + outDim))).toEqual(
        values(want.subarray(t * outDim, (t + 1) * outDim)),
      );
      for (let c = 0; c < 4; c++) expect(got[t * width + c]).toBe(-3);
      for (let c = 4 + outDim; c < width; c++) expect(got[t * width + c]).toBe(-3);
    }
  });

  it('reuses a freed arena block for the next allocation of that size, and refuses what does not fit', () => {
    const small = createMatmulKernel(1 << 16);
    const a = small.allocate(1000);
    expect(a).not.toBeNull();
    const free = small.arenaFree();
    if (a) small.free(a);
    const b = small.allocate(1000);
    expect(b?.byteOffset).toBe(a?.byteOffset);
    expect(small.arenaFree()).toBe(free);
    expect(small.allocate(1 << 20)).toBeNull();
    expect(small.owns(new Float32Array(4))).toBe(false);
  });

  it('dequantizes codes as the engine’s dequantizeCode (affine) and through a table, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: -300, max: 300 }),
        fc.float({ min: Math.fround(1e-6), max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (n, offset, step, seed) => {
          const rand = lcg(seed);
          const codes = kernel.allocateBytes(n + 3);
          const out = kernel.allocate(n + 5);
          expect(codes && out).toBeTruthy();
          if (!codes || !out) return;
          for (let i = 0; i < codes.length; i++) codes[i] = Math.floor((rand() + 0.5) * 256);
          // base − zero point: code + base is the engine's code, zero its zero point
          expect(kernel.dequantAffine(codes, 3, n, offset, step, out, 0)).toBe(true);
          for (let i = 0; i < n; i++)
            expect(Object.is(out[i], dequantizeCode(codes[3 + i] + offset, step, 0))).toBe(true);
          const table = Float32Array.from({ length: 256 }, rand);
          expect(kernel.dequantTable(codes, 0, n, table, out, 5)).toBe(true);
          for (let i = 0; i < n; i++) expect(out[5 + i]).toBe(table[codes[i]]);
          // Not in its memory, or a zero point that is not an integer: the caller's TypeScript loop runs.
          expect(kernel.dequantAffine(codes, 0, n, 0.5, step, out, 0)).toBe(false);
          expect(kernel.dequantTable(new Uint8Array(n), 0, n, table, out, 0)).toBe(false);
          kernel.free(codes);
          kernel.free(out);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('finds the range of int16 codes and packs them to bytes above the smallest, as the plain loops do', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: -32768, max: 32767 - 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 1e6 }),
        (n, base, span, seed) => {
          const rand = lcg(seed);
          const codes = Int16Array.from({ length: n }, () => base + Math.floor((rand() + 0.5) * (span + 1)));
          let lo = 32767;
          let hi = -32768;
          for (const c of codes) {
            lo = Math.min(lo, c);
            hi = Math.max(hi, c);
          }
          expect(kernel.codeRange(codes, n)).toEqual([lo, hi]);
          const out = kernel.allocateBytes(n);
          expect(out).not.toBeNull();
          if (!out) return;
          expect(kernel.packCodes(codes, n, lo, out)).toBe(true);
          expect(Array.from(out)).toEqual(Array.from(codes, (c) => c - lo));
          expect(kernel.packCodes(codes, n, lo, new Uint8Array(n))).toBe(false);
          kernel.free(out);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the committed module is what src/kernels/matmul.as.ts compiles to (run `npm run build:wasm` if not)', async () => {
    const build = (KERNELS as Record<string, KernelBuild>).matmul;
    const bytes = await compileKernel(build);
    expect(Array.from(decodeBase64(MATMUL_KERNEL_BASE64))).toEqual(Array.from(bytes));
    const shared = await compileKernel(build, { shared: true });
    expect(Array.from(decodeBase64(MATMUL_KERNEL_SHARED_BASE64))).toEqual(Array.from(shared));
    expect(await readFile(build.output, 'utf8')).toBe(moduleText(bytes, build, shared));
  }, 60_000);
});

describe('without WebAssembly', () => {
  const saved = globalThis.WebAssembly;
  afterEach(() => {
    globalThis.WebAssembly = saved;
  });

  it('falls back to the TypeScript twin, with no arena, giving the same bits', () => {
    (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
    const js: MatmulKernel = createMatmulKernel(1 << 20);
    globalThis.WebAssembly = saved;
    expect(js.wasm).toBe(false);
    expect(js.allocate(16)).toBeNull();
    const { x, w, bias } = operands(5, 23, 9, 7, true);
    const a = new Float32Array(45);
    const b = new Float32Array(45);
    js.linear(x, 5, 23, w, 9, bias, a);
    kernel.linear(x, 5, 23, w, 9, bias, b);
    expect(values(a)).toEqual(values(b));
  });
});
