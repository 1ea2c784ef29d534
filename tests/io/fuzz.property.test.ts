/**
 * Hostile input, for every parser: random bytes and mutated valid files must either list (and load) or
 * reject with a ParseError, never throw anything else, never allocate from a lying count, and always finish
 * (every loop in the readers is bounded by the input size).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ByteSource, fromBytes, fromText, isParseError, listTensors, loadTensor } from '../../src/io';
import {
  bfloat16Bytes,
  bytesOf,
  float16Bytes,
  ggufBytes,
  npyBytes,
  npzBytes,
  safetensorsBytes,
} from '../helpers/writers';

const MAX_VALUES = 4096;

/** Lists, then loads every loadable tensor; any error must be a ParseError. Returns what happened. */
async function exercise(sources: ByteSource[]): Promise<'listed' | 'rejected'> {
  let listing: Awaited<ReturnType<typeof listTensors>>;
  try {
    listing = await listTensors(sources);
  } catch (error) {
    if (isParseError(error)) return 'rejected';
    throw error;
  }
  expect(Array.isArray(listing.tensors)).toBe(true);
  for (const entry of listing.tensors) {
    expect(typeof entry.name).toBe('string');
    expect(entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
    if (!entry.loadable) {
      await expect(loadTensor(sources, listing, entry.name)).rejects.toSatisfy(isParseError);
      continue;
    }
    try {
      const t = await loadTensor(sources, listing, entry.name, { maxValues: MAX_VALUES });
      expect(t.data.length).toBe(t.rows * t.cols);
      expect(t.data.length).toBeLessThanOrEqual(MAX_VALUES);
      expect(t.nonFinite).toBeLessThanOrEqual(t.data.length);
    } catch (error) {
      if (!isParseError(error)) throw error;
    }
  }
  return 'listed';
}

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'u64'; at: number; value: bigint }
  | { kind: 'u32'; at: number; value: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('u64' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0n, 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n),
    ),
  }),
  fc.record({
    kind: fc.constant('u32' as const),
    at: fc.nat(),
    value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x7fffffff, 64, 255)),
  }),
);

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'set') out[at] = m.value;
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'insert') {
      const grown = new Uint8Array(out.length + m.bytes.length);
      grown.set(out.subarray(0, at));
      grown.set(m.bytes, at);
      grown.set(out.subarray(at), at + m.bytes.length);
      out = grown;
    } else if (m.kind === 'u64' && at + 8 <= out.length) {
      new DataView(out.buffer).setBigUint64(at, m.value, true);
    } else if (m.kind === 'u32' && at + 4 <= out.length) {
      new DataView(out.buffer).setUint32(at, m.value, true);
    }
  }
  return out;
}

const f32 = (...v: number[]) => bytesOf(Float32Array.from(v));
const npyF4 = npyBytes({
  descr: '<f4',
  shape: [3, 4],
  data: f32(...Array.from({ length: 12 }, (_, i) => i)),
});
const npyFortran = npyBytes({
  descr: '>f8',
  shape: [2, 3],
  fortranOrder: true,
  data: new Uint8Array(48).fill(0x3f),
  version: 2,
});

