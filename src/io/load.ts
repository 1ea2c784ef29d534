/**
 * listTensors / loadTensor: the uniform entry points over every format. Listing reads headers only;
 * loading follows a TensorEntry's location and reads only that tensor's bytes (only the kept rows' bytes when
 * the tensor is over the value limit).
 */
import { shapeAs2D } from '../core/tensor';
import { type ByteSource, readRange, throwIfAborted } from './byteSource';
import { listCsv, loadCsvValues } from './csv';
import { detectFormat } from './detect';
import { countNonFinite, decodeElements, ELEMENT_SIZES, isElementType } from './dtypes';
import { ggmlTypeByEncoding } from './ggmlTypes';
import { listGguf } from './gguf';
import { streamInflate } from './inflateStream';
import { listNpy } from './npy';
import { listNpz } from './npz';
import { formatCount, ParseError, type ParseFormat } from './parseError';
import { DEFAULT_CHUNK_BYTES, type RowDecoder, readRows } from './readRows';
import { listSafetensors } from './safetensors';
import { MAX_INFLATE_BYTES, MAX_VALUES, planRows, type RowPlan } from './sampling';
import { ElementScatter } from './scatter';
import { listSafetensorsUnion, listSharded } from './sharded';
import type { LoadedTensor, LoadOptions, TensorEntry, TensorListing } from './types';

/**
 * Lists the tensors of one file, or of a sharded safetensors checkpoint given as its index file plus shards
 * (or several .safetensors files without an index). Reads headers only, so a multi-GB file lists at once.
 * Rejects with ParseError when the input is not a valid file of a known format.
 */
export async function listTensors(
  sources: readonly ByteSource[],
  signal?: AbortSignal,
): Promise<TensorListing> {
  if (sources.length === 0) {
    throw new ParseError({
      format: 'unknown',
      code: 'empty',
      message: 'no file was given',
      hint: 'Choose a weight file.',
    });
  }
  if (sources.length === 1) {
    const source = sources[0];
    const format = await detectFormat(source, signal);
    switch (format) {
      case 'safetensors':
        return listSafetensors(source, signal);
      case 'npy':
        return listNpy(source, signal);
      case 'npz':
        return listNpz(source, signal);
      case 'gguf':
        return listGguf(source, signal);
      case 'csv':
        return listCsv(source, signal);
      case 'index':
        return listSharded(source, [], signal);
    }
  }
  const formats = await Promise.all(sources.map((s) => detectFormat(s, signal)));
  const indexes = sources.filter((_, i) => formats[i] === 'index');
  const others = sources.filter((_, i) => formats[i] !== 'index');
  if (indexes.length <= 1 && others.every((s) => formats[sources.indexOf(s)] === 'safetensors')) {
    return indexes.length === 1
      ? listSharded(indexes[0], others, signal)
      : listSafetensorsUnion(others, signal);
  }
  throw new ParseError({
    format: 'unknown',
    code: 'unsupported',
    fileName: sources.map((s) => s.name).join(', '),
    message:
      'several files were given, but only the shards of one safetensors checkpoint can be opened together',
    hint: 'Open one file at a time, or a model.safetensors.index.json with its shard files.',
  });
}

/**
 * Loads one tensor of a listing as float32, viewed as 2-D (first dimension as rows, the rest flattened).
 * Above `maxValues` (default MAX_VALUES) evenly spaced rows are kept and `sampled` says so.
 * Reports progress in bytes; rejects with an AbortError when `signal` aborts, ParseError on bad data.
 */
export async function loadTensor(
  sources: readonly ByteSource[],
  listing: TensorListing,
  name: string,
  options: LoadOptions = {},
): Promise<LoadedTensor> {
  const format: ParseFormat = listing.format;
  const entry = listing.tensors.find((t) => t.name === name);
  if (!entry) {
    throw new ParseError({
      format,
      code: 'bad-value',
      fileName: listing.fileName,
      message: `there is no tensor named "${name}"`,
      hint: 'Pick a tensor from the list.',
    });
  }
  if (!entry.loadable) {
    throw new ParseError({
      format,
      code: entry.shape.includes(0) ? 'empty' : 'unsupported',
      fileName: listing.fileName,
      message: `tensor "${name}" cannot be loaded: ${entry.reason ?? 'unsupported'}`,
      hint: 'Pick another tensor.',
    });
  }
  const source = sources.find((s) => s.name === entry.location.file);
  if (!source) {
    throw new ParseError({
      format,
      code: 'missing-file',
      fileName: entry.location.file,
      message: `the file holding tensor "${name}" was not given`,
      hint: 'Open the checkpoint again with all of its files.',
    });
  }
  throwIfAborted(options.signal);
  const { rows, cols } = shapeAs2D(entry.shape);
  const plan = planRows(rows, cols, options.maxValues ?? MAX_VALUES, {
    format,
    fileName: source.name,
    tensorName: name,
  });
  const data = await loadValues(source, entry, plan, format, options);
  return {
    name,
    dtype: entry.dtype,
    shape: [...entry.shape],
    rows: plan.keptRows,
    cols,
    data,
    nonFinite: countNonFinite(data),
    sampled: plan.sampled,
  };
}

