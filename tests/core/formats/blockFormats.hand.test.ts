import { describe, expect, it } from 'vitest';
import { describeFormat, type FormatScheme, quantizeFormatInto } from '../../../src/core/formats';
import { encodeFloat } from '../../../src/core/formats/floatFormat';
import { mxSharedExponent } from '../../../src/core/formats/mx';
import { NF4_BOUNDS, NF4_CODE } from '../../../src/core/formats/nf4';
import type { BlockFormatId } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';

function run(scheme: FormatScheme, rows: number, cols: number, values: ArrayLike<number>) {
  const t = createTensor(rows, cols, Float32Array.from(values));
  const out = { codes: new Int16Array(rows * cols), dequantized: new Float32Array(rows * cols) };
  const result = quantizeFormatInto(t, scheme, out);
  return { ...out, result };
}

function block(format: BlockFormatId, values: number[], extra: Partial<FormatScheme> = {}) {
  return run({ kind: 'block', format, ...extra } as FormatScheme, 1, values.length, values);
}

/** A row of `n` values, zero except the given positions. */
function sparse(n: number, entries: Record<number, number>): number[] {
  const row = new Array(n).fill(0);
  for (const [i, v] of Object.entries(entries)) row[Number(i)] = v;
  return row;
}

describe('MX block scale (OCP MX v1.0 §6.3)', () => {
  it('FP4 block with amax 7: X = 2^(2 - 2) = 1 and the 7 is clipped to 6', () => {
    const { dequantized, result } = block('mxfp4', sparse(32, { 0: 7, 1: 2.5, 2: -0.25 }));
    expect(result.scale[0]).toBe(1);
    expect(Array.from(dequantized.slice(0, 3))).toEqual([6, 2, -0]); // 2.5 ties to 2; -0.25 ties to -0
    expect([result.lo[0], result.hi[0]]).toEqual([-6, 6]);
  });

  it('an amax whose element rounds past the largest value saturates (E4M3: 470 -> 448, FP4: 7.9 -> 6)', () => {
    expect(block('mxfp8_e4m3', sparse(32, { 0: 470 })).dequantized[0]).toBe(448);
    expect(block('mxfp4', sparse(32, { 3: -7.9 })).dequantized[3]).toBe(-6);
  });

  it('takes floor(log2(amax)) from the exponent bits, also just below a power of two', () => {
    // amax = 4 (1 - 2^-24): floor(log2) = 1, so X = 2^(1 - 2) = 0.5 and amax / X ~ 8 saturates to 6 -> 3.
    // (float32 log2 would round to 2 and give X = 1, storing 4.)
    const amax = Math.fround(4 * (1 - 2 ** -24));
    const { dequantized, result } = block('mxfp4', sparse(32, { 0: amax }));
    expect(result.scale[0]).toBe(0.5);
    expect(dequantized[0]).toBe(3);
  });

  it('an all-zero block dequantizes to zeros with the smallest E8M0 scale', () => {
    const { dequantized, result } = block('mxfp4', new Array(32).fill(0));
    expect(Array.from(dequantized)).toEqual(new Array(32).fill(0));
    expect(result.scale[0]).toBe(2 ** -127); // -126 - 2 clamped to -127
    expect(mxSharedExponent(0, 'mxint8', false)).toBe(-126);
  });

  it('clamps the exponent at -127 for tiny blocks', () => {
    expect(mxSharedExponent(1e-40, 'mxfp4', false)).toBe(-127);
    expect(mxSharedExponent(2 ** -120, 'mxfp8_e4m3', false)).toBe(-127); // -120 - 8
    expect(mxSharedExponent(2 ** -118, 'mxfp8_e4m3', false)).toBe(-126);
  });

  it('round scale up: 2^ceil(log2(amax / max_elem)) never clips', () => {
    // amax 7, FP4: ceil(log2(7 / 6)) = 1, X = 2; 7 / 2 = 3.5 ties to 4 -> 8.
    const { dequantized, result } = block('mxfp4', sparse(32, { 0: 7 }), { roundScaleUp: true });
    expect(result.scale[0]).toBe(2);
    expect(dequantized[0]).toBe(8);
    expect(mxSharedExponent(6, 'mxfp4', true)).toBe(0); // exactly max_elem: no rounding up
    expect(mxSharedExponent(448, 'mxfp8_e4m3', true)).toBe(0);
    expect(mxSharedExponent(449, 'mxfp8_e4m3', true)).toBe(1);
  });

  it('MXINT8: elements k / 64 with k in [-127, 127]; reported step X / 64', () => {
    const { codes, dequantized, result } = block('mxint8', sparse(32, { 0: 1.5, 1: -1.999, 2: 0.0078125 }));
    expect(result.scale[0]).toBe(1 / 64); // X = 2^floor(log2 1.5) = 1
    expect(Array.from(codes.slice(0, 3))).toEqual([96, -127, 0]); // 1.999 * 64 = 127.94 -> 128 -> 127; 0.5 ties to 0
    expect(Array.from(dequantized.slice(0, 2))).toEqual([1.5, -127 / 64]);
  });

  it('a short last block of a row gets its own scale', () => {
    const row = [...new Array(32).fill(1), 100, 0.5]; // 34 values: blocks [0, 32) and [32, 34)
    const { result } = block('mxfp8_e4m3', row);
    expect(result.scale.length).toBe(2);
    expect(result.scale[1]).toBe(2 ** (6 - 8));
  });

  it('bits per weight: MXFP4 4.25, MXFP6 6.25, MXFP8 and MXINT8 8.25', () => {
    const row = new Array(64).fill(1);
    expect(block('mxfp4', row).result.bitsPerWeight).toBe(4.25);
    expect(block('mxfp6_e2m3', row).result.bitsPerWeight).toBe(6.25);
    expect(block('mxfp6_e3m2', row).result.bitsPerWeight).toBe(6.25);
    expect(block('mxfp8_e4m3', row).result.bitsPerWeight).toBe(8.25);
    expect(block('mxint8', row).result.bitsPerWeight).toBe(8.25);
    expect(block('mxfp4', row).result.storage).toBe('E2M1 elements + E8M0 scale per 32');
  });
});

