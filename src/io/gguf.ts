/**
 * GGUF reader (versions 2 and 3; spec: ggml-org/ggml docs/gguf.md). Layout: magic "GGUF", version u32,
 * tensor_count u64, metadata_kv_count u64, the KVs (key string, value type u32, value), the tensor infos
 * (name, n_dims u32, ne[n_dims] u64 innermost first, ggml type u32, offset u64 relative to the data section),
 * padding to `general.alignment` (default 32), then the tensor data. Only the header is read to list.
 */
import { BinaryCursor, NeedMoreBytes } from './binaryCursor';
import { type ByteSource, readRange } from './byteSource';
import { GGML_TYPES, ggmlEncoding } from './ggmlTypes';
import { formatBytes, formatCount, ParseError } from './parseError';
import type { TensorEntry, TensorListing } from './types';

/** Upper bound on the header (metadata + tensor infos) we are willing to read: 256 MiB. */
export const MAX_GGUF_HEADER_BYTES = 256 * 1024 * 1024;

/** GGML_MAX_DIMS in ggml.h. */
const MAX_DIMS = 4;
const DEFAULT_ALIGNMENT = 32;
/** Arrays of arrays are legal; nesting deeper than this is treated as a corrupt header (bounds recursion). */
const MAX_ARRAY_DEPTH = 8;
/** Metadata strings are shown truncated to this many characters. */
const MAX_SHOWN_CHARS = 200;

export interface GgufTensorInfo {
  name: string;
  /** ne[] as stored: innermost (row length) first. */
  dims: number[];
  typeId: number;
  /** Offset relative to the data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  alignment: number;
  /** KVs as display strings (arrays summarised, long strings cut). */
  metadata: Record<string, string>;
  tensors: GgufTensorInfo[];
  /** Absolute offset of the data section. */
  dataStart: number;
}

const VALUE_TYPES = [
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'bool',
  'string',
  'array',
  'uint64',
  'int64',
  'float64',
] as const;
/** Bytes of one value of each fixed-size metadata type (string and array are variable: their minimum). */
const VALUE_MIN_BYTES = [1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8];
const FIXED_SIZE = [1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8];

function badHeader(
  c: BinaryCursor,
  message: string,
  hint = 'The file is not a valid GGUF file; convert it again.',
) {
  return new ParseError({
    format: 'gguf',
    code: 'bad-header',
    fileName: c.fileName,
    offset: c.pos,
    message,
    hint,
  });
}

function readString(c: BinaryCursor, what: string): string {
  const length = c.u64(`the length of ${what}`);
  c.ensure(length, what);
  return c.utf8(length, what);
}

function readValueType(c: BinaryCursor, what: string): number {
  const type = c.u32(`the type of ${what}`);
  if (type >= VALUE_TYPES.length) throw badHeader(c, `${what} has unknown value type ${type}`);
  return type;
}

/** Reads one scalar value as display text. */
function readScalar(c: BinaryCursor, type: number, what: string): string {
  switch (type) {
    case 0:
      return String(c.u8(what));
    case 1:
      return String(c.i8(what));
    case 2:
      return String(c.u16(what));
    case 3:
      return String(c.i16(what));
    case 4:
      return String(c.u32(what));
    case 5:
      return String(c.i32(what));
    case 6:
      return String(c.f32(what));
    case 7:
      return c.u8(what) === 0 ? 'false' : 'true';
    case 8: {
      const s = readString(c, what);
      return s.length > MAX_SHOWN_CHARS ? `${s.slice(0, MAX_SHOWN_CHARS)}…` : s;
    }
    case 10:
      return c.u64Text(what);
    case 11:
      return c.i64Text(what);
    case 12:
      return String(c.f64(what));
  }
  throw badHeader(c, `${what} has unknown value type ${type}`);
}

