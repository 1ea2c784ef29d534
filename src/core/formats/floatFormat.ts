/**
 * Float element codecs: FP16, BF16, OCP FP8 (E4M3FN, E5M2), OCP MX FP6 (E2M3, E3M2) and FP4 (E2M1).
 * Round to nearest even from float32 with subnormals (SEMANTICS.md "Float element formats"). Pure ES2022.
 *
 * The encoder is PyTorch's bit trick (`c10/util/Float8_e4m3fn.h` `fp8e4m3fn_from_fp32_value`), generalised to
 * every exponent/mantissa split: for targets in the normal range, add (rebias + half-ulp - 1 + mantissa-odd)
 * to the float32 bits and shift; the carry does the round-half-to-even. Target subnormals are rounded as
 * |x| / quantum with the 1.5 * 2^52 trick (exact: quantum is a power of two).
 */
import type { FloatFormatId } from '../scheme';
import { float32Bits, pow2, RNE_MAGIC } from './floatBits';

/** What a non-saturating cast does with a finite value that rounds beyond the largest finite value. */
type OverflowKind = 'nan' | 'inf' | 'saturate';

/** The bit layout and special values of one element format. */
export interface FloatFormatSpec {
  readonly id: FloatFormatId;
  /** Name as the OCP / IEEE documents spell it: "FP8 E4M3". */
  readonly label: string;
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  /** Total bits: 1 + expBits + manBits. */
  readonly bits: number;
  /** Largest finite value (448 for E4M3). */
  readonly maxFinite: number;
  /** Magnitude bit pattern (sign bit clear) of maxFinite. */
  readonly maxPattern: number;
  /** Magnitude pattern of NaN, or -1 when the format has none (FP6, FP4). */
  readonly nanPattern: number;
  /** Whether NaN keeps the input's sign bit (PyTorch: FP8 yes, FP16 yes, BF16 no: it returns 0x7FC0). */
  readonly nanKeepsSign: boolean;
  /** Magnitude pattern of +Inf, or -1 when the format has none. */
  readonly infPattern: number;
  /** What the plain (non-saturating) cast does on overflow. */
  readonly overflow: OverflowKind;
  /** Plain words for the storage line: "E4M3 (OCP FP8, no Inf)". */
  readonly description: string;
}

function defineFormat(
  id: FloatFormatId,
  label: string,
  expBits: number,
  manBits: number,
  bias: number,
  maxPattern: number,
  nanPattern: number,
  nanKeepsSign: boolean,
  infPattern: number,
  overflow: OverflowKind,
  description: string,
): FloatFormatSpec {
  const e = maxPattern >>> manBits;
  const m = maxPattern & ((1 << manBits) - 1);
  const maxFinite = (1 + m / (1 << manBits)) * pow2(e - bias);
  return {
    id,
    label,
    expBits,
    manBits,
    bias,
    bits: 1 + expBits + manBits,
    maxFinite,
    maxPattern,
    nanPattern,
    nanKeepsSign,
    infPattern,
    overflow,
    description,
  };
}

/**
 * The formats, with sources: IEEE 754 binary16; bfloat16 as PyTorch `c10/util/BFloat16.h` (NaN -> 0x7FC0);
 * OCP 8-bit Floating Point spec v1.0 and PyTorch `Float8_e4m3fn.h` / `Float8_e5m2.h` (E4M3FN has no Inf and
 * one NaN per sign, S.1111.111; E5M2 is IEEE-like); OCP Microscaling spec v1.0 §5.3 (FP6, FP4: no Inf/NaN).
 */