describe('NVFP4 (modelopt nvfp4_tensor.py)', () => {
  it('per-tensor scale amax / 2688, E4M3 block scale, E2M1 elements with ties to even', () => {
    // Tensor amax 2688: s2 = 1. Block 0 amax 2688 -> block scale 448; block 1 amax 3 -> 0.5.
    const row = sparse(32, { 0: 2688, 16: 3, 17: 1.25, 18: 1.75, 19: -0.25, 20: 0.3 });
    const { codes, dequantized, result } = block('nvfp4', row);
    expect(Array.from(result.scale)).toEqual([448, 0.5]);
    expect(dequantized[0]).toBe(2688);
    // 3 / 0.5 = 6; 1.25 / 0.5 = 2.5 -> 2 (even); 1.75 / 0.5 = 3.5 -> 4; -0.25 / 0.5 = -0.5; 0.3 / 0.5 = 0.6 -> 0.5.
    expect(Array.from(codes.slice(16, 21))).toEqual([7, 4, 6, 9, 1]);
    expect(Array.from(dequantized.slice(16, 21))).toEqual([3, 1, 2, -0.25, 0.25]);
    expect(result.hi[1]).toBe(3);
  });

  it('matches round-half-even E2M1 on every multiple of 1/8 up to 6 (ties and bounds included)', () => {
    // Block 0 holds the tensor amax 2688 (s2 = 1); every other block starts with 6, so its scale is exactly 1
    // and y = x for the 15 values after it.
    const ys = Array.from({ length: 49 }, (_, k) => k / 8).flatMap((y) => [y, -y]);
    const row = [2688, ...new Array(15).fill(0)];
    for (let i = 0; i < ys.length; i += 15) {
      const chunk = ys.slice(i, i + 15);
      row.push(6, ...chunk, ...new Array(15 - chunk.length).fill(0));
    }
    const { codes, result } = block('nvfp4', row);
    for (let b = 1; b < result.scale.length; b++) expect(result.scale[b]).toBe(1);
    for (let i = 16; i < row.length; i++) {
      const y = row[i];
      const expected = y === 0 ? 0 : encodeFloat('e2m1', y, true); // modelopt: -0 gets the positive code
      expect(codes[i], `y = ${y}`).toBe(expected);
    }
  });

  it('rounds the block scale to E4M3', () => {
    // s2 = 2688 / 2688 = 1; block amax 1: 1 / 6 = 0.1667 -> E4M3 0.15625 (1.25 * 2^-3) or 0.171875: nearest 0.171875.
    const row = sparse(32, { 0: 2688, 16: 1 });
    const { result, dequantized } = block('nvfp4', row);
    expect(result.scale[1]).toBe(0.171875);
    expect(dequantized[16]).toBe(Math.fround(6 * 0.171875)); // 1 / 0.171875 = 5.8 -> 6
  });

  it('an all-zero block (and an all-zero tensor) dequantizes to zeros', () => {
    expect(Array.from(block('nvfp4', new Array(16).fill(0)).dequantized)).toEqual(new Array(16).fill(0));
    const { result } = block('nvfp4', sparse(32, { 0: 1 }));
    expect(result.scale[1]).toBe(Math.fround(1 / 2688)); // zero block scale becomes 1, times s2
  });

  it('bits per weight 4 + 8/16 plus one FP32 per tensor', () => {
    const r = block('nvfp4', new Array(64).fill(1)).result;
    expect(r.bitsPerWeight).toBe(4.5 + 32 / 64);
    expect(describeFormat({ kind: 'block', format: 'nvfp4' }).bitsPerWeight).toBe(4.5);
  });
});

