import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quantizeFormatInto } from '../../../src/core/formats';
import { nearestInt, roundToFp16 } from '../../../src/core/formats/ggmlCommon';
import type { BlockFormatId } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { createKernelBuffers, floatKernelOf } from '../../../src/core/wasm/fusedKernel';
import { kquantKernelAvailable } from '../../../src/core/wasm/kquantKernel';

interface GgmlFixture {
  inputs: Record<string, { rows: number; cols: number; values: number[] }>;
  cases: { format: BlockFormatId; shape: string; codes: number[]; dequantized: number[] }[];
}

const fixture: GgmlFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/formats/ggml_fixtures.json', import.meta.url)), 'utf8'),
);

/** `onKernel`: through the WebAssembly kernel's buffers and encoder (finite inputs only), as the engine does. */
function run(format: BlockFormatId, rows: number, cols: number, values: ArrayLike<number>, onKernel = false) {
  const t = createTensor(rows, cols, Float32Array.from(values));
  const buffers = onKernel ? createKernelBuffers(t.data) : null;
  const out = buffers
    ? { codes: buffers.codes, dequantized: buffers.dequantized, kernel: floatKernelOf(buffers) }
    : { codes: new Int16Array(rows * cols), dequantized: new Float32Array(rows * cols) };
  const result = quantizeFormatInto(t, { kind: 'block', format }, out);
  return { codes: out.codes, dequantized: out.dequantized, result };
}

describe('GGUF quantizers against the NumPy port of quantize_row_*_ref (make_ggml_fixtures.py)', () => {
  for (const c of fixture.cases) {
    it(`${c.format} on the ${c.shape} rows: every code and dequantized value agrees`, () => {
      const input = fixture.inputs[c.shape];
      const { codes, dequantized } = run(c.format, input.rows, input.cols, input.values);
      expect(Array.from(codes)).toEqual(c.codes);
      // Bit-exact (signs of zeros included): the fixture holds float32 values as exact JSON doubles.
      expect(Array.from(dequantized)).toEqual(c.dequantized);
    });
    const input = fixture.inputs[c.shape];
    if (input.values.every(Number.isFinite))
      it(`${c.format} on the ${c.shape} rows, on the WebAssembly kernel: the same codes and values`, () => {
        // Q4_K / Q6_K take their own kernel (src/kernels/kquantKernel.as.ts) when the engine's is given
        if (c.format === 'q4_k' || c.format === 'q6_k') expect(kquantKernelAvailable()).toBe(true);
        const { codes, dequantized } = run(c.format, input.rows, input.cols, input.values, true);
        expect(Array.from(codes)).toEqual(c.codes);
        expect(Array.from(dequantized)).toEqual(c.dequantized);
      });
  }
});

describe('GGUF hand-computed cases', () => {
  it('Q8_0 rounds ties away from zero (roundf) and stores d in FP16', () => {
    // amax 127 -> d = 1, so x * id = x exactly: 2.5 -> 3, -2.5 -> -3, 0.5 -> 1.
    const values = new Array(32).fill(0);
    values[0] = 127;
    values[1] = 2.5;
    values[2] = -2.5;
    values[3] = 0.5;
    const { codes, dequantized, result } = run('q8_0', 1, 32, values);
    expect(Array.from(codes.slice(0, 5))).toEqual([127, 3, -3, 1, 0]);
    expect(result.scale[0]).toBe(1);
    expect(dequantized[1]).toBe(3);
    expect(result.bitsPerWeight).toBe(8.5);
  });

  it('Q4_0 picks the signed value of largest magnitude, first one winning, and d = max / -8', () => {
    // -4 comes before +4: max = -4, d = 0.5, id = 2; x = 4 -> 4 * 2 + 8.5 = 16.5 -> (int8) 16 -> MIN(15) = 15.
    const values = new Array(32).fill(0);
    values[0] = -4;
    values[1] = 4;
    values[2] = 1.25; // 2.5 + 8.5 = 11 -> 11 -> x_hat = 3 * 0.5 = 1.5
    const { codes, dequantized, result } = run('q4_0', 1, 32, values);
    expect(result.scale[0]).toBe(0.5);
    expect(result.zeroPoint[0]).toBe(8);
    expect(Array.from(codes.slice(0, 4))).toEqual([0, 15, 11, 8]);
    expect(Array.from(dequantized.slice(0, 4))).toEqual([-4, 3.5, 1.5, 0]);
    // The positive side clips at 7 * 0.5: [lo, hi] = [-4, 3.5].
    expect([result.lo[0], result.hi[0]]).toEqual([-4, 3.5]);
    expect(result.bitsPerWeight).toBe(4.5);
  });

  it('Q4_0 with the largest magnitude positive has a negative d', () => {
    const values = new Array(32).fill(0);
    values[0] = 8; // d = 8 / -8 = -1
    const { codes, dequantized, result } = run('q4_0', 1, 32, values);
    expect(result.scale[0]).toBe(-1);
    expect(codes[0]).toBe(0); // 8 * -1 + 8.5 = 0.5 -> 0
    expect(dequantized[0]).toBe(8); // (0 - 8) * -1
  });

  it('Q4_1 maps min to code 0 and max to code 15', () => {
    const values = Array.from({ length: 32 }, (_, i) => i); // min 0, max 31: d = 31 / 15
    const { codes, result } = run('q4_1', 1, 32, values);
    expect(codes[0]).toBe(0);
    expect(codes[31]).toBe(15);
    expect(result.lo[0]).toBe(0);
    expect(result.bitsPerWeight).toBe(5);
  });

  it('bits per weight of the other GGUF types follow the block sizes of ggml-common.h', () => {
    const values = Array.from({ length: 256 }, (_, i) => Math.sin(i));
    expect(run('q5_0', 1, 256, values).result.bitsPerWeight).toBe(5.5);
    expect(run('q5_1', 1, 256, values).result.bitsPerWeight).toBe(6);
    expect(run('q4_k', 1, 256, values).result.bitsPerWeight).toBe(4.5);
    expect(run('q6_k', 1, 256, values).result.bitsPerWeight).toBe(6.5625);
  });

  it('nearest_int rounds half to even like the 1.5 * 2^23 trick', () => {
    expect([nearestInt(0.5), nearestInt(1.5), nearestInt(2.5), nearestInt(-0.5), nearestInt(-1.5)]).toEqual([
      0, 2, 2, 0, -2,
    ]);
  });

  it('FP16 rounding of d is round-half-even with overflow to Inf', () => {
    expect(roundToFp16(1 + 2 ** -11)).toBe(1); // tie -> even mantissa
    expect(roundToFp16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundToFp16(65520)).toBe(Number.POSITIVE_INFINITY);
  });

  it('a non-finite input is left out of its block and dequantizes to NaN with code -1', () => {
    const values = new Array(32).fill(1);
    values[3] = Number.NaN;
    values[4] = Number.POSITIVE_INFINITY;
    const { codes, dequantized, result } = run('q8_0', 1, 32, values);
    expect(codes[3]).toBe(-1);
    expect(Number.isNaN(dequantized[4])).toBe(true);
    expect(result.scale[0]).toBe(roundToFp16(1 / 127));
    expect(dequantized[0]).toBe(Math.fround(127 * roundToFp16(1 / 127)));
  });
});
