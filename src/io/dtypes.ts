/**
 * Element types found in weight files and their exact conversion to float32.
 * Every decoder is bit exact: float16 follows IEEE 754 binary16 (numpy's `npy_halfbits_to_floatbits`),
 * bfloat16 is the top half of a float32, FP8 E4M3FN / E5M2 follow the OCP 8-bit floating point spec
 * (E4M3FN: bias 7, no infinities, S.1111.111 is NaN, max 448; E5M2: bias 15, IEEE-like with ±Inf),
 * E8M0 is the OCP MX scale format (2^(e−127), 0xFF is NaN). Integers are rounded to float32 once (to nearest even),
 * as `numpy.astype(np.float32)` does. The FP8 values and float32 bits come from the engine's own float codecs
 * (core/formats), so there is one decoder per format; binary16 and bfloat16 keep their NaN payloads here (the
 * file's bits, as numpy keeps them), where the engine's tables hold one NaN.
 */
import { e8m0ToValue } from '../core/formats/e8m0';
import { float32FromBits } from '../core/formats/floatBits';
import { decodeFloat, valueTable } from '../core/formats/floatFormat';

/** Element encodings the loaders can decode. Names are the app's own; each reader maps its dtype strings onto them. */
export type ElementType =
  | 'f64'
  | 'f32'
  | 'f16'
  | 'bf16'
  | 'f8_e4m3fn'
  | 'f8_e5m2'
  | 'f8_e8m0'
  | 'i8'
  | 'u8'
  | 'i16'
  | 'u16'
  | 'i32'
  | 'u32'
  | 'i64'
  | 'u64'
  | 'bool';

/** Bytes per element. */
export const ELEMENT_SIZES: Readonly<Record<ElementType, number>> = {
  f64: 8,
  f32: 4,
  f16: 2,
  bf16: 2,
  f8_e4m3fn: 1,
  f8_e5m2: 1,
  f8_e8m0: 1,
  i8: 1,
  u8: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  i64: 8,
  u64: 8,
  bool: 1,
};

/** True when `value` names an ElementType. */
export function isElementType(value: string): value is ElementType {
  return Object.hasOwn(ELEMENT_SIZES, value);
}

/**
 * float32 bit pattern of an IEEE binary16 value (numpy `npy_halfbits_to_floatbits`): subnormals are
 * normalised, NaN payloads are kept (shifted left by 13), so every one of the 65,536 codes maps exactly.
 */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = h & 0x7c00;
  const mant = h & 0x03ff;
  if (exp === 0) {
    if (mant === 0) return sign >>> 0;
    // Subnormal half: shift the mantissa up until its leading one reaches the implicit-bit position.
    let m = mant << 1;
    let e = 0;
    while ((m & 0x0400) === 0) {
      m <<= 1;
      e++;
    }
    return (sign + ((127 - 15 - e) << 23) + ((m & 0x03ff) << 13)) >>> 0;
  }
  if (exp === 0x7c00) return (sign + 0x7f800000 + (mant << 13)) >>> 0;
  return (sign + (((h & 0x7fff) + 0x1c000) << 13)) >>> 0;
}

/** IEEE binary16 bits → value (exact in float32). */
export function decodeFloat16(bits: number): number {
  return float32FromBits(float16BitsToFloat32Bits(bits & 0xffff));
}

/** bfloat16 bits → value: the bits are the top half of a float32. */
export function decodeBfloat16(bits: number): number {
  return float32FromBits((bits & 0xffff) << 16);
}

/** FP8 E4M3FN code → value (OCP OFP8: bias 7, subnormals, no Inf, 0x7F/0xFF are NaN, max ±448): core's decoder. */
export function decodeFloat8E4M3FN(code: number): number {
  return decodeFloat('e4m3', code & 0xff);
}

/** FP8 E5M2 code → value (OCP OFP8: bias 15, subnormals, ±Inf at S.11111.00, NaN otherwise): core's decoder. */
export function decodeFloat8E5M2(code: number): number {
  return decodeFloat('e5m2', code & 0xff);
}

/** E8M0 (OCP MX v1.0 §5.4 scale) code → 2^(code − 127); 0xFF is NaN: core's decoder. */
export function decodeFloat8E8M0(code: number): number {
  return e8m0ToValue(code & 0xff);
}

let f16Table: Float32Array | null = null;
let e8m0Table: Float32Array | null = null;

/** All 65,536 binary16 values as float32, indexed by bit pattern (built once, bits written exactly). */
export function float16Table(): Float32Array {
  if (!f16Table) {
    const bits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) bits[h] = float16BitsToFloat32Bits(h);
    f16Table = new Float32Array(bits.buffer);
  }
  return f16Table;
}

function tableOf(decode: (code: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let c = 0; c < 256; c++) table[c] = decode(c);
  return table;
}