describe('NF4 (bitsandbytes)', () => {
  it('maps x / absmax to the nearest NF4 value; an exact midpoint goes to the lower code', () => {
    const tie = NF4_BOUNDS[7]; // midpoint of 0 and 0.0796: float32
    const above = Math.fround(tie * (1 + 2 ** -22)); // the next float32 up but one
    const negTie = NF4_BOUNDS[0]; // midpoint of -1 and -0.696
    const row = sparse(64, { 0: 1, 1: tie, 2: above, 3: negTie, 4: -0.7 });
    const { codes, dequantized } = block('nf4', row);
    expect(Array.from(codes.slice(0, 5))).toEqual([15, 7, 8, 0, 1]);
    expect(dequantized[2]).toBe(NF4_CODE[8]);
    expect(tie).toBe(Math.fround(0.07958029955625534 / 2));
  });

  it('scales by the block absmax: x_hat = code * absmax', () => {
    const row = sparse(64, { 0: -4, 1: 2 });
    const { codes, dequantized, result } = block('nf4', row);
    expect(result.scale[0]).toBe(4);
    expect([result.lo[0], result.hi[0]]).toEqual([-4, 4]);
    // 2 / 4 = 0.5 lies between 0.4407 (code 12) and 0.5626 (code 13): 0.0593 vs 0.0626 away, so code 12.
    expect(codes[1]).toBe(12);
    expect(dequantized[1]).toBe(Math.fround(NF4_CODE[12] * 4));
  });

  it('bits per weight 4.5 with an FP32 absmax per 64, about 4.127 with double quantization', () => {
    const rows = 16;
    const cols = 1024; // 256 blocks of 64: exactly one second-level block
    const values = Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    const plain = run({ kind: 'block', format: 'nf4' }, rows, cols, values).result;
    expect(plain.bitsPerWeight).toBe(4.5);
    const dq = run({ kind: 'block', format: 'nf4', doubleQuant: true }, rows, cols, values).result;
    expect(dq.bitsPerWeight).toBe(4 + 8 / 64 + 32 / (64 * 256) + 32 / (rows * cols));
    expect(dq.bitsPerWeight).toBeCloseTo(4.127, 2);
    expect(describeFormat({ kind: 'block', format: 'nf4', doubleQuant: true }).bitsPerWeight).toBeCloseTo(
      4.127,
      3,
    );
  });

  it('double quantization changes the absmax only slightly and keeps the element codes', () => {
    const values = Array.from({ length: 8 * 512 }, (_, i) => Math.cos(i * 1.3) * (1 + ((i >> 6) % 5)));
    const plain = run({ kind: 'block', format: 'nf4' }, 8, 512, values);
    const dq = run({ kind: 'block', format: 'nf4', doubleQuant: true }, 8, 512, values);
    expect(Array.from(dq.codes)).toEqual(Array.from(plain.codes));
    for (let g = 0; g < plain.result.scale.length; g++) {
      expect(Math.abs(dq.result.scale[g] - plain.result.scale[g])).toBeLessThan(0.05 * plain.result.scale[g]);
    }
  });
});

describe('describeFormat bits per weight (SEMANTICS.md "Bits per weight")', () => {
  it('gives the nominal figures', () => {
    const bpw = (format: BlockFormatId, extra: object = {}) =>
      describeFormat({ kind: 'block', format, ...extra }).bitsPerWeight;
    expect(bpw('mxfp4')).toBe(4.25);
    expect(bpw('mxfp6_e2m3')).toBe(6.25);
    expect(bpw('mxfp8_e4m3')).toBe(8.25);
    expect(bpw('mxint8')).toBe(8.25);
    expect(bpw('nvfp4')).toBe(4.5);
    expect(bpw('nf4')).toBe(4.5);
    expect(bpw('q8_0')).toBe(8.5);
    expect(bpw('q4_0')).toBe(4.5);
    expect(bpw('q4_k')).toBe(4.5);
    expect(bpw('q6_k')).toBe(6.5625);
    expect(
      describeFormat({ kind: 'float', format: 'e4m3', scaling: 'group', groupSize: 32, saturate: true }),
    ).toEqual({
      label: 'FP8 E4M3, scaled per 32',
      bitsPerWeight: 9,
    });
  });
});
