/**
 * NumPy .npy reader, format versions 1.0, 2.0 and 3.0 (numpy/lib/format.py, NEP 1): magic "\x93NUMPY",
 * major and minor version bytes, header length (uint16 LE in v1, uint32 LE in v2/v3), then an ASCII (v3: UTF-8)
 * Python dict literal with 'descr', 'fortran_order' and 'shape', padded with spaces and a newline; the data
 * follows. The same header code serves .npz entries.
 */
import { NeedMoreBytes } from './binaryCursor';
import { type ByteSource, readRange } from './byteSource';
import { ELEMENT_SIZES, type ElementType } from './dtypes';
import { formatBytes, formatCount, ParseError, type ParseFormat } from './parseError';
import { PyLiteralError, type PyValue, parsePyLiteral } from './pyLiteral';
import type { TensorEntry, TensorListing } from './types';

/** Headers longer than this are refused (NumPy's own reader refuses above 10,000 bytes unless told otherwise). */
export const MAX_NPY_HEADER_BYTES = 1024 * 1024;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  version: string;
  /** The dtype string as written ('<f4', '>f8', '|b1'); structured dtypes are shown as JSON. */
  descr: string;
  /** Decoder, when the dtype is supported. */
  element?: ElementType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the data from the start of the .npy bytes. */
  dataOffset: number;
  /** Bytes of data the header announces (0 when the item size is unknown, e.g. object arrays). */
  dataBytes: number;
  /** Why the array cannot be loaded, when it cannot. */
  reason?: string;
}

/** True when `bytes` starts with the .npy magic string. */
export function hasNpyMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

const KIND_ELEMENTS: Record<string, Record<number, ElementType>> = {
  f: { 2: 'f16', 4: 'f32', 8: 'f64' },
  i: { 1: 'i8', 2: 'i16', 4: 'i32', 8: 'i64' },
  u: { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' },
  b: { 1: 'bool' },
};

/** Maps a NumPy dtype string to a decoder, or says why it cannot be decoded. */
function interpretDescr(descr: string): {
  element?: ElementType;
  littleEndian: boolean;
  itemSize: number;
  reason?: string;
} {
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  if (!m) return { littleEndian: true, itemSize: 0, reason: `dtype ${descr} is not supported` };
  const [, order, kind, digits] = m;
  const size = Number(digits || '0');
  const littleEndian = order !== '>';
  const element = KIND_ELEMENTS[kind]?.[size];
  if (element) return { element, littleEndian, itemSize: ELEMENT_SIZES[element] };
  const itemSize = kind === 'U' ? size * 4 : kind === 'O' ? 0 : size;
  const what =
    kind === 'c'
      ? 'complex numbers'
      : kind === 'U' || kind === 'S'
        ? 'strings'
        : kind === 'O'
          ? 'Python objects'
          : kind === 'M' || kind === 'm'
            ? 'dates/times'
            : kind === 'f'
              ? `${size * 8}-bit floats`
              : 'this kind of value';
  return { littleEndian, itemSize, reason: `dtype ${descr} (${what}) is not supported` };
}

/**
 * Parses the .npy header at the start of `prefix` (the first bytes of the array, whose full size is
 * `totalSize`). Throws NeedMoreBytes when the header extends past `prefix`, ParseError when it is invalid.
 */
export function parseNpyHeader(
  prefix: Uint8Array,
  totalSize: number,
  fileName: string,
  format: ParseFormat = 'npy',
): NpyHeader {
  const fail = (
    code: 'bad-magic' | 'bad-header' | 'truncated' | 'unsupported',
    message: string,
    hint: string,
  ) => new ParseError({ format, code, fileName, offset: 0, message, hint });
  const need = (n: number, what: string) => {
    if (totalSize < n) {
      throw fail(
        'truncated',
        `the file is too short to be a .npy file: ${what} needs ${formatBytes(n)}, the file has ${formatBytes(totalSize)}`,
        'The file looks truncated: save or download it again.',
      );
    }
    if (prefix.length < n) throw new NeedMoreBytes(n);
  };
  need(8, 'the magic string and version');
  if (!hasNpyMagic(prefix)) {
    throw fail(
      'bad-magic',
      'not a .npy file (it does not start with "\\x93NUMPY")',
      'Save the array with numpy.save.',
    );
  }
  const major = prefix[6];
  const minor = prefix[7];
  if (major < 1 || major > 3) {
    throw fail(
      'unsupported',
      `.npy format version ${major}.${minor} is not supported (1.0 to 3.0 are)`,
      'Save the array again with numpy.save.',
    );
  }
  const lengthBytes = major === 1 ? 2 : 4;
  need(8 + lengthBytes, 'the header length');
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    throw fail(
      'bad-header',
      `the header claims ${formatBytes(headerLength)}, more than any real .npy header`,
      'The file is corrupt; save it again.',
    );
  }
  if (headerStart + headerLength > totalSize) {
    throw fail(
      'truncated',
      `the header (${formatBytes(headerLength)}) runs past the end of the file (${formatBytes(totalSize)})`,
      'The file looks truncated: save or download it again.',
    );
  }
  need(headerStart + headerLength, 'the header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    prefix.subarray(headerStart, headerStart + headerLength),
  );
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (error) {
    const detail = error instanceof PyLiteralError ? error.message : String(error);
    throw fail(
      'bad-header',
      `the header is not a valid Python dict literal (${detail})`,
      'The file is corrupt; save it again.',
    );
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw fail('bad-header', 'the header is not a dict', 'The file is corrupt; save it again.');
  }
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof fortran !== 'boolean') {
    throw fail(
      'bad-header',
      "the header has no boolean 'fortran_order'",
      'The file is corrupt; save it again.',
    );
  }
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw fail(
      'bad-header',
      `the header's 'shape' is not a tuple of sizes (${JSON.stringify(shape)})`,
      'The file is corrupt; save it again.',
    );
  }
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const dataOffset = headerStart + headerLength;
  if (typeof descr !== 'string') {
    return {
      version: `${major}.${minor}`,
      descr: JSON.stringify(descr),
      littleEndian: true,
      fortranOrder: fortran,
      shape: dims,
      dataOffset,
      dataBytes: 0,
      reason: 'structured dtypes (records with named fields) are not supported',
    };
  }
  const info = interpretDescr(descr);
  const dataBytes = count * info.itemSize;
  if (!Number.isSafeInteger(dataBytes)) {
    throw fail(
      'bad-header',
      `the shape (${dims.join(', ')}) is impossibly large`,
      'The file is corrupt; save it again.',
    );
  }
  if (info.itemSize > 0 && dataOffset + dataBytes > totalSize) {
    throw fail(
      'truncated',
      `expected ${formatCount(dataBytes)} data bytes for shape (${dims.join(', ')}) of ${descr}, found ${formatCount(Math.max(0, totalSize - dataOffset))}`,
      'The file looks truncated: save or download it again.',
    );
  }
  let reason = info.reason;
  if (!reason && count === 0) reason = `it has no values (shape (${dims.join(', ')}))`;
  return {
    version: `${major}.${minor}`,
    descr,
    element: info.element,
    littleEndian: info.littleEndian,
    fortranOrder: fortran,
    shape: dims,
    dataOffset,
    dataBytes,
    reason,
  };
}

