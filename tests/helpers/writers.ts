/**
 * Byte writers for test fixtures: real .npy, .npz, .safetensors and GGUF files, written from their specs
 * (numpy/lib/format.py, huggingface/safetensors README, ggml docs/gguf.md), with knobs to make them lie.
 * Test-only: the app reads these formats, it never writes them.
 */
import { zipSync } from 'fflate';

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The bytes of a typed array (little-endian on every machine these tests run on). */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** Reverses the byte order of every `itemSize`-byte item (little ↔ big endian). */
export function swapBytes(bytes: Uint8Array, itemSize: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let k = 0; k < itemSize; k++) out[i + k] = bytes[i + itemSize - 1 - k];
  }
  return out;
}

/** IEEE binary16 bits of a value that binary16 represents exactly (throws otherwise: no rounding here). */
export function float16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === 0) return sign;
  if (a === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  const e = Math.floor(Math.log2(a));
  if (e < -14) {
    const m = a / 2 ** -24;
    if (!Number.isInteger(m)) throw new Error(`${x} is not exact in float16`);
    return sign | m;
  }
  const m = (a / 2 ** e - 1) * 1024;
  if (!Number.isInteger(m) || e > 15) throw new Error(`${x} is not exact in float16`);
  return sign | ((e + 15) << 10) | m;
}

/** Little-endian binary16 bytes of exactly representable values. */
export function float16Bytes(values: readonly number[]): Uint8Array {
  return bytesOf(Uint16Array.from(values, float16Bits));
}

/** bfloat16 bytes: the top halves of the float32 values (which must have zero low halves). */
export function bfloat16Bytes(values: readonly number[]): Uint8Array {
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  return bytesOf(
    Uint16Array.from(bits, (b) => {
      if ((b & 0xffff) !== 0) throw new Error('not exact in bfloat16');
      return b >>> 16;
    }),
  );
}

// ---------------------------------------------------------------- .npy / .npz

export interface NpyOptions {
  descr: string;
  shape: readonly number[];
  /** Raw data bytes as stored (already in the descr's byte order and the array's memory order). */
  data: Uint8Array;
  fortranOrder?: boolean;
  version?: 1 | 2 | 3;
  /** Replaces the dict text entirely (for malformed headers). */
  headerText?: string;
  /** Writes this header length instead of the real one. */
  headerLengthOverride?: number;
  /** Drops this many bytes off the end of the data. */
  truncateDataBy?: number;
}