export const FLOAT_FORMATS: Readonly<Record<FloatFormatId, FloatFormatSpec>> = {
  fp16: defineFormat('fp16', 'FP16', 5, 10, 15, 0x7bff, 0x7e00, true, 0x7c00, 'inf', 'IEEE binary16'),
  bf16: defineFormat('bf16', 'BF16', 8, 7, 127, 0x7f7f, 0x7fc0, false, 0x7f80, 'inf', 'bfloat16'),
  e4m3: defineFormat('e4m3', 'FP8 E4M3', 4, 3, 7, 0x7e, 0x7f, true, -1, 'nan', 'OCP FP8 E4M3FN, no Inf'),
  e5m2: defineFormat('e5m2', 'FP8 E5M2', 5, 2, 15, 0x7b, 0x7f, true, 0x7c, 'inf', 'OCP FP8 E5M2'),
  e2m3: defineFormat('e2m3', 'FP6 E2M3', 2, 3, 1, 0x1f, -1, false, -1, 'saturate', 'OCP MX FP6 E2M3'),
  e3m2: defineFormat('e3m2', 'FP6 E3M2', 3, 2, 3, 0x1f, -1, false, -1, 'saturate', 'OCP MX FP6 E3M2'),
  e2m1: defineFormat('e2m1', 'FP4 E2M1', 2, 1, 1, 0x7, -1, false, -1, 'saturate', 'OCP MX FP4 E2M1'),
};

/** Largest finite value of a format: 448 for E4M3, 6 for E2M1. */
export function maxFinite(format: FloatFormatId): number {
  return FLOAT_FORMATS[format].maxFinite;
}

/**
 * Precomputed constants of the encoder for one format, so the hot loop reads plain numbers.
 * `normalMinBits`: float32 bits of the smallest normal of the target; below it the subnormal path runs.
 */
export interface EncoderConstants {
  readonly shift: number;
  readonly roundAdd: number;
  readonly normalMinBits: number;
  readonly invSubQuantum: number;
  readonly signBit: number;
  readonly maxPattern: number;
  /** Pattern written on overflow in non-saturating mode (NaN, Inf, or max when the format saturates). */
  readonly overflowPattern: number;
  /** Pattern for a NaN input, sign excluded; -1 when the format has no NaN. */
  readonly nanPattern: number;
  readonly nanKeepsSign: boolean;
}

const encoderCache = new Map<FloatFormatId, EncoderConstants>();

/** The encoder constants of a format (cached). */
export function encoderConstants(format: FloatFormatId): EncoderConstants {
  const cached = encoderCache.get(format);
  if (cached) return cached;
  const s = FLOAT_FORMATS[format];
  const shift = 23 - s.manBits;
  // Rebias the exponent field ((bias - 127) << 23, as `f_bits += ((uint32_t)(7 - 127) << 23) + 0x7FFFF` does
  // for E4M3) and add half an ulp minus one; the mantissa-odd bit is added per value to break ties to even.
  const roundAdd = (s.bias - 127) * 2 ** 23 + (2 ** (shift - 1) - 1);
  const constants: EncoderConstants = {
    shift,
    roundAdd,
    normalMinBits: (128 - s.bias) * 2 ** 23,
    invSubQuantum: pow2(s.bias - 1 + s.manBits),
    signBit: 2 ** (s.bits - 1),
    maxPattern: s.maxPattern,
    overflowPattern: s.overflow === 'nan' ? s.nanPattern : s.overflow === 'inf' ? s.infPattern : s.maxPattern,
    nanPattern: s.nanPattern,
    nanKeepsSign: s.nanKeepsSign,
  };
  encoderCache.set(format, constants);
  return constants;
}

/**
 * Encodes one float32 value (x is rounded to float32 first) to the format's bit pattern, 0 .. 2^bits - 1.
 * Round to nearest even with subnormals. `saturate` (default true): values beyond maxFinite and +-Inf become
 * +-maxFinite. Non-saturating: as the plain cast (PyTorch `.to(torch.float8_e4m3fn)`): overflow -> NaN for E4M3,
 * Inf for E5M2 / FP16 / BF16; FP6 and FP4 always saturate. NaN -> the format's NaN, or -1 when it has none.
 * E.g. encodeFloat('e2m1', 2.5) = 0b0100 (2.5 is a tie between 2 and 3: even mantissa wins -> 2).
 */
