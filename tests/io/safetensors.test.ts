import { describe, expect, it } from 'vitest';
import { fromBytes, listTensors, loadTensor, ParseError } from '../../src/io';
import { bfloat16Bytes, bytesOf, concatBytes, float16Bytes, safetensorsBytes } from '../helpers/writers';
import { countingSource, hugeSource } from './sources';

const f32 = (...v: number[]) => bytesOf(Float32Array.from(v));

async function loadAll(bytes: Uint8Array, name: string, fileName = 'model.safetensors') {
  const sources = [fromBytes(fileName, bytes)];
  const listing = await listTensors(sources);
  return loadTensor(sources, listing, name);
}

async function listingError(bytes: Uint8Array, fileName = 'model.safetensors'): Promise<ParseError> {
  const error = await listTensors([fromBytes(fileName, bytes)]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ParseError);
  return error as ParseError;
}

describe('safetensors listing', () => {
  const file = safetensorsBytes(
    [
      { name: 'embed.weight', dtype: 'F32', shape: [2, 3], data: f32(1, 2, 3, 4, 5, 6) },
      { name: 'norm.bias', dtype: 'BF16', shape: [4], data: bfloat16Bytes([1, -2, 0.5, 3]) },
    ],
    { metadata: { format: 'pt' } },
  );

  it('lists every tensor with dtype, shape, byte size and the metadata', async () => {
    const listing = await listTensors([fromBytes('model.safetensors', file)]);
    expect(listing.format).toBe('safetensors');
    expect(listing.metadata).toEqual({ format: 'pt' });
    expect(
      listing.tensors.map(({ name, dtype, shape, byteSize, loadable }) => ({
        name,
        dtype,
        shape,
        byteSize,
        loadable,
      })),
    ).toEqual([
      { name: 'embed.weight', dtype: 'F32', shape: [2, 3], byteSize: 24, loadable: true },
      { name: 'norm.bias', dtype: 'BF16', shape: [4], byteSize: 8, loadable: true },
    ]);
  });

  it('reads only the 8-byte length and the header of a 10 GB file', async () => {
    const headerEnd = file.length - 32;
    const source = hugeSource('big.safetensors', file.subarray(0, headerEnd), 10 * 2 ** 30);
    // The offsets in this header are within the file, so listing works without touching the data.
    const listing = await listTensors([source]);
    expect(listing.tensors).toHaveLength(2);
    expect(source.reads.every(([offset, length]) => offset + length <= headerEnd)).toBe(true);
  });

  it('loads only the chosen tensor’s bytes', async () => {
    const source = countingSource('model.safetensors', file);
    const listing = await listTensors([source]);
    const before = source.reads.length;
    const t = await loadTensor([source], listing, 'norm.bias');
    expect(source.reads.slice(before)).toEqual([[file.length - 8, 8]]);
    expect(Array.from(t.data)).toEqual([1, -2, 0.5, 3]);
    expect([t.rows, t.cols]).toEqual([1, 4]);
  });
});

