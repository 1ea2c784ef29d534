/**
 * safetensors reader (format: huggingface/safetensors README "Format"): an 8-byte little-endian header length N,
 * N bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {str: str} }`,
 * then the data buffer; offsets are relative to the buffer. Validation follows the reference crate
 * (`safetensors/src/tensor.rs`): N ≤ 100,000,000, JSON object, offsets inside the buffer, no overlaps,
 * end − begin = product(shape) × dtype size. Sharded checkpoints (model.safetensors.index.json) are in sharded.ts.
 */
import { type ByteSource, readRange } from './byteSource';
import type { ElementType } from './dtypes';
import { formatBytes, formatCount, ParseError } from './parseError';
import type { TensorEntry, TensorListing } from './types';

/** The reference implementation's header limit (MAX_HEADER_SIZE in safetensors/src/tensor.rs). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** safetensors dtype names → bits per value and the decoder, when the app has one. */
const DTYPES: Readonly<Record<string, { bits: number; element?: ElementType }>> = {
  F64: { bits: 64, element: 'f64' },
  F32: { bits: 32, element: 'f32' },
  F16: { bits: 16, element: 'f16' },
  BF16: { bits: 16, element: 'bf16' },
  F8_E4M3: { bits: 8, element: 'f8_e4m3fn' },
  F8_E5M2: { bits: 8, element: 'f8_e5m2' },
  F8_E8M0: { bits: 8, element: 'f8_e8m0' },
  I8: { bits: 8, element: 'i8' },
  U8: { bits: 8, element: 'u8' },
  I16: { bits: 16, element: 'i16' },
  U16: { bits: 16, element: 'u16' },
  I32: { bits: 32, element: 'i32' },
  U32: { bits: 32, element: 'u32' },
  I64: { bits: 64, element: 'i64' },
  U64: { bits: 64, element: 'u64' },
  BOOL: { bits: 8, element: 'bool' },
  // Known to the format but not decoded here (packed sub-byte floats, complex).
  F4: { bits: 4 },
  F6_E2M3: { bits: 6 },
  F6_E3M2: { bits: 6 },
  C64: { bits: 64 },
};

export interface SafetensorsHeader {
  tensors: TensorEntry[];
  metadata: Record<string, string>;
}

