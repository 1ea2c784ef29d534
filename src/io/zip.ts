/**
 * Just enough of the ZIP format (PKWARE APPNOTE.TXT 6.3.x) to find the members of a .npz without reading the
 * whole archive: the end-of-central-directory record (§4.3.16, with the ZIP64 locator and record of §4.3.14–15),
 * the central directory headers (§4.3.12, ZIP64 extra field §4.5.3) and each member's local header (§4.3.7).
 * Decompression is fflate's (see inflateStream.ts); only stored (0) and deflated (8) members can be read.
 */
import { type ByteSource, readRange } from './byteSource';
import { formatBytes, formatCount, ParseError } from './parseError';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is unsupported. */
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** A central directory larger than this is not a .npz anyone made by hand: refuse. */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
const EOCD_SIZE = 22;
const MAX_COMMENT = 65535;

function zipError(
  fileName: string,
  message: string,
  offset?: number,
  code: 'bad-header' | 'bad-magic' | 'truncated' = 'bad-header',
) {
  return new ParseError({
    format: 'npz',
    code,
    fileName,
    offset,
    message,
    hint:
      code === 'bad-magic'
        ? 'Choose a .npz file saved with numpy.savez or numpy.savez_compressed.'
        : 'The archive is damaged or truncated: save or download it again.',
  });
}

function u16(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}
function u32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}
function u64(b: Uint8Array, p: number): number {
  return u32(b, p + 4) * 4294967296 + u32(b, p);
}

/** Reads the central directory: every member's name, method, sizes and local header offset. */
export async function readZipDirectory(source: ByteSource, signal?: AbortSignal): Promise<ZipEntry[]> {
  const name = source.name;
  if (source.size < EOCD_SIZE) {
    throw zipError(
      name,
      `the file has ${formatBytes(source.size)}, too few for a zip archive`,
      0,
      'truncated',
    );
  }
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await readRange(source, tailStart, tailLength, 'npz', 'the end of the archive', signal);
  let eocd = -1;
  for (let p = tail.length - EOCD_SIZE; p >= 0; p--) {
    if (u32(tail, p) === 0x06054b50 && p + EOCD_SIZE + u16(tail, p + 20) <= tail.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) {
    throw zipError(
      name,
      'no zip end-of-central-directory record found: this is not a zip/.npz archive',
      undefined,
      'bad-magic',
    );
  }
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator sits just before the classic record and points at the ZIP64 record.
    if (eocd < 20 || u32(tail, eocd - 20) !== 0x07064b50) {
      throw zipError(name, 'the archive announces ZIP64 sizes but has no ZIP64 locator', tailStart + eocd);
    }
    const recordOffset = u64(tail, eocd - 20 + 8);
    const record = await readRange(source, recordOffset, 56, 'npz', 'the ZIP64 directory record', signal);
    if (u32(record, 0) !== 0x06064b50)
      throw zipError(name, 'the ZIP64 directory record is missing', recordOffset);
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES || count * 46 > cdSize || cdOffset + cdSize > source.size) {
    throw zipError(
      name,
      `the central directory (${formatCount(count)} entries, ${formatBytes(cdSize)} at offset ${formatCount(cdOffset)}) does not fit the file`,
      cdOffset,
    );
  }
  const cd = await readRange(source, cdOffset, cdSize, 'npz', 'the central directory', signal);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) {
      throw zipError(name, `central directory entry ${i + 1} is damaged`, cdOffset + p);
    }
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    let compressedSize = u32(cd, p + 20);
    let uncompressedSize = u32(cd, p + 24);
    const nameLength = u16(cd, p + 28);
    const extraLength = u16(cd, p + 30);
    const commentLength = u16(cd, p + 32);
    let localHeaderOffset = u32(cd, p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length)
      throw zipError(name, `central directory entry ${i + 1} runs past the directory`, cdOffset + p);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    const entryName = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    // ZIP64 extended information (header id 0x0001): only the fields whose 32-bit value is 0xFFFFFFFF, in order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = u16(cd, e);
      const size = u16(cd, e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + size)
            throw zipError(name, `entry "${entryName}" has a short ZIP64 field`, cdOffset + q);
          const v = u64(cd, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      e += 4 + size;
    }
    entries.push({ name: entryName, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = end;
  }
  return entries;
}

/** Absolute offset of a member's (possibly compressed) data, from its local header. */
export async function locateEntryData(
  source: ByteSource,
  entry: ZipEntry,
  signal?: AbortSignal,
): Promise<number> {
  const header = await readRange(
    source,
    entry.localHeaderOffset,
    30,
    'npz',
    `the local header of "${entry.name}"`,
    signal,
  );
  if (u32(header, 0) !== 0x04034b50) {
    throw zipError(source.name, `the local header of "${entry.name}" is missing`, entry.localHeaderOffset);
  }
  const dataStart = entry.localHeaderOffset + 30 + u16(header, 26) + u16(header, 28);
  if (dataStart + entry.compressedSize > source.size) {
    throw zipError(
      source.name,
      `member "${entry.name}" (${formatBytes(entry.compressedSize)} at offset ${formatCount(dataStart)}) runs past the end of the file`,
      dataStart,
      'truncated',
    );
  }
  return dataStart;
}