describe('safetensors dtypes', () => {
  const cases: [string, Uint8Array, number[]][] = [
    ['F64', bytesOf(Float64Array.of(0.1, -2)), [Math.fround(0.1), -2]],
    ['F32', f32(1.5, -0), [1.5, -0]],
    ['F16', float16Bytes([65504, -(1023 * 2 ** -24)]), [65504, -(1023 * 2 ** -24)]],
    ['BF16', bfloat16Bytes([-3, 2 ** -100]), [-3, 2 ** -100]],
    ['F8_E4M3', Uint8Array.of(0x7e, 0xb8), [448, -1]],
    ['F8_E5M2', Uint8Array.of(0x7b, 0x3c), [57344, 1]],
    ['I8', Uint8Array.of(0x80, 0x7f), [-128, 127]],
    ['U8', Uint8Array.of(0, 255), [0, 255]],
    ['I16', bytesOf(Int16Array.of(-32768, 5)), [-32768, 5]],
    ['U16', bytesOf(Uint16Array.of(65535, 1)), [65535, 1]],
    ['I32', bytesOf(Int32Array.of(-7, 16777217)), [-7, 16777216]],
    ['U32', bytesOf(Uint32Array.of(4294967295, 3)), [4294967296, 3]],
    ['I64', bytesOf(BigInt64Array.of(-5n, 9007199254740993n)), [-5, 9007199254740992]],
    ['BOOL', Uint8Array.of(1, 0), [1, 0]],
  ];

  it.each(cases)('converts %s to float32 and reports the original dtype', async (dtype, data, expected) => {
    const t = await loadAll(safetensorsBytes([{ name: 'x', dtype, shape: [2], data }]), 'x');
    expect(t.dtype).toBe(dtype);
    expect(Array.from(t.data)).toEqual(expected);
  });

  it('views a 4-D conv weight as out × (in·kh·kw)', async () => {
    const values = Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    const t = await loadAll(
      safetensorsBytes([{ name: 'conv', dtype: 'F32', shape: [2, 3, 2, 2], data: f32(...values) }]),
      'conv',
    );
    expect([t.rows, t.cols, t.shape]).toEqual([2, 12, [2, 3, 2, 2]]);
    expect(Array.from(t.data)).toEqual(values);
  });

  it('counts NaN and infinities instead of refusing them', async () => {
    const t = await loadAll(
      safetensorsBytes([
        {
          name: 'x',
          dtype: 'F32',
          shape: [4],
          data: f32(Number.NaN, 1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        },
      ]),
      'x',
    );
    expect(t.nonFinite).toBe(3);
  });

  it('lists an unsupported dtype as not loadable and refuses to load it with a reason', async () => {
    const bytes = safetensorsBytes([
      { name: 'packed', dtype: 'F4', shape: [4], data: Uint8Array.of(1, 2) },
      { name: 'future', dtype: 'F3_E1M1', shape: [3], data: Uint8Array.of(1, 2, 3) },
    ]);
    const sources = [fromBytes('m.safetensors', bytes)];
    const listing = await listTensors(sources);
    expect(listing.tensors.map((t) => [t.name, t.loadable, t.reason])).toEqual([
      ['packed', false, expect.stringContaining('F4 is not supported')],
      ['future', false, 'dtype F3_E1M1 is not supported'],
    ]);
    const error = await loadTensor(sources, listing, 'future').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ParseError',
      code: 'unsupported',
      message: expect.stringMatching(/future.*F3_E1M1/),
    });
  });

  it('lists a zero-sized tensor and explains why it cannot be loaded', async () => {
    const bytes = safetensorsBytes([{ name: 'empty', dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) }]);
    const sources = [fromBytes('m.safetensors', bytes)];
    const listing = await listTensors(sources);
    expect(listing.tensors[0]).toMatchObject({ loadable: false, reason: 'it has no values (shape [0, 4])' });
    await expect(loadTensor(sources, listing, 'empty')).rejects.toMatchObject({ code: 'empty' });
  });
});