/** Reads (or skips) a value of any type, arrays included, and returns its display text. */
function readValue(c: BinaryCursor, type: number, what: string, depth: number): string {
  if (type !== 9) return readScalar(c, type, what);
  if (depth >= MAX_ARRAY_DEPTH) throw badHeader(c, `${what} nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
  const elementType = readValueType(c, `the elements of ${what}`);
  const count = c.u64(`the length of ${what}`);
  c.expectAtLeast(count, VALUE_MIN_BYTES[elementType], `elements in ${what}`);
  const fixed = FIXED_SIZE[elementType];
  const shown: string[] = [];
  const showAll = count <= 8 && elementType !== 9;
  if (showAll) {
    for (let i = 0; i < count; i++) {
      const v = readValue(c, elementType, what, depth + 1);
      shown.push(elementType === 8 ? JSON.stringify(v) : v);
    }
    return `[${shown.join(', ')}]`;
  }
  if (fixed > 0)
    c.skip(count * fixed, what); // a vocabulary's scores or token types: one step
  else for (let i = 0; i < count; i++) skipValue(c, elementType, what, depth + 1);
  return `[${formatCount(count)} × ${VALUE_TYPES[elementType]}]`;
}

/** Skips a value without decoding it (a 150,000-token vocabulary is skipped, not decoded). */
function skipValue(c: BinaryCursor, type: number, what: string, depth: number): void {
  if (type === 8) {
    c.skip(c.u64(`the length of ${what}`), what);
  } else if (type === 9) {
    readValue(c, type, what, depth);
  } else {
    c.skip(FIXED_SIZE[type], what);
  }
}

/**
 * Parses the header from `bytes`, a prefix of the file. Throws NeedMoreBytes when the prefix is too short,
 * and ParseError when the file is not valid GGUF.
 */
export function parseGgufHeader(bytes: Uint8Array, fileSize: number, fileName: string): GgufHeader {
  const c = new BinaryCursor(bytes, fileSize, fileName, 'gguf');
  c.ensure(4, 'the magic number');
  if (bytes[0] !== 0x47 || bytes[1] !== 0x47 || bytes[2] !== 0x55 || bytes[3] !== 0x46) {
    throw new ParseError({
      format: 'gguf',
      code: 'bad-magic',
      fileName,
      offset: 0,
      message: 'not a GGUF file (it does not start with "GGUF")',
      hint: 'Choose a .gguf model file as written by llama.cpp.',
    });
  }
  c.pos = 4;
  const version = c.u32('the version');
  if (version !== 2 && version !== 3) {
    // A big-endian file stores its version bytes reversed: 3 reads as 0x03000000 here.
    const swapped =
      (((version & 0xff) << 24) |
        ((version & 0xff00) << 8) |
        ((version >>> 8) & 0xff00) |
        (version >>> 24)) >>>
      0;
    const bigEndian = swapped >= 1 && swapped <= 3;
    throw new ParseError({
      format: 'gguf',
      code: 'unsupported',
      fileName,
      offset: 4,
      message: bigEndian
        ? 'this is a big-endian GGUF file, which is not supported'
        : `GGUF version ${version} is not supported (versions 2 and 3 are)`,
      hint:
        version === 1
          ? 'GGUF v1 files are from 2023; convert the model again with a current llama.cpp.'
          : 'Use a little-endian GGUF v2 or v3 file, as current llama.cpp writes.',
    });
  }
  const tensorCount = c.u64('the tensor count');
  const kvCount = c.u64('the metadata count');
  c.expectAtLeast(kvCount, 13, 'metadata entries');

  const metadata: Record<string, string> = {};
  let alignment = DEFAULT_ALIGNMENT;
  for (let i = 0; i < kvCount; i++) {
    const key = readString(c, `metadata key #${i + 1}`);
    const type = readValueType(c, `metadata "${key}"`);
    if (key === 'general.alignment' && type !== 9 && type !== 8) {
      const raw = readScalar(c, type, `metadata "${key}"`);
      alignment = Number(raw);
      if (
        !Number.isInteger(alignment) ||
        alignment <= 0 ||
        alignment > 1 << 20 ||
        (alignment & (alignment - 1)) !== 0
      ) {
        throw badHeader(c, `general.alignment is ${raw}; it must be a power of two`);
      }
      metadata[key] = raw;
    } else {
      metadata[key] = readValue(c, type, `metadata "${key}"`, 0);
    }
  }

  c.expectAtLeast(tensorCount, 24, 'tensors');
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = readString(c, `the name of tensor #${i + 1}`);
    const nDims = c.u32(`the dimension count of "${name}"`);
    if (nDims > MAX_DIMS)
      throw badHeader(c, `tensor "${name}" has ${nDims} dimensions (at most ${MAX_DIMS})`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.u64(`the shape of "${name}"`));
    const typeId = c.u32(`the type of "${name}"`);
    const offset = c.u64(`the data offset of "${name}"`);
    tensors.push({ name, dims, typeId, offset });
  }
  const end = c.pos;
  const dataStart = end + ((alignment - (end % alignment)) % alignment);
  return { version, alignment, metadata, tensors, dataStart };
}

