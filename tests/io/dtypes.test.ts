import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  countNonFinite,
  decodeBfloat16,
  decodeElements,
  decodeFloat8E4M3FN,
  decodeFloat8E5M2,
  decodeFloat8E8M0,
  decodeFloat16,
  float8E4M3FNTable,
  float8E5M2Table,
  float16Table,
  int64PartsToFloat32,
} from '../../src/io/dtypes';
// Made by tests/fixtures/io/make_dtype_tables.py (NumPy 2.4).
import ref from '../fixtures/io/dtype_tables.json';

/** JSON fixtures write non-finite values as strings. */
function decodeRef(v: number | string): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  return v as number;
}

describe('float16', () => {
  it('maps all 65,536 bit patterns to the same float32 bits as numpy float16 → float32', () => {
    const table = float16Table();
    const hash = createHash('sha256').update(new Uint8Array(table.buffer)).digest('hex');
    expect(hash).toBe(ref.f16_sha256);
  });

  it.each(ref.f16_samples)('decodes 0x%s like numpy', (code, value) => {
    expect(decodeFloat16(code as number)).toBe(decodeRef(value));
  });

  it('keeps the sign of zero and decodes the smallest subnormal exactly', () => {
    expect(Object.is(decodeFloat16(0x8000), -0)).toBe(true);
    expect(decodeFloat16(0x0001)).toBe(2 ** -24);
  });
});

describe('FP8', () => {
  it('decodes all 256 E4M3FN codes like the NumPy spec decode (max 448, NaN at S.1111.111, no Inf)', () => {
    const table = float8E4M3FNTable();
    for (let c = 0; c < 256; c++) {
      expect(decodeFloat8E4M3FN(c), `code ${c}`).toBe(decodeRef(ref.e4m3fn[c]));
      expect(table[c], `table code ${c}`).toBe(decodeRef(ref.e4m3fn[c]));
    }
    expect(decodeFloat8E4M3FN(0x7e)).toBe(448);
    expect(Number.isNaN(decodeFloat8E4M3FN(0xff))).toBe(true);
  });

  it('decodes all 256 E5M2 codes like the NumPy spec decode (±Inf at S.11111.00, max 57344)', () => {
    const table = float8E5M2Table();
    for (let c = 0; c < 256; c++) {
      expect(decodeFloat8E5M2(c), `code ${c}`).toBe(decodeRef(ref.e5m2[c]));
      expect(table[c], `table code ${c}`).toBe(decodeRef(ref.e5m2[c]));
    }
    expect(decodeFloat8E5M2(0x7b)).toBe(57344);
    expect(decodeFloat8E5M2(0xfc)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('decodes E8M0 scales as powers of two with 0xFF as NaN', () => {
    expect(decodeFloat8E8M0(127)).toBe(1);
    expect(decodeFloat8E8M0(0)).toBe(2 ** -127);
    expect(decodeFloat8E8M0(254)).toBe(2 ** 127);
    expect(decodeFloat8E8M0(255)).toBeNaN();
  });
});

describe('bfloat16', () => {
  it('is the top half of a float32', () => {
    expect(decodeBfloat16(0x3f80)).toBe(1);
    expect(decodeBfloat16(0xc040)).toBe(-3);
    expect(decodeBfloat16(0x7f80)).toBe(Number.POSITIVE_INFINITY);
    expect(decodeBfloat16(0x0001)).toBe(2 ** -133); // smallest subnormal
    expect(decodeBfloat16(0x7fc1)).toBeNaN();
  });

  it('keeps NaN payload bits when decoding arrays', () => {
    const out = new Float32Array(1);
    decodeElements('bf16', Uint8Array.of(0x01, 0x7f), 0, 1, true, out, 0);
    expect(new Uint32Array(out.buffer)[0]).toBe(0x7f010000);
  });
});

describe('64-bit integers', () => {
  const cases = [
    ...ref.int64.map(([v, f]) => [v, f, true] as const),
    ...ref.uint64.map(([v, f]) => [v, f, false] as const),
  ];

  it.each(cases)('rounds %s to float32 once, as numpy does (%s)', (text, expected, signed) => {
    const v = BigInt(text as string);
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    if (signed) view.setBigInt64(0, v, true);
    else view.setBigUint64(0, v, true);
    const out = new Float32Array(2);
    decodeElements(signed ? 'i64' : 'u64', bytes, 0, 1, true, out, 0);
    const big = new Uint8Array(8);
    for (let k = 0; k < 8; k++) big[k] = bytes[7 - k];
    decodeElements(signed ? 'i64' : 'u64', big, 0, 1, false, out, 1);
    expect(out[0]).toBe(decodeRef(expected as number | string));
    expect(out[1]).toBe(out[0]);
  });

  it('would be wrong with a double rounding: 2^53 + 2^29 + 1 rounds up in one step', () => {
    // 2^53 + 2^29 + 1: to float64 it rounds to 2^53 + 2^29 (a float32 tie), which rounds to even (2^53);
    // the exact value is above the tie, so a single rounding gives 2^53 + 2^30.
    const v = 2n ** 53n + 2n ** 29n + 1n;
    expect(int64PartsToFloat32(Number(v & 0xffffffffn), Number(v >> 32n), true)).toBe(2 ** 53 + 2 ** 30);
  });
});

describe('decodeElements', () => {
  it('decodes big-endian float32 and unaligned little-endian float32', () => {
    const bytes = Uint8Array.of(0xff, 0x3f, 0x80, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x40);
    const out = new Float32Array(2);
    decodeElements('f32', bytes, 1, 1, false, out, 0); // 3f 80 00 00 big-endian = 1
    decodeElements('f32', bytes, 5, 1, true, out, 1); // 00 00 c0 40 little-endian = 6
    expect(Array.from(out)).toEqual([1, 6]);
  });

  it('maps bool bytes to 0 and 1 and rounds large uint32 to float32', () => {
    const out = new Float32Array(3);
    decodeElements('bool', Uint8Array.of(0, 1, 7), 0, 3, true, out, 0);
    expect(Array.from(out)).toEqual([0, 1, 1]);
    decodeElements('u32', Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0, 1, true, out, 0);
    expect(out[0]).toBe(4294967296);
  });

  it('counts NaN and both infinities', () => {
    expect(
      countNonFinite(Float32Array.of(1, Number.NaN, Number.POSITIVE_INFINITY, -0, Number.NEGATIVE_INFINITY)),
    ).toBe(3);
  });
});