/** A .npy file as numpy.save writes it: magic, version, header length, dict padded to 64 bytes, data. */
export function npyBytes(o: NpyOptions): Uint8Array {
  const version = o.version ?? 1;
  const shape = o.shape.length === 1 ? `(${o.shape[0]},)` : `(${o.shape.join(', ')})`;
  const dict =
    o.headerText ??
    `{'descr': '${o.descr}', 'fortran_order': ${o.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const lengthBytes = version === 1 ? 2 : 4;
  const prefix = 8 + lengthBytes;
  const unpadded = prefix + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const text = `${dict}${' '.repeat(padded - unpadded)}\n`;
  const header = new Uint8Array(prefix);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(header.buffer);
  const length = o.headerLengthOverride ?? text.length;
  if (version === 1) view.setUint16(8, length, true);
  else view.setUint32(8, length, true);
  const data = o.truncateDataBy ? o.data.subarray(0, o.data.length - o.truncateDataBy) : o.data;
  return concatBytes(header, new TextEncoder().encode(text), data);
}

/** A .npz: a zip of "name.npy" members, stored (numpy.savez) or deflated (numpy.savez_compressed). */
export function npzBytes(
  members: Record<string, Uint8Array>,
  options: { compress?: boolean } = {},
): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(members)) files[`${name}.npy`] = bytes;
  return zipSync(files, { level: options.compress ? 6 : 0 });
}

// ---------------------------------------------------------------- safetensors

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: readonly number[];
  data: Uint8Array;
  /** Writes these data_offsets instead of the real ones. */
  offsets?: [number, number];
}

export interface SafetensorsOptions {
  metadata?: Record<string, string>;
  /** Replaces the JSON header text. */
  headerText?: string;
  /** Writes this header length instead of the real one (a number; BigInt for values over 2^53). */
  headerLength?: number | bigint;
  /** Drops this many bytes off the end of the file. */
  truncateBy?: number;
}

/** A .safetensors file: u64 LE header length, JSON header (space-padded to 8 bytes), data in tensor order. */
export function safetensorsBytes(
  tensors: readonly SafetensorsTensor[],
  o: SafetensorsOptions = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (o.metadata) header.__metadata__ = o.metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: t.offsets ?? [offset, offset + t.data.length],
    };
    offset += t.data.length;
  }
  let text = o.headerText ?? JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(o.headerLength ?? json.length), true);
  const file = concatBytes(length, json, ...tensors.map((t) => t.data));
  return o.truncateBy ? file.subarray(0, file.length - o.truncateBy) : file;
}

// ---------------------------------------------------------------- GGUF

export type GgufScalarType =
  | 'u8'
  | 'i8'
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  | 'f32'
  | 'bool'
  | 'string'
  | 'u64'
  | 'i64'
  | 'f64';
export type GgufValue =
  | { type: GgufScalarType; value: number | bigint | string | boolean }
  | { type: 'array'; elementType: GgufScalarType | 'array'; values: GgufValue[] }
  /** An array of fixed-size elements given as raw little-endian bytes (fast for big arrays). */
  | {
      type: 'array';
      elementType: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'u64' | 'i64' | 'f64';
      raw: Uint8Array;
      count: number;
    };

const GGUF_TYPE_IDS: Record<GgufScalarType | 'array', number> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

export interface GgufTensor {
  name: string;
  /** ne[]: innermost (row length) first, as GGUF stores it. */
  dims: readonly number[];
  /** ggml type id (0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 30 BF16, ...). */
  type: number;
  data: Uint8Array;
  /** Writes this data offset instead of the real one. */
  offset?: number;
}

export interface GgufOptions {
  version?: number;
  /** Written as general.alignment (u32) when given; the default layout uses 32. */
  alignment?: number;
  metadata?: readonly [string, GgufValue][];
  tensors?: readonly GgufTensor[];
  tensorCountOverride?: number | bigint;
  kvCountOverride?: number | bigint;
  /** Raw magic bytes (default "GGUF"). */
  magic?: string;
}

class ByteWriter {
  private parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  num(
    kind: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'u64' | 'i64',
    v: number | bigint,
  ): void {
    const sizes = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8, u64: 8, i64: 8 };
    const b = new Uint8Array(sizes[kind]);
    const d = new DataView(b.buffer);
    if (kind === 'u8') d.setUint8(0, Number(v));
    else if (kind === 'i8') d.setInt8(0, Number(v));
    else if (kind === 'u16') d.setUint16(0, Number(v), true);
    else if (kind === 'i16') d.setInt16(0, Number(v), true);
    else if (kind === 'u32') d.setUint32(0, Number(v), true);
    else if (kind === 'i32') d.setInt32(0, Number(v), true);
    else if (kind === 'f32') d.setFloat32(0, Number(v), true);
    else if (kind === 'f64') d.setFloat64(0, Number(v), true);
    else if (kind === 'u64') d.setBigUint64(0, BigInt(v), true);
    else d.setBigInt64(0, BigInt(v), true);
    this.push(b);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.num('u64', b.length);
    this.push(b);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  if (v.type === 'array' && 'raw' in v) {
    w.num('u32', GGUF_TYPE_IDS[v.elementType]);
    w.num('u64', v.count);
    w.push(v.raw);
  } else if (v.type === 'array') {
    w.num('u32', GGUF_TYPE_IDS[v.elementType]);
    w.num('u64', v.values.length);
    for (const e of v.values) writeValue(w, e);
  } else if (v.type === 'string') w.string(String(v.value));
  else if (v.type === 'bool') w.num('u8', v.value ? 1 : 0);
  else w.num(v.type, v.value as number | bigint);
}

/** A GGUF file: header, KVs, tensor infos, padding to the alignment, tensor data each padded to the alignment. */
export function ggufBytes(o: GgufOptions = {}): Uint8Array {
  const alignment = o.alignment ?? 32;
  const metadata: [string, GgufValue][] = [...(o.metadata ?? [])];
  if (o.alignment !== undefined) metadata.push(['general.alignment', { type: 'u32', value: o.alignment }]);
  const tensors = o.tensors ?? [];
  const w = new ByteWriter();
  w.push(new TextEncoder().encode(o.magic ?? 'GGUF'));
  w.num('u32', o.version ?? 3);
  w.num('u64', o.tensorCountOverride ?? tensors.length);
  w.num('u64', o.kvCountOverride ?? metadata.length);
  for (const [key, value] of metadata) {
    w.string(key);
    w.num('u32', GGUF_TYPE_IDS[value.type]);
    writeValue(w, value);
  }
  const offsets: number[] = [];
  let dataSize = 0;
  for (const t of tensors) {
    offsets.push(dataSize);
    dataSize += Math.ceil(t.data.length / alignment) * alignment;
  }
  tensors.forEach((t, i) => {
    w.string(t.name);
    w.num('u32', t.dims.length);
    for (const d of t.dims) w.num('u64', d);
    w.num('u32', t.type);
    w.num('u64', t.offset ?? offsets[i]);
  });
  w.push(new Uint8Array((alignment - (w.length % alignment)) % alignment));
  const data = new Uint8Array(dataSize);
  for (let i = 0; i < tensors.length; i++) data.set(tensors[i].data, offsets[i]);
  w.push(data);
  return w.bytes();
}
