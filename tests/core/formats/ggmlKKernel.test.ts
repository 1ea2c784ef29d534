/**
 * The k-quant WebAssembly SIMD kernel (src/kernels/kquantKernel.as.ts) against ggmlK.ts's JS search, which is the
 * reference (itself checked against llama.cpp's NumPy port in ggml.test.ts): for Q4_K and Q6_K, the same codes,
 * the same dequantized bits (sign of zero included) and the same sub-block parameters, on random tensors with
 * ties, zeros, all-equal and negative-only blocks, tiny (subnormal) and huge magnitudes, NaN / Inf, and widths
 * that are not multiples of 256.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundToFp16 } from '../../../src/core/formats/ggmlCommon';
import { type GgmlKId, quantizeGgmlK } from '../../../src/core/formats/ggmlK';
import { createTensor } from '../../../src/core/tensor';
import { createKernelBuffers, floatKernelOf } from '../../../src/core/wasm/fusedKernel';
import { kernelRoundToFp16, kquantKernelAvailable } from '../../../src/core/wasm/kquantKernel';

/**
 * Bit patterns, so that -0 and +0 differ. Every NaN counts as one: neither JS nor WebAssembly specifies a NaN's
 * sign or payload (x86 makes Inf * 0 negative, V8 may or may not keep it), only that it is NaN.
 */
const bits = (a: Float32Array) =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (b, i) =>
    Number.isNaN(a[i]) ? 0x7fc00000 : b,
  );

function quantize(id: GgmlKId, rows: number, cols: number, data: Float32Array, onKernel: boolean) {
  const out = { codes: new Int16Array(rows * cols), dequantized: new Float32Array(rows * cols) };
  const result = quantizeGgmlK(createTensor(rows, cols, data), id, out, onKernel);
  return { ...out, result };
}

function expectSameAsJs(id: GgmlKId, rows: number, cols: number, data: Float32Array): void {
  const js = quantize(id, rows, cols, data, false);
  const wasm = quantize(id, rows, cols, data, true);
  expect(Array.from(wasm.codes)).toEqual(Array.from(js.codes));
  expect(bits(wasm.dequantized)).toEqual(bits(js.dequantized));
  expect(bits(wasm.result.scale)).toEqual(bits(js.result.scale));
  expect(Array.from(wasm.result.zeroPoint)).toEqual(Array.from(js.result.zeroPoint));
  expect(bits(wasm.result.lo)).toEqual(bits(js.result.lo));
  expect(bits(wasm.result.hi)).toEqual(bits(js.result.hi));
  // the offsets (Q4_K's -dmin * m) are seen through the levels
  for (const g of [0, js.result.scale.length - 1]) {
    expect(bits(wasm.result.levelsOf(g))).toEqual(bits(js.result.levelsOf(g)));
  }
}

const f = Math.fround;

/** One value of a tensor of the given kind. */
function valueArb(kind: string): fc.Arbitrary<number> {
  switch (kind) {
    case 'ties':
      // few distinct values: equal codes, equal candidates, exact halves
      return fc.integer({ min: -4, max: 4 }).map((v) => v / 2);
    case 'negative':
      return fc.float({ min: -8, max: f(-1e-3), noNaN: true });
    case 'tiny':
      // subnormals and the smallest normals: scales overflow to Inf, x * iscale is NaN
      return fc.integer({ min: -5000, max: 5000 }).map((v) => f(v * 2 ** -149));
    case 'band':
      // max - min near 4.5e-38: 15 / (max - min) is finite but 16 / (max - min) overflows, so some of
      // make_qkx2_quants's candidates (not the first codes) meet Inf * 0 = NaN codes, stored as 0
      return fc.integer({ min: 0, max: 1000 }).map((v) => f(v * 4.5e-41));
    case 'huge':
      return fc.float({ min: f(-3e38), max: f(3e38), noNaN: true, noDefaultInfinity: true });
    case 'any':
      return fc.float();
    case 'sparse':
      return fc.oneof(
        { arbitrary: fc.constantFrom(0, -0), weight: 6 },
        { arbitrary: fc.float({ min: -2, max: 2, noNaN: true }), weight: 1 },
      );
    default:
      return fc.float({ min: -4, max: 4, noNaN: true });
  }
}

const tensorArb = fc
  .record({
    id: fc.constantFrom<GgmlKId>('q4_k', 'q6_k'),
    rows: fc.integer({ min: 1, max: 3 }),
    cols: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constantFrom(256, 512)),
    kind: fc.constantFrom('normal', 'ties', 'negative', 'tiny', 'band', 'huge', 'any', 'sparse'),
    // all-equal runs of 16 (one Q6_K sub-block, half a Q4_K one) or 32 (one Q4_K sub-block)
    runs: fc.constantFrom(0, 16, 32),
    seed: fc.integer(),
  })
  .chain((p) =>
    fc.array(valueArb(p.kind), { minLength: p.rows * p.cols, maxLength: p.rows * p.cols }).map((values) => {
      const data = Float32Array.from(values);
      if (p.runs > 0) for (let i = 0; i < data.length; i++) data[i] = data[i - (i % p.runs)];
      return { ...p, data };
    }),
  );

