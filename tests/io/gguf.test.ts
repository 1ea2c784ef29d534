import { describe, expect, it } from 'vitest';
import { fromBytes, listTensors, loadTensor, ParseError } from '../../src/io';
// Made by tests/fixtures/io/make_ggml_reference.py (a NumPy re-implementation of ggml-quants.c).
import ref from '../fixtures/io/ggml_reference.json';
import {
  bfloat16Bytes,
  bytesOf,
  concatBytes,
  float16Bits,
  float16Bytes,
  type GgufTensor,
  type GgufValue,
  ggufBytes,
} from '../helpers/writers';
import { countingSource, hugeSource } from './sources';

const f32 = (...v: number[]) => bytesOf(Float32Array.from(v));

async function open(bytes: Uint8Array, fileName = 'model.gguf') {
  const sources = [fromBytes(fileName, bytes)];
  return { sources, listing: await listTensors(sources) };
}

async function loadOne(tensor: GgufTensor) {
  const { sources, listing } = await open(ggufBytes({ tensors: [tensor] }));
  return loadTensor(sources, listing, tensor.name);
}

async function errorOf(bytes: Uint8Array): Promise<ParseError> {
  const error = await listTensors([fromBytes('model.gguf', bytes)]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ParseError);
  return error as ParseError;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

describe('GGUF listing', () => {
  const file = ggufBytes({
    metadata: [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.name', { type: 'string', value: 'tiny' }],
      ['llama.block_count', { type: 'u32', value: 2 }],
      ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
      ['general.big', { type: 'u64', value: 2n ** 63n + 5n }],
      ['general.negative', { type: 'i64', value: -(2n ** 62n) }],
      ['general.flag', { type: 'bool', value: true }],
      ['general.tiny', { type: 'i8', value: -3 }],
      ['general.small', { type: 'i16', value: -300 }],
      ['general.half', { type: 'u16', value: 65535 }],
      ['general.byte', { type: 'u8', value: 200 }],
      ['general.int', { type: 'i32', value: -70000 }],
      ['general.double', { type: 'f64', value: 0.25 }],
      [
        'general.tags',
        {
          type: 'array',
          elementType: 'string',
          values: [
            { type: 'string', value: 'a' },
            { type: 'string', value: 'b' },
          ],
        },
      ],
      [
        'tokenizer.ggml.tokens',
        {
          type: 'array',
          elementType: 'string',
          values: Array.from({ length: 20 }, (_, i) => ({ type: 'string' as const, value: `tok${i}` })),
        },
      ],
      [
        'tokenizer.ggml.scores',
        {
          type: 'array',
          elementType: 'f32',
          values: Array.from({ length: 20 }, () => ({ type: 'f32' as const, value: 0.5 })),
        },
      ],
      [
        'general.nested',
        {
          type: 'array',
          elementType: 'array',
          values: [{ type: 'array', elementType: 'u8', values: [{ type: 'u8', value: 1 }] }],
        },
      ],
    ],
    tensors: [
      {
        name: 'token_embd.weight',
        dims: [4, 3],
        type: 0,
        data: f32(...Array.from({ length: 12 }, (_, i) => i)),
      },
      { name: 'output_norm.weight', dims: [4], type: 1, data: float16Bytes([1, 0.5, -2, 0]) },
    ],
  });

  it('lists tensors with ggml type names and NumPy-order shapes (ne reversed)', async () => {
    const { listing } = await open(file);
    expect(listing.format).toBe('gguf');
    expect(
      listing.tensors.map(({ name, dtype, shape, byteSize }) => ({ name, dtype, shape, byteSize })),
    ).toEqual([
      { name: 'token_embd.weight', dtype: 'F32', shape: [3, 4], byteSize: 48 },
      { name: 'output_norm.weight', dtype: 'F16', shape: [4], byteSize: 8 },
    ]);
  });

  it('reads metadata of every value type, summarising long arrays', async () => {
    const { listing } = await open(file);
    expect(listing.metadata).toMatchObject({
      'gguf.version': '3',
      'general.architecture': 'llama',
      'llama.block_count': '2',
      'llama.rope.freq_base': '10000',
      'general.big': '9223372036854775813',
      'general.negative': '-4611686018427387904',
      'general.flag': 'true',
      'general.tiny': '-3',
      'general.small': '-300',
      'general.half': '65535',
      'general.byte': '200',
      'general.int': '-70000',
      'general.double': '0.25',
      'general.tags': '["a", "b"]',
      'tokenizer.ggml.tokens': '[20 × string]',
      'tokenizer.ggml.scores': '[20 × float32]',
      'general.nested': '[1 × array]',
    });
  });

  it('loads F32 as ne1 rows × ne0 cols, and F16', async () => {
    const { sources, listing } = await open(file);
    const embd = await loadTensor(sources, listing, 'token_embd.weight');
    expect([embd.rows, embd.cols]).toEqual([3, 4]);
    expect(Array.from(embd.data)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(Array.from((await loadTensor(sources, listing, 'output_norm.weight')).data)).toEqual([
      1, 0.5, -2, 0,
    ]);
  });

  it('honours general.alignment for the data section and tensor offsets', async () => {
    const aligned = ggufBytes({
      alignment: 64,
      tensors: [
        { name: 'a', dims: [3], type: 0, data: f32(1, 2, 3) },
        { name: 'b', dims: [2], type: 0, data: f32(4, 5) },
      ],
    });
    const { sources, listing } = await open(aligned);
    expect(listing.tensors.map((t) => t.location.offset % 64)).toEqual([0, 0]);
    expect(Array.from((await loadTensor(sources, listing, 'b')).data)).toEqual([4, 5]);
  });

  it('reads GGUF v2 files', async () => {
    const { sources, listing } = await open(
      ggufBytes({ version: 2, tensors: [{ name: 'x', dims: [2], type: 0, data: f32(1, 2) }] }),
    );
    expect(listing.metadata?.['gguf.version']).toBe('2');
    expect(Array.from((await loadTensor(sources, listing, 'x')).data)).toEqual([1, 2]);
  });

  it('grows its header read when the metadata is larger than the first megabyte', async () => {
    const big = ggufBytes({
      metadata: [
        [
          'blob',
          { type: 'array', elementType: 'u8', raw: new Uint8Array(1_500_000).fill(7), count: 1_500_000 },
        ],
        ['long', { type: 'string', value: 'x'.repeat(1_200_000) }],
      ],
      tensors: [{ name: 'x', dims: [2], type: 0, data: f32(3, 4) }],
    });
    const source = countingSource('big.gguf', big);
    const listing = await listTensors([source]);
    expect(listing.metadata?.blob).toBe('[1,500,000 × uint8]');
    expect(listing.metadata?.long).toBe(`${'x'.repeat(200)}…`);
    expect(Array.from((await loadTensor([source], listing, 'x')).data)).toEqual([3, 4]);
    expect(source.bytesRead).toBeLessThan(big.length * 1.5);
  });
});

describe('GGUF tensor types', () => {
  it('loads BF16, F64, I8, I16, I32 and I64 tensors', async () => {
    expect(
      Array.from((await loadOne({ name: 'x', dims: [2], type: 30, data: bfloat16Bytes([1.5, -256]) })).data),
    ).toEqual([1.5, -256]);
    expect(
      Array.from(
        (await loadOne({ name: 'x', dims: [2], type: 28, data: bytesOf(Float64Array.of(0.5, -1)) })).data,
      ),
    ).toEqual([0.5, -1]);
    expect(
      Array.from((await loadOne({ name: 'x', dims: [2], type: 24, data: Uint8Array.of(0x80, 1) })).data),
    ).toEqual([-128, 1]);
    expect(
      Array.from(
        (await loadOne({ name: 'x', dims: [2], type: 25, data: bytesOf(Int16Array.of(-2, 2)) })).data,
      ),
    ).toEqual([-2, 2]);
    expect(
      Array.from(
        (await loadOne({ name: 'x', dims: [2], type: 26, data: bytesOf(Int32Array.of(-3, 3)) })).data,
      ),
    ).toEqual([-3, 3]);
    expect(
      Array.from(
        (await loadOne({ name: 'x', dims: [2], type: 27, data: bytesOf(BigInt64Array.of(-4n, 4n)) })).data,
      ),
    ).toEqual([-4, 4]);
  });

  it('dequantizes a hand-built Q8_0 block: q · d with d = 0.5', async () => {
    const qs = Int8Array.from({ length: 32 }, (_, i) => i * 8 - 128);
    const block = concatBytes(bytesOf(Uint16Array.of(float16Bits(0.5))), bytesOf(qs));
    const t = await loadOne({ name: 'q', dims: [32], type: 8, data: block });
    expect(t.dtype).toBe('Q8_0');
    expect(Array.from(t.data)).toEqual(Array.from(qs, (q) => q * 0.5));
  });

  it('dequantizes a hand-built Q4_0 block: low nibbles are values 0–15, high nibbles 16–31, minus 8, times d', async () => {
    const qs = Uint8Array.from({ length: 16 }, (_, j) => (j & 0xf) | ((15 - j) << 4));
    const block = concatBytes(bytesOf(Uint16Array.of(float16Bits(-0.25))), qs);
    const t = await loadOne({ name: 'q', dims: [32], type: 2, data: block });
    const expected = [
      ...Array.from({ length: 16 }, (_, j) => (j - 8) * -0.25),
      ...Array.from({ length: 16 }, (_, j) => (15 - j - 8) * -0.25),
    ];
    expect(Array.from(t.data)).toEqual(expected);
  });

  it('dequantizes Q8_1 as q · d (its s field is a cached sum) and Q8_K with its float32 d', async () => {
    const qs = Int8Array.from({ length: 32 }, (_, i) => i - 16);
    const q81 = concatBytes(bytesOf(Uint16Array.of(float16Bits(2), float16Bits(999))), bytesOf(qs));
    expect(Array.from((await loadOne({ name: 'q', dims: [32], type: 9, data: q81 })).data)).toEqual(
      Array.from(qs, (q) => q * 2),
    );
    const qk = Int8Array.from({ length: 256 }, (_, i) => (i % 200) - 100);
    const q8k = concatBytes(f32(0.125), bytesOf(qk), new Uint8Array(32));
    expect(Array.from((await loadOne({ name: 'q', dims: [256], type: 15, data: q8k })).data)).toEqual(
      Array.from(qk, (q) => q * 0.125),
    );
  });

  const types = Object.entries(ref.types);
  it.each(types)(
    'dequantizes %s bit for bit like the NumPy re-implementation of ggml-quants.c',
    async (name, t) => {
      const blocks = hexBytes(t.hex);
      const ne0 = (t.blockSize * t.blocks) / 2; // two rows
      const loaded = await loadOne({ name: 'w', dims: [ne0, 2], type: t.type, data: blocks });
      expect(loaded.dtype).toBe(name);
      expect([loaded.rows, loaded.cols]).toEqual([2, ne0]);
      const got = Array.from(loaded.data);
      const mismatch = got.findIndex((v, i) => !Object.is(v, t.values[i]) && !(v === 0 && t.values[i] === 0));
      expect(mismatch, `first mismatch at ${mismatch}: ${got[mismatch]} vs ${t.values[mismatch]}`).toBe(-1);
      expect(got).toHaveLength(t.values.length);
    },
  );

  it('samples whole rows of a quantized tensor, reading only their blocks', async () => {
    const t = ref.types.Q8_0;
    const blocks = hexBytes(t.hex); // 6 blocks of 32: as 6 rows of one block
    const source = countingSource(
      'm.gguf',
      ggufBytes({ tensors: [{ name: 'w', dims: [32, 6], type: 8, data: blocks }] }),
    );
    const listing = await listTensors([source]);
    const before = source.reads.length;
    const loaded = await loadTensor([source], listing, 'w', { maxValues: 64 });
    expect(loaded.sampled).toEqual({ keptRows: 2, totalRows: 6 });
    expect(Array.from(loaded.data)).toEqual([...t.values.slice(0, 32), ...t.values.slice(96, 128)]);
    expect(source.reads.slice(before).map(([, n]) => n)).toEqual([34, 34]);
  });

  it('lists types it cannot dequantize as not loadable, with a reason', async () => {
    const { listing } = await open(
      ggufBytes({
        tensors: [
          { name: 'iq', dims: [256], type: 16, data: new Uint8Array(66) },
          { name: 'future', dims: [4], type: 99, data: new Uint8Array(16) },
        ],
      }),
    );
    expect(listing.tensors.map((t) => [t.dtype, t.loadable, t.reason])).toEqual([
      ['IQ2_XXS', false, expect.stringContaining('dequantizing IQ2_XXS is not supported')],
      ['type 99', false, 'unknown ggml type 99 (newer than this app)'],
    ]);
  });
});

describe('GGUF errors', () => {
  const tensor = { name: 'x', dims: [2], type: 0, data: f32(1, 2) };
  const valid = ggufBytes({ tensors: [tensor] });

  it.each([
    ['a wrong magic', ggufBytes({ magic: 'GGML', tensors: [tensor] }), 'bad-magic', /not a GGUF file/],
    ['version 1', ggufBytes({ version: 1 }), 'unsupported', /GGUF version 1 is not supported/],
    ['a big-endian file', ggufBytes({ version: 0x03000000 }), 'unsupported', /big-endian/],
    [
      'a tensor count of 2^60',
      ggufBytes({ tensorCountOverride: 2n ** 60n }),
      'bad-header',
      /announces 1,152,921,504,606,846,976 tensors/,
    ],
    ['a metadata count of 2^40', ggufBytes({ kvCountOverride: 2n ** 40n }), 'bad-header', /metadata entries/],
    [
      'a file cut inside the tensor infos',
      valid.subarray(0, 50),
      'truncated',
      /ends inside the data offset of "x"/,
    ],
    [
      'a file too short for its tensor infos',
      valid.subarray(0, 40),
      'bad-header',
      /announces 1 tensors, which cannot fit/,
    ],
    [
      'a file cut inside the data',
      valid.subarray(0, 68),
      'bad-header',
      /"x" \(8 bytes at offset 64\) runs past the end of the file \(68 bytes\)/,
    ],
    [
      '5 dimensions',
      ggufBytes({ tensors: [{ ...tensor, dims: [1, 1, 1, 1, 2] }] }),
      'bad-header',
      /5 dimensions/,
    ],
    [
      'a row not a multiple of the block',
      ggufBytes({ tensors: [{ name: 'q', dims: [16], type: 8, data: new Uint8Array(34) }] }),
      'bad-header',
      /not a multiple of the Q8_0 block size 32/,
    ],
    [
      'a misaligned offset',
      ggufBytes({ tensors: [{ ...tensor, offset: 4 }] }),
      'bad-header',
      /not a multiple of the alignment 32/,
    ],
    ['a repeated tensor name', ggufBytes({ tensors: [tensor, tensor] }), 'bad-header', /listed twice/],
    [
      // found by the fuzz test: the zero made the count 0, and the other dimension went through as 2^56
      'a dimension past 2^53 beside a zero',
      ggufBytes({ tensors: [{ name: 'z', dims: [0, 2 ** 56], type: 0, data: new Uint8Array(0) }] }),
      'bad-header',
      /"z" has an impossible shape \[72057594037927940, 0\]/,
    ],
    [
      'an alignment that is not a power of two',
      ggufBytes({ alignment: 24, tensors: [tensor] }),
      'bad-header',
      /power of two/,
    ],
    [
      'a string longer than the file',
      ggufBytes({ metadata: [['k', { type: 'string', value: 'abc' }]] }).map((b, i) =>
        i === 24 + 8 + 1 + 4 + 4 ? 0x7f : b,
      ),
      'truncated',
      /ends inside/,
    ],
    [
      'an unknown value type',
      ggufBytes({ metadata: [['k', { type: 'u8', value: 1 }]] }).map((b, i) => (i === 24 + 8 + 1 ? 42 : b)),
      'bad-header',
      /unknown value type 42/,
    ],
  ])('rejects %s', async (_, bytes, code, message) => {
    const error = await errorOf(bytes);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^model\.gguf: /);
    expect(error.message).toMatch(message);
  });

  it('refuses a header that would need more than 256 MiB, without reading it', async () => {
    const prefix = new Uint8Array(1 << 20); // the first read is 1 MiB
    prefix.set(ggufBytes({ metadata: [['huge', { type: 'string', value: 'abc' }]] }));
    new DataView(prefix.buffer).setBigUint64(24 + 8 + 4 + 4, 300_000_000n, true); // the string's length
    const error = await listTensors([hugeSource('big.gguf', prefix, 2 ** 30)]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('larger than 268,435,456 bytes'),
    });
  });

  it('rejects arrays nested more deeply than any real file', async () => {
    let value: GgufValue = { type: 'u8', value: 1 };
    for (let i = 0; i < 12; i++)
      value = { type: 'array', elementType: i === 0 ? 'u8' : 'array', values: [value] };
    const bytes = ggufBytes({ metadata: [['deep', value]] });
    expect((await errorOf(bytes)).message).toMatch(/nests arrays more than 8 deep/);
  });
});