describe('safetensors validation', () => {
  const good = [{ name: 'w', dtype: 'F32', shape: [2], data: f32(1, 2) }];

  it('rejects a header length larger than the file, naming the file and both sizes', async () => {
    const bytes = concatBytes(
      safetensorsBytes(good, { headerLength: 9_000_000_000_000_000n }),
      new Uint8Array(1024 - 40),
    );
    const error = await listingError(bytes);
    expect(error.message).toBe(
      `model.safetensors: header length 9,000,000,000,000,000 is larger than the file (${bytes.length.toLocaleString('en-US')} bytes)`,
    );
    expect(error.hint).toMatch(/not a \.safetensors file|truncated/);
    expect(error.format).toBe('safetensors');
  });

  it('rejects a header over 100 MB even when the file is larger', async () => {
    const prefix = safetensorsBytes(good, { headerLength: 100_000_001 });
    const error = await listTensors([hugeSource('m.safetensors', prefix, 300_000_000)]).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('over the 100 MB limit'),
    });
  });

  it.each([
    ['invalid JSON', safetensorsBytes(good, { headerText: '{"w": {"dtype": "F32",' }), /not valid JSON/],
    ['a JSON array', safetensorsBytes(good, { headerText: '[1, 2]' }), /not a JSON object/],
    [
      'a shape of strings',
      safetensorsBytes([{ name: 'w', dtype: 'F32', shape: ['2'] as unknown as number[], data: f32(1, 2) }]),
      /invalid shape/,
    ],
    ['reversed offsets', safetensorsBytes([{ ...good[0], offsets: [8, 0] }]), /invalid data_offsets/],
    [
      'overlapping tensors',
      safetensorsBytes([
        { name: 'a', dtype: 'F32', shape: [2], data: f32(1, 2), offsets: [0, 8] },
        { name: 'b', dtype: 'F32', shape: [1], data: f32(3), offsets: [4, 8] },
      ]),
      /"a" and "b" overlap/,
    ],
    [
      'offsets past the end',
      safetensorsBytes([{ ...good[0], offsets: [0, 4000] }]),
      /runs past the end of the file/,
    ],
    [
      'a byte size that is not dtype × shape',
      safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [3], data: f32(1, 2) }]),
      /needs 12 bytes, but its data_offsets span 8 bytes/,
    ],
    ['a truncated data section', safetensorsBytes(good, { truncateBy: 4 }), /runs past the end of the file/],
    ['fewer than 8 bytes', Uint8Array.of(1, 2, 3), /fewer than the 8 bytes/],
  ])('rejects %s with a message saying what is wrong', async (_, bytes, message) => {
    const error = await listingError(bytes);
    expect(error.message).toMatch(/^model\.safetensors: /);
    expect(error.message).toMatch(message);
    expect(error.hint.length).toBeGreaterThan(10);
  });

  it('rejects a 0-byte file', async () => {
    const error = await listingError(new Uint8Array(0));
    expect(error).toMatchObject({ code: 'empty', message: 'model.safetensors: the file is empty (0 bytes)' });
  });
});

describe('safetensors row sampling', () => {
  // 10 rows × 4 cols; row r holds r·10 + c.
  const values = Array.from({ length: 40 }, (_, i) => Math.floor(i / 4) * 10 + (i % 4));
  const file = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [10, 4], data: f32(...values) }]);

  it('keeps evenly spaced whole rows under the value limit and says so', async () => {
    const source = countingSource('m.safetensors', file);
    const listing = await listTensors([source]);
    const before = source.reads.length;
    const t = await loadTensor([source], listing, 'w', { maxValues: 12 });
    expect(t.sampled).toEqual({ keptRows: 3, totalRows: 10 });
    expect([t.rows, t.cols]).toEqual([3, 4]);
    // kept rows floor(i·10/3) = 0, 3, 6
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 30, 31, 32, 33, 60, 61, 62, 63]);
    // and reads only those rows' 16-byte ranges
    const dataStart = file.length - 160;
    expect(source.reads.slice(before)).toEqual([0, 3, 6].map((r) => [dataStart + r * 16, 16]));
  });

  it('merges nearby rows into one read on a source where seeks are costly', async () => {
    const source = countingSource('m.safetensors', file, 1024);
    const listing = await listTensors([source]);
    const before = source.reads.length;
    const t = await loadTensor([source], listing, 'w', { maxValues: 12 });
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 30, 31, 32, 33, 60, 61, 62, 63]);
    expect(source.reads.slice(before)).toEqual([[file.length - 160, 7 * 16]]);
  });

  it('reports progress up to the total bytes it reads', async () => {
    const sources = [fromBytes('m.safetensors', file)];
    const listing = await listTensors(sources);
    const progress: [number, number][] = [];
    await loadTensor(sources, listing, 'w', { onProgress: (a, b) => progress.push([a, b]) });
    expect(progress[0]).toEqual([0, 160]);
    expect(progress[progress.length - 1]).toEqual([160, 160]);
  });

  it('stops with an AbortError when cancelled', async () => {
    const sources = [fromBytes('m.safetensors', file)];
    const listing = await listTensors(sources);
    const controller = new AbortController();
    controller.abort();
    await expect(loadTensor(sources, listing, 'w', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('refuses a tensor whose single row is over the limit', async () => {
    const sources = [fromBytes('m.safetensors', file)];
    const listing = await listTensors(sources);
    await expect(loadTensor(sources, listing, 'w', { maxValues: 3 })).rejects.toMatchObject({
      code: 'too-large',
    });
  });
});