async function loadValues(
  source: ByteSource,
  entry: TensorEntry,
  plan: RowPlan,
  format: ParseFormat,
  options: LoadOptions,
): Promise<Float32Array> {
  const { location } = entry;
  const { encoding } = location;
  if (encoding === 'text') return loadCsvValues(source, plan, options.signal);
  const ggml = ggmlTypeByEncoding(encoding);
  if (ggml?.dequantize) {
    const dequantize = ggml.dequantize;
    const blocksPerRow = plan.cols / ggml.blockSize;
    const decode: RowDecoder = (bytes, offset, rowCount, out, outOffset) =>
      dequantize(bytes, offset, rowCount * blocksPerRow, out, outOffset);
    return readRows(source, location.offset, blocksPerRow * ggml.typeSize, plan, decode, format, options);
  }
  if (!isElementType(encoding)) {
    throw new ParseError({
      format,
      code: 'unsupported',
      fileName: source.name,
      message: `tensor "${entry.name}" uses ${entry.dtype}, which cannot be decoded`,
      hint: 'Pick another tensor.',
    });
  }
  const itemSize = ELEMENT_SIZES[encoding];
  const { littleEndian } = location;
  if (location.deflate) {
    const { compressedSize, dataOffsetInStream } = location.deflate;
    // The declared size, checked before inflating: a sample of rows still needs the whole stream inflated.
    const inflatedSize = dataOffsetInStream + plan.totalRows * plan.cols * itemSize;
    const maxInflate = options.maxInflateBytes ?? MAX_INFLATE_BYTES;
    if (inflatedSize > maxInflate) {
      throw new ParseError({
        format,
        code: 'too-large',
        fileName: `${source.name}/${entry.name}.npy`,
        message: `the compressed array declares ${mebibytes(inflatedSize)} of data, more than the ${mebibytes(maxInflate)} this app inflates to read a compressed array (even a sample of its rows needs all of it inflated)`,
        hint: 'Save it uncompressed (numpy.savez, .npy or .safetensors): those are sampled by reading only the rows kept.',
      });
    }
    const scatter = new ElementScatter(
      entry.shape,
      location.order,
      plan,
      encoding,
      littleEndian,
      options.allocate,
    );
    let skip = dataOffsetInStream;
    let inflated = 0;
    options.onProgress?.(0, inflatedSize);
    await streamInflate(
      source,
      location.offset,
      compressedSize,
      entry.name,
      (chunk) => {
        let bytes = chunk;
        inflated += chunk.length;
        // Progress in inflated bytes of the declared size: what the user knows the array by.
        options.onProgress?.(Math.min(inflated, inflatedSize), inflatedSize);
        if (skip > 0) {
          const n = Math.min(skip, bytes.length);
          skip -= n;
          bytes = bytes.subarray(n);
        }
        scatter.push(bytes);
        return scatter.done;
      },
      { signal: options.signal, chunkBytes: 1 << 20 },
    );
    if (!scatter.done) {
      throw new ParseError({
        format,
        code: 'truncated',
        fileName: `${source.name}/${entry.name}.npy`,
        message: `the compressed array ends before its ${formatCount(plan.totalRows * plan.cols)} values`,
        hint: 'The archive is damaged: save or download it again.',
      });
    }
    return scatter.out;
  }
  if (location.order === 'F' && entry.shape.length >= 2) {
    return readStreamed(source, entry, plan, format, options);
  }
  const decode: RowDecoder = (bytes, offset, rowCount, out, outOffset) =>
    decodeElements(encoding, bytes, offset, rowCount * plan.cols, littleEndian, out, outOffset);
  return readRows(source, location.offset, plan.cols * itemSize, plan, decode, format, options);
}

/** Fortran-order arrays: every row is spread over the whole data, so read it all in chunks and transpose. */
async function readStreamed(
  source: ByteSource,
  entry: TensorEntry,
  plan: RowPlan,
  format: ParseFormat,
  options: LoadOptions,
): Promise<Float32Array> {
  const { location } = entry;
  const encoding = location.encoding as keyof typeof ELEMENT_SIZES;
  const total = plan.totalRows * plan.cols * ELEMENT_SIZES[encoding];
  const scatter = new ElementScatter(
    entry.shape,
    'F',
    plan,
    encoding,
    location.littleEndian,
    options.allocate,
  );
  options.onProgress?.(0, total);
  for (let pos = 0; pos < total; ) {
    throwIfAborted(options.signal);
    const n = Math.min(DEFAULT_CHUNK_BYTES, total - pos);
    scatter.push(await readRange(source, location.offset + pos, n, format, 'tensor data', options.signal));
    pos += n;
    options.onProgress?.(pos, total);
  }
  return scatter.out;
}

/** Bytes in MiB with one decimal, for sizes the user compares: 268435584 → "256.0 MiB". */
function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
