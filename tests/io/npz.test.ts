import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { fromBytes, listTensors, loadTensor } from '../../src/io';
// Made by tests/fixtures/io/make_npy_fixtures.py with NumPy.
import expected from '../fixtures/io/numpy_expected.json';
import { bytesOf, npyBytes, npzBytes } from '../helpers/writers';
import { countingSource } from './sources';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/io/numpy/${name}`, import.meta.url)));

function decodeRef(v: number | string): number {
  return v === 'nan'
    ? Number.NaN
    : v === 'inf'
      ? Number.POSITIVE_INFINITY
      : v === '-inf'
        ? Number.NEGATIVE_INFINITY
        : (v as number);
}

describe('.npz files written by NumPy', () => {
  it.each(['arrays_deflated.npz', 'arrays_stored.npz'] as const)(
    '%s lists and loads every array like NumPy',
    async (file) => {
      const refs = expected[file] as Record<
        string,
        { descr: string; shape: number[]; values: (number | string)[] }
      >;
      const sources = [fromBytes(file, fixture(file))];
      const listing = await listTensors(sources);
      expect(listing.format).toBe('npz');
      expect(listing.tensors.map((t) => t.name).sort()).toEqual(Object.keys(refs).sort());
      for (const entry of listing.tensors) {
        const ref = refs[entry.name];
        expect(entry).toMatchObject({ dtype: ref.descr, shape: ref.shape });
        if (ref.values.length === 0) {
          expect(entry.loadable).toBe(false);
          continue;
        }
        const t = await loadTensor(sources, listing, entry.name);
        expect(Array.from(t.data)).toEqual(ref.values.map(decodeRef));
      }
    },
  );

  it('the deflated archive really is compressed and has a Fortran-order member', async () => {
    const listing = await listTensors([fromBytes('a.npz', fixture('arrays_deflated.npz'))]);
    const f = listing.tensors.find((t) => t.name === 'f')!;
    expect(f.location.deflate).toBeDefined();
    expect(f.location.order).toBe('F');
  });
});

describe('.npz from the writer', () => {
  const a = npyBytes({
    descr: '<f4',
    shape: [4, 3],
    data: bytesOf(Float32Array.from({ length: 12 }, (_, i) => i)),
  });
  const b = npyBytes({ descr: '<i2', shape: [2], data: bytesOf(Int16Array.of(-1, 1)) });

  it('lists a stored archive by reading only the directory and each member header', async () => {
    const bytes = npzBytes({ a, b });
    const source = countingSource('w.npz', bytes);
    const listing = await listTensors([source]);
    expect(listing.tensors.map((t) => t.name)).toEqual(['a', 'b']);
    expect(listing.metadata).toEqual({ compression: 'stored' });
    const before = source.reads.length;
    const t = await loadTensor([source], listing, 'a', { maxValues: 6 });
    expect(t.sampled).toEqual({ keptRows: 2, totalRows: 4 });
    expect(Array.from(t.data)).toEqual([0, 1, 2, 6, 7, 8]);
    expect(source.reads.slice(before).every(([, length]) => length === 12)).toBe(true); // one row each
  });

  it('streams a deflated member and samples rows from it', async () => {
    const sources = [fromBytes('w.npz', npzBytes({ a, b }, { compress: true }))];
    const listing = await listTensors(sources);
    expect(listing.metadata).toEqual({ compression: 'deflate' });
    const t = await loadTensor(sources, listing, 'a', { maxValues: 6 });
    expect(Array.from(t.data)).toEqual([0, 1, 2, 6, 7, 8]);
    expect(Array.from((await loadTensor(sources, listing, 'b')).data)).toEqual([-1, 1]);
  });

  it('reads a member whose header is longer than the first inflated chunk', async () => {
    const long = npyBytes({
      descr: '<f4',
      shape: [1],
      data: bytesOf(Float32Array.of(5)),
      headerText: `{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ${' '.repeat(6000)}}`,
    });
    const sources = [fromBytes('w.npz', npzBytes({ long }, { compress: true }))];
    const listing = await listTensors(sources);
    expect(Array.from((await loadTensor(sources, listing, 'long')).data)).toEqual([5]);
  });

  it('ignores members that are not .npy and refuses an archive with none', async () => {
    const other = zipSync({ 'notes.txt': new TextEncoder().encode('hi') }, { level: 0 });
    await expect(listTensors([fromBytes('x.npz', other)])).rejects.toMatchObject({ code: 'empty' });
  });

  it('rejects a zip whose directory is damaged and a file that is not a zip', async () => {
    const bytes = npzBytes({ a });
    const damaged = bytes.slice();
    const cd = damaged.length - 22 - 46 - 5; // start of the only central directory entry
    damaged[cd] = 0;
    await expect(listTensors([fromBytes('x.npz', damaged)])).rejects.toMatchObject({
      message: expect.stringContaining('central directory entry 1 is damaged'),
    });
    await expect(listTensors([fromBytes('x.npz', new Uint8Array(100).fill(7))])).rejects.toMatchObject({
      code: 'bad-magic',
    });
  });

  it('rejects a deflated member whose data is corrupt', async () => {
    const bytes = npzBytes({ a }, { compress: true });
    const corrupt = bytes.slice();
    for (let i = 40; i < 60; i++) corrupt[i] ^= 0xa5;
    const sources = [fromBytes('x.npz', corrupt)];
    const result = await listTensors(sources)
      .then((listing) => loadTensor(sources, listing, 'a'))
      .then(
        () => 'loaded',
        (e: unknown) => (e as Error).name,
      );
    expect(result).toBe('ParseError');
  });
});
