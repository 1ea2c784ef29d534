import { describe, expect, it } from 'vitest';
import { fromText, listTensors, loadTensor, type ParseError } from '../../src/io';
import { MAX_TEXT_BYTES, parseNumberToken } from '../../src/io/csv';

async function load(text: string, name = 'pasted.csv', maxValues?: number) {
  const sources = [fromText(name, text)];
  const listing = await listTensors(sources);
  return { listing, tensor: await loadTensor(sources, listing, listing.tensors[0].name, { maxValues }) };
}

async function errorOf(text: string, name = 'pasted.csv'): Promise<ParseError> {
  return (await listTensors([fromText(name, text)]).catch((e: unknown) => e)) as ParseError;
}

describe('CSV and pasted numbers', () => {
  it.each([
    ['commas', '1,2,3\n4,5,6\n'],
    ['commas with spaces and CRLF', '1, 2, 3\r\n4 ,5, 6\r\n'],
    ['spaces', '1 2 3\n  4   5 6'],
    ['tabs', '1\t2\t3\n4\t5\t6'],
    ['a trailing comma on each line', '1,2,3,\n4,5,6,\n'],
  ])('reads rows separated by %s', async (_, text) => {
    const { listing, tensor } = await load(text);
    expect(listing.tensors[0]).toMatchObject({ name: 'pasted', dtype: 'text', shape: [2, 3] });
    expect(Array.from(tensor.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('skips blank and # comment lines and keeps a header of names', async () => {
    const { listing, tensor } = await load('# exported weights\n\nw0, w1\n0.5, -1e-3\n\n  \n2.5e2, .25\n');
    expect(listing.metadata).toEqual({ columns: 'w0, w1', rows: '2' });
    expect(Array.from(tensor.data)).toEqual([0.5, Math.fround(-1e-3), 250, 0.25]);
  });

  it('accepts and counts NaN, Inf and Infinity in any case and sign', async () => {
    const { tensor } = await load('nan, -inf, +Infinity, 1\nNaN, INF, 2, -3');
    expect(tensor.nonFinite).toBe(5);
    expect(Array.from(tensor.data)).toEqual([
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2,
      -3,
    ]);
  });

  it('rounds decimal text to float32 the way numpy.float32 does', async () => {
    const { tensor } = await load('0.1 16777217 3.4028236e38');
    expect(Array.from(tensor.data)).toEqual([Math.fround(0.1), 16777216, Number.POSITIVE_INFINITY]);
  });

  it('reads one column as rows × 1 and one line as 1 × n', async () => {
    expect((await load('1\n2\n3')).tensor.shape).toEqual([3, 1]);
    expect((await load('1 2 3')).tensor.shape).toEqual([1, 3]);
  });

  it('samples rows when over the value limit', async () => {
    const text = Array.from({ length: 10 }, (_, r) => `${r}, ${r + 0.5}`).join('\n');
    const { tensor } = await load(text, 'x.csv', 8);
    expect(tensor.sampled).toEqual({ keptRows: 4, totalRows: 10 });
    expect(Array.from(tensor.data)).toEqual([0, 0.5, 2, 2.5, 5, 5.5, 7, 7.5]);
  });

  it('parses tokens strictly', () => {
    expect(parseNumberToken('1e5')).toBe(1e5);
    expect(parseNumberToken('-.5')).toBe(-0.5);
    expect(parseNumberToken('0x10')).toBeUndefined();
    expect(parseNumberToken('1_000')).toBeUndefined();
    expect(parseNumberToken('')).toBeUndefined();
    expect(parseNumberToken('infinite')).toBeUndefined();
  });
});

describe('CSV errors', () => {
  it('names the line of a ragged row', async () => {
    const error = await errorOf('1,2,3\n4,5,6\n7,8\n');
    expect(error.message).toBe('pasted.csv: line 3: has 2 values, but line 1 has 3');
    expect(error.hint).toMatch(/same number of values/);
  });

  it('names the line and value that is not a number', async () => {
    expect((await errorOf('1,2\n3,abc\n')).message).toBe(
      'pasted.csv: line 2: "abc" (value 2) is not a number',
    );
    expect((await errorOf('1,,2\n')).message).toBe('pasted.csv: line 1: value 2 is empty');
    expect((await errorOf('a,b\nc,d\n1,2')).message).toMatch(/line 2: "c" \(value 1\) is not a number/);
  });

  it('rejects a header whose length differs from the rows', async () => {
    expect((await errorOf('a,b,c\n1,2\n')).message).toMatch(
      /line 2: has 2 values but the header names 3 columns/,
    );
  });

  it('rejects text with no numbers, and a 0-byte paste', async () => {
    expect(await errorOf('# nothing\n\n')).toMatchObject({
      code: 'empty',
      message: 'pasted.csv: no numbers found',
    });
    expect(await errorOf('')).toMatchObject({ code: 'empty' });
  });

  it('refuses text over the size limit without reading it', async () => {
    const source = { ...fromText('huge.csv', '1,2\n'.repeat(8)), size: MAX_TEXT_BYTES + 1 };
    await expect(listTensors([source])).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('huge.csv'),
    });
  });
});