describe('the k-quant WebAssembly kernel', () => {
  it('runs here (Node 20 has WebAssembly SIMD), so the parity tests below exercise it', () => {
    expect(kquantKernelAvailable()).toBe(true);
  });

  it('rounds to FP16 as ggmlCommon.ts roundToFp16 does', () => {
    const word = new Uint32Array(1);
    const value = new Float32Array(word.buffer);
    const check = (x: number) => {
      expect(bits(new Float32Array([kernelRoundToFp16(x)]))).toEqual(
        bits(new Float32Array([roundToFp16(x)])),
      );
    };
    // ties, the overflow threshold, subnormal ties and both zeros
    for (const x of [0, -0, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 65519.99, 65520, 2 ** -25, 3 * 2 ** -25]) {
      check(x);
      check(-x);
    }
    check(Number.POSITIVE_INFINITY);
    check(Number.NaN);
    let state = 12345;
    for (let i = 0; i < 20000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) | 0;
      word[0] = state;
      check(value[0]);
    }
  });

  it('gives the JS search’s codes, values and block parameters on random tensors', () => {
    fc.assert(
      fc.property(tensorArb, ({ id, rows, cols, data }) => expectSameAsJs(id, rows, cols, data)),
      { numRuns: 300 },
    );
  });

  it('gives the same bits across chunks of rows (a tensor larger than one chunk of kernel memory)', () => {
    const rows = 300;
    const cols = 300;
    let state = 99;
    const data = new Float32Array(rows * cols).map(() => {
      state = (Math.imul(state, 1103515245) + 12345) | 0;
      return (state / 2 ** 31) * (state & 1 ? 0.05 : 3);
    });
    expectSameAsJs('q4_k', rows, cols, data);
    expectSameAsJs('q6_k', rows, cols, data);
  });

  it('in place on the fused kernel’s memory (no copies): the same bits across batches of rows, and a row too wide for one batch', () => {
    // fusedKernel.ts kquantRows: A and B of a batch of rows pass through MINMAX_GROUPS (65,536) floats, so a
    // Q6_K tensor 1,024 wide runs 1,024 rows per batch; a row of more than 65,536 sub-blocks cannot, and the
    // search then runs on the k-quant kernel's own memory (copies), with the same results.
    const shapes = [
      [1100, 1024],
      [1, 16 * 65_536 + 48],
    ] as const;
    for (const [rows, cols] of shapes) {
      let state: number = rows;
      const data = new Float32Array(rows * cols).map(() => {
        state = (Math.imul(state, 1103515245) + 12345) | 0;
        return (state / 2 ** 31) * (state & 1 ? 0.05 : 3);
      });
      const buffers = createKernelBuffers(data);
      if (!buffers) throw new Error('the fused kernel cannot run here');
      const kernel = floatKernelOf(buffers);
      const t = createTensor(rows, cols, data);
      for (const id of ['q4_k', 'q6_k'] as const) {
        const js = quantize(id, rows, cols, data, false);
        const inPlace = quantizeGgmlK(t, id, {
          codes: buffers.codes,
          dequantized: buffers.dequantized,
          kernel,
        });
        expect(Array.from(buffers.codes)).toEqual(Array.from(js.codes));
        expect(bits(buffers.dequantized)).toEqual(bits(js.dequantized));
        expect(bits(inPlace.scale)).toEqual(bits(js.result.scale));
        expect(bits(inPlace.lo)).toEqual(bits(js.result.lo));
        const last = js.result.scale.length - 1;
        expect(bits(inPlace.levelsOf(last))).toEqual(bits(js.result.levelsOf(last)));
      }
      expect(
        kernel.kquantRows(1, 0, rows, cols, 16, new Float32Array(rows * 4097), new Float32Array(rows * 4097)),
      ).toBe(cols <= 16 * 65_536);
    }
  });

  it('the same bits when later candidates’ scaled values overflow (Inf * 0 = NaN codes)', () => {
    // sub-blocks with min 0 and max 4.5e-38: the first iscale 15 / max is finite, the last ones Inf
    const data = Float32Array.from({ length: 256 }, (_, i) => f(((i * 37) % 101) * 4.5e-40));
    expectSameAsJs('q4_k', 1, 256, data);
  });

  it('the same bits when the sub-blocks side by side in the kernel take different paths (NaN codes or not)', () => {
    // per sub-block of 16 values: ordinary, NaN codes (max - min near 4.5e-38), Inf range (iscale 0),
    // all zero, subnormal (Q6_K "small": Inf iscale), all equal, negative only, ties
    const kinds = [
      (i: number) => Math.sin(i * 1.7) * 3,
      (i: number) => f(((i * 37) % 101) * 4.5e-40),
      (i: number) => (i % 2 ? f(3e38) : f(-3e38)) * Math.cos(i),
      () => 0,
      (i: number) => f(((i * 13) % 7) * 2 ** -149),
      () => 1.25,
      (i: number) => -1 - ((i * 7) % 5) / 3,
      (i: number) => ((i * 5) % 9) / 2 - 2,
    ];
    for (let rot = 0; rot < kinds.length; rot++) {
      const data = Float32Array.from({ length: 512 }, (_, i) =>
        f(kinds[(Math.floor(i / 16) + rot) % kinds.length](i)),
      );
      expectSameAsJs('q4_k', 2, 256, data);
      expectSameAsJs('q6_k', 2, 256, data);
      // pairs of sub-blocks of 16 make the Q4_K sub-blocks of 32 mix two kinds
      const half = Float32Array.from({ length: 512 }, (_, i) =>
        f(kinds[(Math.floor(i / 32) + rot) % kinds.length](i)),
      );
      expectSameAsJs('q4_k', 2, 256, half);
      expectSameAsJs('q6_k', 2, 256, half);
    }
  });

  it('a non-finite input dequantizes to NaN with code -1, and counts as 0 in its block', () => {
    const data = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i));
    data[5] = Number.NaN;
    data[300 % 256] = Number.NEGATIVE_INFINITY;
    for (const id of ['q4_k', 'q6_k'] as const) {
      const { codes, dequantized } = quantize(id, 1, 256, data, true);
      expect(codes[5]).toBe(-1);
      expect(Number.isNaN(dequantized[44])).toBe(true);
      expectSameAsJs(id, 1, 256, data);
    }
  });
});