function bad(fileName: string, message: string, offset?: number, hint?: string): ParseError {
  return new ParseError({
    format: 'safetensors',
    code: 'bad-header',
    fileName,
    offset,
    message,
    hint: hint ?? 'The header is corrupt or was written by a broken exporter; save the file again.',
  });
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and validates the JSON header. `dataStart` is 8 + N; `fileSize` bounds the offsets.
 * Exported for tests; `listSafetensors` is the entry point.
 */
export function parseSafetensorsHeader(
  json: Uint8Array,
  fileName: string,
  fileSize: number,
  dataStart: number,
): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw bad(fileName, 'the header is not valid UTF-8', 8);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad(fileName, `the header is not valid JSON (${(error as Error).message})`, 8);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw bad(fileName, 'the header is not a JSON object', 8);
  }
  const bufferSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: TensorEntry[] = [];
  const spans: { begin: number; end: number; name: string }[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw bad(fileName, '"__metadata__" is not an object of strings', 8);
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    if (typeof value !== 'object' || value === null)
      throw bad(fileName, `tensor "${name}" is not an object`, 8);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string') throw bad(fileName, `tensor "${name}" has no dtype string`, 8);
    if (!Array.isArray(shape) || !shape.every(isSize)) {
      throw bad(fileName, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`, 8);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(isSize) ||
      offsets[0] > offsets[1]
    ) {
      throw bad(fileName, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`, 8);
    }
    const [begin, end] = offsets as [number, number];
    if (end > bufferSize) {
      throw new ParseError({
        format: 'safetensors',
        code: 'truncated',
        fileName,
        offset: dataStart + begin,
        message: `tensor "${name}" (bytes ${formatCount(begin)} to ${formatCount(end)} of the data) runs past the end of the file (the data section has ${formatBytes(bufferSize)})`,
        hint: 'The file looks truncated: download it again.',
      });
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const info = DTYPES[dtype];
    const entry: TensorEntry = {
      name,
      dtype,
      shape: shape as number[],
      byteSize: end - begin,
      loadable: true,
      location: {
        file: fileName,
        offset: dataStart + begin,
        encoding: info?.element ?? 'u8',
        littleEndian: true,
        order: 'C',
      },
    };
    if (!info) {
      entry.loadable = false;
      entry.reason = `dtype ${dtype} is not supported`;
    } else {
      const bits = count * info.bits;
      if (!Number.isSafeInteger(bits) || bits % 8 !== 0 || bits / 8 !== end - begin) {
        throw bad(
          fileName,
          `tensor "${name}" is ${dtype} with shape [${(shape as number[]).join(', ')}], which needs ${Number.isSafeInteger(bits) ? formatBytes(Math.ceil(bits / 8)) : 'an impossible number of bytes'}, but its data_offsets span ${formatBytes(end - begin)}`,
          8,
        );
      }
      if (!info.element) {
        entry.loadable = false;
        entry.reason = `dtype ${dtype} is not supported (packed sub-byte or complex values)`;
      } else if (count === 0) {
        entry.loadable = false;
        entry.reason = `it has no values (shape [${(shape as number[]).join(', ')}])`;
      }
    }
    tensors.push(entry);
    if (end > begin) spans.push({ begin, end, name });
  }
  spans.sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end) {
      throw bad(
        fileName,
        `tensors "${spans[i - 1].name}" and "${spans[i].name}" overlap (bytes ${formatCount(spans[i].begin)} to ${formatCount(spans[i - 1].end)})`,
        8,
      );
    }
  }
  return { tensors, metadata };
}

/** Reads the 8-byte length and the JSON header (nothing else) and lists the tensors. */
export async function listSafetensors(source: ByteSource, signal?: AbortSignal): Promise<TensorListing> {
  const header = await readSafetensorsHeader(source, signal);
  return { format: 'safetensors', fileName: source.name, tensors: header.tensors, metadata: header.metadata };
}

export async function readSafetensorsHeader(
  source: ByteSource,
  signal?: AbortSignal,
): Promise<SafetensorsHeader> {
  if (source.size < 8) {
    throw new ParseError({
      format: 'safetensors',
      code: 'truncated',
      fileName: source.name,
      message: `the file has ${formatBytes(source.size)}, fewer than the 8 bytes of the header length`,
      hint: 'This is not a complete .safetensors file: download it again.',
    });
  }
  const prefix = await readRange(source, 0, 8, 'safetensors', 'the header length', signal);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const length = view.getUint32(4, true) * 4294967296 + view.getUint32(0, true);
  if (length > MAX_SAFETENSORS_HEADER_BYTES) {
    const larger = length > source.size - 8;
    throw new ParseError({
      format: 'safetensors',
      code: larger ? 'bad-header' : 'too-large',
      fileName: source.name,
      offset: 0,
      message: larger
        ? `header length ${formatCount(length)} is larger than the file (${formatBytes(source.size)})`
        : `header length ${formatCount(length)} is over the 100 MB limit`,
      hint: larger
        ? 'This is not a .safetensors file, or it is truncated.'
        : 'A genuine header is far smaller; the file is corrupt or not a .safetensors file.',
    });
  }
  if (length > source.size - 8) {
    throw new ParseError({
      format: 'safetensors',
      code: 'truncated',
      fileName: source.name,
      offset: 0,
      message: `header length ${formatCount(length)} is larger than the file (${formatBytes(source.size)})`,
      hint: 'This is not a .safetensors file, or it is truncated: download it again.',
    });
  }
  if (length < 2) throw bad(source.name, `header length ${length} is too short for a JSON object`, 0);
  const json = await readRange(source, 8, length, 'safetensors', 'the JSON header', signal);
  return parseSafetensorsHeader(json, source.name, source.size, 8 + length);
}