export function encodeFloat(format: FloatFormatId, x: number, saturate = true): number {
  const k = encoderConstants(format);
  const bits = float32Bits(x);
  const u = bits & 0x7fffffff;
  const sign = bits >>> 31 === 1 ? k.signBit : 0;
  if (u >= 0x7f800000) {
    if (u > 0x7f800000) {
      if (k.nanPattern < 0) return -1;
      return k.nanKeepsSign ? k.nanPattern + sign : k.nanPattern;
    }
    return (saturate ? k.maxPattern : k.overflowPattern) + sign;
  }
  let p: number;
  if (u < k.normalMinBits) {
    // Target subnormal: |x| / quantum is exact (power-of-two scaling); round it half to even.
    const t = Math.abs(Math.fround(x)) * k.invSubQuantum;
    p = t + RNE_MAGIC - RNE_MAGIC;
  } else {
    p = (u + k.roundAdd + ((u >>> k.shift) & 1)) >>> k.shift;
  }
  if (p > k.maxPattern) p = saturate ? k.maxPattern : k.overflowPattern;
  return p + sign;
}

const valueTables = new Map<FloatFormatId, Float32Array>();

/**
 * Value of every bit pattern of a format (index = pattern), NaN for NaN patterns and +-Inf for Inf.
 * 2^bits entries (65536 for FP16 / BF16, 256 KiB), built once on first use.
 */
export function valueTable(format: FloatFormatId): Float32Array {
  const cached = valueTables.get(format);
  if (cached) return cached;
  const s = FLOAT_FORMATS[format];
  const n = 2 ** s.bits;
  const table = new Float32Array(n);
  const manMask = (1 << s.manBits) - 1;
  const expMask = (1 << s.expBits) - 1;
  const ieeeSpecials = s.infPattern >= 0; // IEEE-like: exponent all ones is Inf / NaN
  for (let p = 0; p < n; p++) {
    const negative = p >>> (s.bits - 1) === 1;
    const mag = p & (n / 2 - 1);
    const e = (mag >>> s.manBits) & expMask;
    const m = mag & manMask;
    let v: number;
    if (ieeeSpecials && e === expMask) v = m === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    else if (s.nanPattern >= 0 && !ieeeSpecials && mag === s.nanPattern) v = Number.NaN;
    else if (e === 0) v = m * pow2(1 - s.bias - s.manBits);
    else v = (1 + m / (1 << s.manBits)) * pow2(e - s.bias);
    table[p] = negative ? -v : v;
  }
  valueTables.set(format, table);
  return table;
}

/** Decodes a bit pattern (0 .. 2^bits - 1; FP16/BF16 patterns may also be given as signed int16) to its value. */
export function decodeFloat(format: FloatFormatId, pattern: number): number {
  const table = valueTable(format);
  return table[pattern & (table.length - 1)];
}

/**
 * x rounded to the format and back (a cast round trip): `roundToFormat('fp16', 1 + 2 ** -11)` = 1 (tie to even).
 * Plain-cast overflow by default (FP16 overflow -> Inf, as `torch.Tensor.half()` and ggml's FP16 conversion).
 */
export function roundToFormat(format: FloatFormatId, x: number, saturate = false): number {
  const p = encodeFloat(format, x, saturate);
  return p < 0 ? Number.NaN : valueTable(format)[p];
}

const representableCache = new Map<FloatFormatId, Float32Array>();

/**
 * All distinct finite values of a format, ascending (+0 and -0 counted once). E2M1: the 15 values
 * -6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, ..., 6. FP16 has 63487, BF16 65279. Cached; do not mutate.
 */
export function representableValues(format: FloatFormatId): Float32Array {
  const cached = representableCache.get(format);
  if (cached) return cached;
  const table = valueTable(format);
  const finite: number[] = [];
  for (let p = 0; p < table.length; p++) {
    const v = table[p];
    if (Number.isFinite(v) && !(v === 0 && p !== 0)) finite.push(v);
  }
  const sorted = Float32Array.from(finite).sort();
  representableCache.set(format, sorted);
  return sorted;
}
