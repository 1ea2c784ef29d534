/**
 * A deflate bomb (.npz whose member is a valid .npy header for a large array of zeros, ~1000:1 compressed) is
 * read in bounded steps: no inflated chunk is larger than MAX_INFLATE_STEP_BYTES whatever the compression ratio,
 * the array is sampled to the value budget, progress is reported in inflated bytes of the declared size, a cancel
 * stops it midway, and a member declaring more than the inflate budget is refused before anything is inflated.
 */
import { describe, expect, it } from 'vitest';
import { fromBytes, listTensors, loadTensor, ParseError } from '../../src/io';
import { MAX_INFLATE_STEP_BYTES, streamInflate } from '../../src/io/inflateStream';
import { locateEntryData, readZipDirectory } from '../../src/io/zip';
import { zeroBombNpz } from '../helpers/zipBomb';
import { countingSource } from './sources';

// 8192 × 8192 float32 zeros: 256 MiB inflated from ~260 KB.
const bomb = zeroBombNpz(8192, 8192);

describe('a deflate bomb .npz', () => {
  it('is made as small as a real one (the fixture itself)', () => {
    expect(bomb.bytes.length).toBeLessThan(bomb.inflatedSize / 500);
  });

  it('inflates in steps no larger than MAX_INFLATE_STEP_BYTES, whatever the ratio', async () => {
    const source = fromBytes('bomb.npz', bomb.bytes);
    const [entry] = await readZipDirectory(source);
    const start = await locateEntryData(source, entry);
    let largest = 0;
    let total = 0;
    const ended = await streamInflate(source, start, entry.compressedSize, entry.name, (chunk) => {
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
      return false;
    });
    expect(ended).toBe(true);
    expect(total).toBe(bomb.inflatedSize);
    expect(largest).toBeLessThanOrEqual(MAX_INFLATE_STEP_BYTES);
    expect(MAX_INFLATE_STEP_BYTES).toBeLessThanOrEqual(32 << 20);
  });

  it('loads as a sample within the value budget, with progress in inflated bytes of the declared size', async () => {
    const sources = [fromBytes('bomb.npz', bomb.bytes)];
    const listing = await listTensors(sources);
    expect(listing.tensors[0]).toMatchObject({
      name: 'bomb',
      shape: [8192, 8192],
      byteSize: 8192 * 8192 * 4,
    });
    const progress: Array<[number, number]> = [];
    const loaded = await loadTensor(sources, listing, 'bomb', {
      maxValues: 1 << 20,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(loaded.sampled).toEqual({ keptRows: 128, totalRows: 8192 });
    expect([loaded.rows, loaded.cols]).toEqual([128, 8192]);
    expect(loaded.data.every((v) => v === 0)).toBe(true);
    // Many steps, each a count of inflated bytes of the member's declared size, never backwards.
    expect(progress.length).toBeGreaterThan(10);
    for (const [, total] of progress) expect(total).toBe(bomb.inflatedSize);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
    expect(progress[0][0]).toBeLessThan(bomb.inflatedSize / 4);
    expect(progress.at(-1)?.[0]).toBe(bomb.inflatedSize);
  });

  it('is cancelled midway: the load rejects with an AbortError before inflating it all', async () => {
    const sources = [fromBytes('bomb.npz', bomb.bytes)];
    const listing = await listTensors(sources);
    const controller = new AbortController();
    let last = 0;
    const load = loadTensor(sources, listing, 'bomb', {
      maxValues: 1 << 20,
      signal: controller.signal,
      onProgress: (done, total) => {
        last = done;
        if (done > total / 8) controller.abort();
      },
    });
    await expect(load).rejects.toMatchObject({ name: 'AbortError' });
    expect(last).toBeLessThan(bomb.inflatedSize / 2);
  });

  it('is refused before inflating when it declares more than the inflate budget', async () => {
    const source = countingSource('bomb.npz', bomb.bytes);
    const listing = await listTensors([source]);
    const readForListing = source.bytesRead;
    const progress: number[] = [];
    const error = await loadTensor([source], listing, 'bomb', {
      maxValues: 1 << 20,
      maxInflateBytes: 64 << 20,
      onProgress: (done) => progress.push(done),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: 'too-large' });
    expect((error as Error).message).toMatch(/256(\.0)? MiB/);
    expect((error as Error).message).toMatch(/64(\.0)? MiB/);
    expect(progress).toEqual([]);
    expect(source.bytesRead).toBe(readForListing);
  });

  it('a directory that declares less than the .npy header needs is refused at listing or load', async () => {
    const liar = zeroBombNpz(1024, 1024, { declaredSize: 4096 });
    const sources = [fromBytes('liar.npz', liar.bytes)];
    const outcome = await listTensors(sources)
      .then((listing): Promise<unknown> | unknown =>
        listing.tensors[0].loadable ? loadTensor(sources, listing, listing.tensors[0].name) : listing,
      )
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(ParseError);
  });
});