/** Reads just enough of the file to parse the header: 1 MiB first, then what the parse asks for. */
export async function readGgufHeader(source: ByteSource, signal?: AbortSignal): Promise<GgufHeader> {
  let bytes = await readRange(source, 0, Math.min(source.size, 1 << 20), 'gguf', 'the GGUF header', signal);
  for (;;) {
    try {
      return parseGgufHeader(bytes, source.size, source.name);
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error;
      if (error.needed > MAX_GGUF_HEADER_BYTES) {
        throw new ParseError({
          format: 'gguf',
          code: 'too-large',
          fileName: source.name,
          message: `the GGUF header is larger than ${formatBytes(MAX_GGUF_HEADER_BYTES)}`,
          hint: 'This file has unusually large metadata; it cannot be opened here.',
        });
      }
      const want = Math.min(source.size, Math.max(error.needed, bytes.length * 2));
      const more = await readRange(
        source,
        bytes.length,
        want - bytes.length,
        'gguf',
        'the GGUF header',
        signal,
      );
      const grown = new Uint8Array(want);
      grown.set(bytes);
      grown.set(more, bytes.length);
      bytes = grown;
    }
  }
}

/** Lists a GGUF file's tensors, checking each one's bytes lie inside the file. */
export async function listGguf(source: ByteSource, signal?: AbortSignal): Promise<TensorListing> {
  const header = await readGgufHeader(source, signal);
  const fail = (message: string, offset?: number) =>
    new ParseError({
      format: 'gguf',
      code: 'bad-header',
      fileName: source.name,
      offset,
      message,
      hint: 'The header lies about the tensor data, or the file is truncated: download or convert it again.',
    });
  const seen = new Set<string>();
  const tensors: TensorEntry[] = header.tensors.map((info) => {
    if (seen.has(info.name)) throw fail(`tensor "${info.name}" is listed twice`);
    seen.add(info.name);
    const type = GGML_TYPES[info.typeId];
    const shape = [...info.dims].reverse();
    const count = info.dims.reduce((a, b) => a * b, 1);
    const offset = header.dataStart + info.offset;
    // Every ggml type takes more than one bit per value, so no tensor can have more values than 8 × file size (and
    // no dimension can be past 2^53, which a zero elsewhere in the shape would otherwise let through).
    if (!Number.isSafeInteger(count) || count > source.size * 8 || !info.dims.every(Number.isSafeInteger)) {
      throw fail(
        `tensor "${info.name}" has an impossible shape [${shape.join(', ')}] for a ${formatBytes(source.size)} file`,
      );
    }
    if (!type) {
      return {
        name: info.name,
        dtype: `type ${info.typeId}`,
        shape,
        byteSize: 0,
        loadable: false,
        reason: `unknown ggml type ${info.typeId} (newer than this app)`,
        location: {
          file: source.name,
          offset,
          encoding: ggmlEncoding(`type${info.typeId}`),
          littleEndian: true,
          order: 'C',
        },
      };
    }
    const ne0 = info.dims[0] ?? 1;
    if (ne0 % type.blockSize !== 0) {
      throw fail(
        `tensor "${info.name}" has rows of ${ne0} values, not a multiple of the ${type.name} block size ${type.blockSize}`,
      );
    }
    if (info.offset % header.alignment !== 0) {
      throw fail(
        `tensor "${info.name}" starts at data offset ${info.offset}, not a multiple of the alignment ${header.alignment}`,
      );
    }
    const byteSize = (count / type.blockSize) * type.typeSize;
    if (!Number.isSafeInteger(byteSize) || offset + byteSize > source.size) {
      throw fail(
        `tensor "${info.name}" (${formatBytes(byteSize)} at offset ${formatCount(offset)}) runs past the end of the file (${formatBytes(source.size)})`,
        offset,
      );
    }
    const entry: TensorEntry = {
      name: info.name,
      dtype: type.name,
      shape,
      byteSize,
      loadable: true,
      location: {
        file: source.name,
        offset,
        encoding: type.element ?? ggmlEncoding(type.name),
        littleEndian: true,
        order: 'C',
      },
    };
    if (count === 0) {
      entry.loadable = false;
      entry.reason = `it has no values (shape [${shape.join(', ')}])`;
    } else if (!type.element && !type.dequantize) {
      entry.loadable = false;
      entry.reason = `dequantizing ${type.name} is not supported (supported: F32, F16, BF16, Q4_0 to Q8_1, Q2_K to Q8_K, IQ4_NL, IQ4_XS, MXFP4)`;
    }
    return entry;
  });
  return {
    format: 'gguf',
    fileName: source.name,
    tensors,
    metadata: { 'gguf.version': String(header.version), ...header.metadata },
  };
}