const seeds: Record<string, { name: string; bytes: Uint8Array }> = {
  safetensors: {
    name: 'model.safetensors',
    bytes: safetensorsBytes(
      [
        { name: 'a', dtype: 'F32', shape: [2, 3], data: f32(1, 2, 3, 4, 5, 6) },
        { name: 'b', dtype: 'BF16', shape: [4], data: bfloat16Bytes([1, 2, 3, 4]) },
        { name: 'c', dtype: 'F16', shape: [2, 1, 2], data: float16Bytes([1, 2, 3, 4]) },
        { name: 'd', dtype: 'I64', shape: [1], data: bytesOf(BigInt64Array.of(5n)) },
      ],
      { metadata: { format: 'pt' } },
    ),
  },
  npy: { name: 'w.npy', bytes: npyF4 },
  npyFortran: { name: 'f.npy', bytes: npyFortran },
  npzStored: { name: 'w.npz', bytes: npzBytes({ a: npyF4, f: npyFortran }) },
  npzDeflated: { name: 'w.npz', bytes: npzBytes({ a: npyF4, f: npyFortran }, { compress: true }) },
  gguf: {
    name: 'm.gguf',
    bytes: ggufBytes({
      metadata: [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['general.alignment', { type: 'u32', value: 32 }],
        [
          'tokens',
          {
            type: 'array',
            elementType: 'string',
            values: [
              { type: 'string', value: 'a' },
              { type: 'string', value: 'bc' },
            ],
          },
        ],
        [
          'nested',
          {
            type: 'array',
            elementType: 'array',
            values: [{ type: 'array', elementType: 'i16', values: [{ type: 'i16', value: -2 }] }],
          },
        ],
      ],
      tensors: [
        { name: 'f', dims: [4, 2], type: 0, data: f32(1, 2, 3, 4, 5, 6, 7, 8) },
        { name: 'h', dims: [4], type: 1, data: float16Bytes([1, 2, 3, 4]) },
        { name: 'q8', dims: [32, 2], type: 8, data: new Uint8Array(68).fill(0x11) },
        { name: 'q4k', dims: [256], type: 12, data: new Uint8Array(144).fill(0x22) },
        { name: 'q3k', dims: [256], type: 11, data: new Uint8Array(110).fill(0x33) },
        { name: 'q6k', dims: [256], type: 14, data: new Uint8Array(210).fill(0x44) },
      ],
    }),
  },
  csv: { name: 'x.csv', bytes: new TextEncoder().encode('a, b, c\n1, 2, 3\nnan, -inf, 4e5\n') },
};

describe('every parser survives hostile input', () => {
  it('the seeds themselves are valid', async () => {
    for (const { name, bytes } of Object.values(seeds)) {
      expect(await exercise([fromBytes(name, bytes)]), name).toBe('listed');
    }
  });

  it.each(Object.keys(seeds))('%s: mutated files list and load, or fail with a ParseError', async (key) => {
    const seed = seeds[key];
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (mutations) => {
        await exercise([fromBytes(seed.name, mutate(seed.bytes, mutations))]);
      }),
      { numRuns: 150 },
    );
  });

  it.each(['x.safetensors', 'x.npy', 'x.npz', 'x.gguf', 'x.csv', 'x.bin', 'x.json'])(
    'random bytes named %s list or fail with a ParseError',
    async (name) => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
          await exercise([fromBytes(name, bytes)]);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('random bytes behind each format’s magic list or fail with a ParseError', async () => {
    const magics = [
      Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0),
      Uint8Array.of(0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0),
      Uint8Array.of(0x50, 0x4b, 3, 4),
      Uint8Array.of(40, 0, 0, 0, 0, 0, 0, 0, 0x7b),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 200 }), async (magic, tail) => {
        const bytes = new Uint8Array(magic.length + tail.length);
        bytes.set(magic);
        bytes.set(tail, magic.length);
        await exercise([fromBytes('file', bytes)]);
      }),
      { numRuns: 300 },
    );
  });

  it('random JSON as a shard index lists or fails with a ParseError', async () => {
    const shard = fromBytes('model-00001-of-00001.safetensors', seeds.safetensors.bytes);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json(), fc.constant('{"weight_map": {"a": "model-00001-of-00001.safetensors"}}')),
        async (json) => {
          await exercise([fromText('model.safetensors.index.json', json), shard]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random text as CSV lists or fails with a ParseError', async () => {
    const token = fc.oneof(
      fc.constantFrom('1', '-2.5', 'nan', 'Inf', '1e9', 'x', '', ' ', ',', '\t', '\n', '#'),
      fc.string({ maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 40 }), async (tokens) => {
        await exercise([fromText('t.csv', tokens.join(''))]);
      }),
      { numRuns: 200 },
    );
  });
});
