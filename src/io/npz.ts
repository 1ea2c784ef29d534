/**
 * NumPy .npz reader: a zip archive (numpy.savez: stored; numpy.savez_compressed: deflated) whose members
 * "name.npy" are .npy files. Lists arrays by reading the zip directory and each member's .npy header only.
 */
import { NeedMoreBytes } from './binaryCursor';
import type { ByteSource } from './byteSource';
import { inflatePrefix } from './inflateStream';
import { type NpyHeader, npyEntry, parseNpyHeader, readNpyHeader } from './npy';
import { ParseError } from './parseError';
import type { TensorEntry, TensorListing } from './types';
import { locateEntryData, readZipDirectory, type ZipEntry } from './zip';

async function readDeflatedHeader(
  source: ByteSource,
  entry: ZipEntry,
  dataStart: number,
  memberName: string,
  signal?: AbortSignal,
): Promise<NpyHeader> {
  let want = Math.min(entry.uncompressedSize, 4096);
  for (let attempt = 0; attempt < 3; attempt++) {
    const prefix = await inflatePrefix(source, dataStart, entry.compressedSize, memberName, want, signal);
    try {
      // If the member inflates to less than the directory claims, the header check sees the shorter size.
      const size = prefix.length < want ? prefix.length : entry.uncompressedSize;
      return parseNpyHeader(prefix, size, memberName, 'npz');
    } catch (error) {
      if (!(error instanceof NeedMoreBytes) || error.needed <= want) throw error;
      want = error.needed;
    }
  }
  throw new ParseError({
    format: 'npz',
    code: 'bad-header',
    fileName: memberName,
    message: 'the .npy header could not be read',
    hint: 'The archive is damaged: save it again.',
  });
}

async function entryOf(source: ByteSource, entry: ZipEntry, signal?: AbortSignal): Promise<TensorEntry> {
  const arrayName = entry.name.slice(0, -4);
  const memberName = `${source.name}/${entry.name}`;
  const unsupported = (reason: string): TensorEntry => ({
    name: arrayName,
    dtype: '?',
    shape: [],
    byteSize: 0,
    loadable: false,
    reason,
    location: { file: source.name, offset: 0, encoding: 'u8', littleEndian: true, order: 'C' },
  });
  if (entry.flags & 1) return unsupported('the member is encrypted');
  if (entry.method !== 0 && entry.method !== 8) {
    return unsupported(`zip compression method ${entry.method} is not supported (stored and deflated are)`);
  }
  const dataStart = await locateEntryData(source, entry, signal);
  if (entry.method === 0) {
    const header = await readNpyHeader(source, dataStart, entry.uncompressedSize, memberName, 'npz', signal);
    return npyEntry(arrayName, header, source.name, dataStart);
  }
  const header = await readDeflatedHeader(source, entry, dataStart, memberName, signal);
  const result = npyEntry(arrayName, header, source.name, dataStart);
  result.location = {
    ...result.location,
    offset: dataStart,
    deflate: { compressedSize: entry.compressedSize, dataOffsetInStream: header.dataOffset },
  };
  return result;
}

export async function listNpz(source: ByteSource, signal?: AbortSignal): Promise<TensorListing> {
  const members = (await readZipDirectory(source, signal)).filter((e) => e.name.endsWith('.npy'));
  if (members.length === 0) {
    throw new ParseError({
      format: 'npz',
      code: 'empty',
      fileName: source.name,
      message: 'the archive holds no .npy arrays',
      hint: 'Save arrays with numpy.savez or numpy.savez_compressed.',
    });
  }
  const tensors: TensorEntry[] = [];
  for (const member of members) tensors.push(await entryOf(source, member, signal));
  const compressed = members.some((m) => m.method === 8);
  return {
    format: 'npz',
    fileName: source.name,
    tensors,
    metadata: { compression: compressed ? 'deflate' : 'stored' },
  };
}