/** Reads and parses the header of a .npy stored at `base` in `source` (a file, or a stored .npz entry). */
export async function readNpyHeader(
  source: ByteSource,
  base: number,
  size: number,
  name: string,
  format: ParseFormat,
  signal?: AbortSignal,
): Promise<NpyHeader> {
  let prefix = await readRange(source, base, Math.min(size, 4096), format, 'the .npy header', signal);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return parseNpyHeader(prefix, size, name, format);
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error;
      prefix = await readRange(source, base, error.needed, format, 'the .npy header', signal);
    }
  }
  return parseNpyHeader(prefix, size, name, format);
}

/** The TensorEntry for an array whose .npy bytes start at `base` in `file`. */
export function npyEntry(name: string, header: NpyHeader, file: string, base: number): TensorEntry {
  return {
    name,
    dtype: header.descr,
    shape: header.shape,
    byteSize: header.dataBytes,
    loadable: header.reason === undefined,
    ...(header.reason === undefined ? {} : { reason: header.reason }),
    location: {
      file,
      offset: base + header.dataOffset,
      encoding: header.element ?? 'u8',
      littleEndian: header.littleEndian,
      order: header.fortranOrder ? 'F' : 'C',
    },
  };
}

/** Array name for a file: "weights.npy" → "weights". */
export function arrayNameOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  return base.replace(/\.npy$/i, '') || base;
}

export async function listNpy(source: ByteSource, signal?: AbortSignal): Promise<TensorListing> {
  const header = await readNpyHeader(source, 0, source.size, source.name, 'npy', signal);
  return {
    format: 'npy',
    fileName: source.name,
    tensors: [npyEntry(arrayNameOf(source.name), header, source.name, 0)],
    metadata: { 'npy.version': header.version, fortran_order: String(header.fortranOrder) },
  };
}
