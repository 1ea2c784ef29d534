import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBytes, listTensors, loadTensor, type ParseError } from '../../src/io';
// Made by tests/fixtures/io/make_npy_fixtures.py with NumPy.
import expected from '../fixtures/io/numpy_expected.json';
import { bytesOf, float16Bytes, npyBytes, swapBytes } from '../helpers/writers';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/io/numpy/${name}`, import.meta.url)));

function decodeRef(v: number | string): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  return v as number;
}

async function load(bytes: Uint8Array, fileName = 'array.npy', maxValues?: number) {
  const sources = [fromBytes(fileName, bytes)];
  const listing = await listTensors(sources);
  return { listing, tensor: await loadTensor(sources, listing, listing.tensors[0].name, { maxValues }) };
}

describe('.npy files written by NumPy', () => {
  const files = [
    'f8_big_endian.npy',
    'i2_fortran.npy',
    'f2.npy',
    'u1_v2.npy',
    'b1_v3.npy',
    'i8_big.npy',
  ] as const;

  it.each(files)('%s loads with NumPy’s dtype, shape and float32 values (row-major)', async (name) => {
    const ref = expected[name];
    const { listing, tensor } = await load(fixture(name), name);
    expect(listing.tensors[0]).toMatchObject({
      name: name.replace('.npy', ''),
      dtype: ref.descr,
      shape: ref.shape,
    });
    expect(listing.tensors[0].location.order).toBe(ref.fortran_order ? 'F' : 'C');
    expect(Array.from(tensor.data)).toEqual(ref.values.map(decodeRef));
    expect(tensor.nonFinite).toBe(ref.values.filter((v) => typeof v === 'string').length);
  });

  it('transposes a Fortran-order 2×3×4 array into row-major 2 × 12', async () => {
    const { tensor } = await load(fixture('i2_fortran.npy'));
    expect([tensor.rows, tensor.cols]).toEqual([2, 12]);
    // NumPy: (np.arange(24) - 10).reshape(2, 3, 4); C-order row 1 starts at 12 − 10
    expect(Array.from(tensor.data.subarray(12, 15))).toEqual([2, 3, 4]);
  });
});

describe('.npy from the writer', () => {
  it('reads a little-endian float32 C-order 2×3 array', async () => {
    const { tensor } = await load(
      npyBytes({ descr: '<f4', shape: [2, 3], data: bytesOf(Float32Array.of(1, 2, 3, 4, 5, 6)) }),
    );
    expect(tensor.shape).toEqual([2, 3]);
    expect(Array.from(tensor.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['<f2', float16Bytes([1, -0.5]), [1, -0.5]],
    ['>f2', swapBytes(float16Bytes([1, -0.5]), 2), [1, -0.5]],
    ['>f4', swapBytes(bytesOf(Float32Array.of(3.5, -1)), 4), [3.5, -1]],
    ['|i1', Uint8Array.of(0xff, 5), [-1, 5]],
    ['|u1', Uint8Array.of(0xff, 5), [255, 5]],
    ['<i2', bytesOf(Int16Array.of(-300, 2)), [-300, 2]],
    ['>u2', swapBytes(bytesOf(Uint16Array.of(60000, 2)), 2), [60000, 2]],
    ['<i4', bytesOf(Int32Array.of(-70000, 2)), [-70000, 2]],
    ['>u4', swapBytes(bytesOf(Uint32Array.of(4000000000, 2)), 4), [4000000000, 2]],
    ['<i8', bytesOf(BigInt64Array.of(-2n, 2n ** 40n)), [-2, 2 ** 40]],
    ['<u8', bytesOf(BigUint64Array.of(2n ** 64n - 1n, 3n)), [2 ** 64, 3]],
    ['|b1', Uint8Array.of(1, 0), [1, 0]],
    ['<f8', bytesOf(Float64Array.of(1e-50, 2)), [0, 2]],
  ])('decodes %s', async (descr, data, values) => {
    const { tensor } = await load(npyBytes({ descr, shape: [2], data }));
    expect(tensor.dtype).toBe(descr);
    expect(Array.from(tensor.data)).toEqual(values);
  });

  it('reads format versions 2.0 and 3.0 (32-bit header length)', async () => {
    for (const version of [2, 3] as const) {
      const { listing, tensor } = await load(
        npyBytes({ descr: '<f4', shape: [1], data: bytesOf(Float32Array.of(7)), version }),
      );
      expect(listing.metadata?.['npy.version']).toBe(`${version}.0`);
      expect(Array.from(tensor.data)).toEqual([7]);
    }
  });

  it('reads a 0-d scalar as 1 × 1 and accepts old "3L" integer literals', async () => {
    const scalar = await load(npyBytes({ descr: '<f4', shape: [], data: bytesOf(Float32Array.of(9)) }));
    expect([scalar.tensor.rows, scalar.tensor.cols, Array.from(scalar.tensor.data)]).toEqual([1, 1, [9]]);
    const old = npyBytes({
      descr: '<f4',
      shape: [2],
      data: bytesOf(Float32Array.of(1, 2)),
      headerText: "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }",
    });
    expect(Array.from((await load(old)).tensor.data)).toEqual([1, 2]);
  });

  it('samples rows of a Fortran-order array under the value limit', async () => {
    // 6 × 2, Fortran order: stored column by column.
    const cOrder = [0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51];
    const fortran = [0, 10, 20, 30, 40, 50, 1, 11, 21, 31, 41, 51];
    const bytes = npyBytes({
      descr: '<f4',
      shape: [6, 2],
      fortranOrder: true,
      data: bytesOf(Float32Array.from(fortran)),
    });
    expect(Array.from((await load(bytes)).tensor.data)).toEqual(cOrder);
    const sampled = (await load(bytes, 'a.npy', 6)).tensor;
    expect(sampled.sampled).toEqual({ keptRows: 3, totalRows: 6 });
    expect(Array.from(sampled.data)).toEqual([0, 1, 20, 21, 40, 41]);
  });

  it('lists unsupported dtypes with a reason and zero-sized arrays as empty', async () => {
    const complex = await listTensors([
      fromBytes('c.npy', npyBytes({ descr: '<c8', shape: [1], data: new Uint8Array(8) })),
    ]);
    expect(complex.tensors[0]).toMatchObject({
      loadable: false,
      reason: 'dtype <c8 (complex numbers) is not supported',
    });
    const strings = await listTensors([
      fromBytes('s.npy', npyBytes({ descr: '<U3', shape: [1], data: new Uint8Array(12) })),
    ]);
    expect(strings.tensors[0].reason).toContain('strings');
    const structured = await listTensors([
      fromBytes(
        'r.npy',
        npyBytes({
          descr: '',
          shape: [1],
          data: new Uint8Array(8),
          headerText: "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }",
        }),
      ),
    ]);
    expect(structured.tensors[0].reason).toContain('structured');
    const empty = await listTensors([
      fromBytes('e.npy', npyBytes({ descr: '<f4', shape: [3, 0], data: new Uint8Array(0) })),
    ]);
    expect(empty.tensors[0]).toMatchObject({ loadable: false, reason: 'it has no values (shape (3, 0))' });
  });
});

describe('.npy errors', () => {
  const f4 = { descr: '<f4', shape: [2, 3], data: bytesOf(Float32Array.of(1, 2, 3, 4, 5, 6)) };

  it.each([
    ['a file too short for the magic', Uint8Array.of(0x93, 0x4e, 0x55), /too short to be a \.npy file/],
    ['a wrong magic string', new TextEncoder().encode('\x93NUMPZ\x01\x00....'), /not a \.npy file/],
    [
      'an unknown version',
      Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0),
      /version 9\.0 is not supported/,
    ],
    [
      'a header length past the end',
      npyBytes({ ...f4, headerLengthOverride: 60000 }),
      /header .* runs past the end of the file/,
    ],
    [
      'fewer data bytes than shape × itemsize',
      npyBytes({ ...f4, truncateDataBy: 4 }),
      /expected 24 data bytes for shape \(2, 3\) of <f4, found 20/,
    ],
    ['a header that is not a dict', npyBytes({ ...f4, headerText: "['descr', '<f4']" }), /not a dict/],
    [
      'a broken literal',
      npyBytes({ ...f4, headerText: "{'descr': '<f4', 'shape': (2, 3" }),
      /not a valid Python dict literal/,
    ],
    [
      'a missing fortran_order',
      npyBytes({ ...f4, headerText: "{'descr': '<f4', 'shape': (2, 3), }" }),
      /fortran_order/,
    ],
    [
      'a negative dimension',
      npyBytes({ ...f4, headerText: "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }" }),
      /'shape' is not a tuple of sizes/,
    ],
  ])('rejects %s with a message that says what is wrong', async (_, bytes, message) => {
    const error = (await listTensors([fromBytes('w.npy', bytes)]).catch((e: unknown) => e)) as ParseError;
    expect(error.name).toBe('ParseError');
    expect(error.message).toMatch(/^w\.npy: /);
    expect(error.message).toMatch(message);
  });
});