/** The 256 E4M3FN values indexed by code (core/formats/floatFormat.ts's table; do not mutate). */
export function float8E4M3FNTable(): Float32Array {
  return valueTable('e4m3');
}

/** The 256 E5M2 values indexed by code (core's table; do not mutate). */
export function float8E5M2Table(): Float32Array {
  return valueTable('e5m2');
}

function float8E8M0Table(): Float32Array {
  e8m0Table ??= tableOf(decodeFloat8E8M0);
  return e8m0Table;
}

const TWO_POW_53 = 2 ** 53;

/**
 * A 64-bit integer given as two 32-bit halves → float32 with one rounding (nearest even), as a C
 * `(float)int64_t` cast and numpy do. Rounding to float64 first and then to float32 would round twice
 * and can land one ulp off above 2^53, so large magnitudes are first cut to 53 bits with a sticky bit
 * ("round to odd"), which makes the second rounding exact.
 */
export function int64PartsToFloat32(lo: number, hi: number, signed: boolean): number {
  const hiValue = signed ? hi | 0 : hi >>> 0;
  const approx = hiValue * 4294967296 + (lo >>> 0);
  if (Math.abs(approx) < TWO_POW_53) return Math.fround(approx);
  let v = (BigInt(signed ? hi | 0 : hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const negative = v < 0n;
  if (negative) v = -v;
  const shift = BigInt(v.toString(2).length - 53);
  let top = v >> shift;
  if (top << shift !== v) top |= 1n; // sticky bit: the value is not exact at 53 bits
  const magnitude = Math.fround(Number(top) * 2 ** Number(shift));
  return negative ? -magnitude : magnitude;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements of `type` from `bytes` starting at `byteOffset` into `out[outOffset...]` as float32.
 * `littleEndian` applies to multi-byte types. Callers guarantee the bytes are there.
 */
export function decodeElements(
  type: ElementType,
  bytes: Uint8Array,
  byteOffset: number,
  count: number,
  littleEndian: boolean,
  out: Float32Array,
  outOffset: number,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = byteOffset;
  const end = outOffset + count;
  switch (type) {
    case 'f32':
      if (littleEndian === HOST_LITTLE_ENDIAN && (bytes.byteOffset + p) % 4 === 0) {
        out.set(new Float32Array(bytes.buffer, bytes.byteOffset + p, count), outOffset);
        return;
      }
      for (let i = outOffset; i < end; i++, p += 4) out[i] = view.getFloat32(p, littleEndian);
      return;
    case 'f64':
      for (let i = outOffset; i < end; i++, p += 8) out[i] = view.getFloat64(p, littleEndian);
      return;
    case 'f16': {
      const table = float16Table();
      for (let i = outOffset; i < end; i++, p += 2) out[i] = table[view.getUint16(p, littleEndian)];
      return;
    }
    case 'bf16': {
      // Written through a Uint32 view so NaN payloads survive unchanged.
      const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
      for (let i = outOffset; i < end; i++, p += 2) bits[i] = view.getUint16(p, littleEndian) << 16;
      return;
    }
    case 'f8_e4m3fn':
    case 'f8_e5m2':
    case 'f8_e8m0': {
      const table =
        type === 'f8_e4m3fn'
          ? float8E4M3FNTable()
          : type === 'f8_e5m2'
            ? float8E5M2Table()
            : float8E8M0Table();
      for (let i = outOffset; i < end; i++, p++) out[i] = table[bytes[p]];
      return;
    }
    case 'i8':
      for (let i = outOffset; i < end; i++, p++) out[i] = view.getInt8(p);
      return;
    case 'u8':
      for (let i = outOffset; i < end; i++, p++) out[i] = bytes[p];
      return;
    case 'bool':
      for (let i = outOffset; i < end; i++, p++) out[i] = bytes[p] === 0 ? 0 : 1;
      return;
    case 'i16':
      for (let i = outOffset; i < end; i++, p += 2) out[i] = view.getInt16(p, littleEndian);
      return;
    case 'u16':
      for (let i = outOffset; i < end; i++, p += 2) out[i] = view.getUint16(p, littleEndian);
      return;
    case 'i32':
      for (let i = outOffset; i < end; i++, p += 4) out[i] = view.getInt32(p, littleEndian);
      return;
    case 'u32':
      for (let i = outOffset; i < end; i++, p += 4) out[i] = view.getUint32(p, littleEndian);
      return;
    case 'i64':
    case 'u64': {
      const signed = type === 'i64';
      for (let i = outOffset; i < end; i++, p += 8) {
        const a = view.getUint32(p, littleEndian);
        const b = view.getUint32(p + 4, littleEndian);
        out[i] = littleEndian ? int64PartsToFloat32(a, b, signed) : int64PartsToFloat32(b, a, signed);
      }
      return;
    }
  }
}

/** Number of NaN and ±Inf values in `data`. */
export function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) n++; // NaN - NaN and Inf - Inf are NaN; finite - itself is 0
  }
  return n;
}
