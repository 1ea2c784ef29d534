import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBlob, fromBytes, listTensors, loadTensor, ParseError } from '../../src/io';
import { readRange } from '../../src/io/byteSource';
import { formatBytes, formatCount, isParseError } from '../../src/io/parseError';
import { bytesOf, safetensorsBytes } from '../helpers/writers';

/** A Blob that records the ranges sliced from it. */
class RecordingBlob extends Blob {
  readonly slices: [number, number][] = [];
  override slice(start?: number, end?: number, type?: string): Blob {
    this.slices.push([start ?? 0, end ?? this.size]);
    return super.slice(start, end, type);
  }
}

describe('fromBlob', () => {
  // A copy typed as Uint8Array<ArrayBuffer>, which the DOM typings accept as a BlobPart.
  const file = new Uint8Array(
    safetensorsBytes([
      { name: 'a', dtype: 'F32', shape: [1000], data: bytesOf(new Float32Array(1000).fill(1)) },
      { name: 'b', dtype: 'F32', shape: [2], data: bytesOf(Float32Array.of(7, 8)) },
    ]),
  );

  it('lists and loads a File by slicing only the header and the chosen tensor', async () => {
    const blob = new RecordingBlob([file]);
    const source = fromBlob(Object.assign(blob, { name: 'model.safetensors' }));
    expect(source.name).toBe('model.safetensors');
    const listing = await listTensors([source]);
    const t = await loadTensor([source], listing, 'b');
    expect(Array.from(t.data)).toEqual([7, 8]);
    const sliced = blob.slices.reduce((n, [s, e]) => n + e - s, 0);
    expect(sliced).toBeLessThan(file.length / 2);
    expect(blob.slices[blob.slices.length - 1]).toEqual([file.length - 8, file.length]);
  });

  it('works with a real File and honours an aborted signal', async () => {
    const source = fromBlob(new File([file], 'w.safetensors'));
    expect(source.size).toBe(file.length);
    const controller = new AbortController();
    controller.abort();
    await expect(source.read(0, 8, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('readRange', () => {
  it('turns a read past the end into a truncated ParseError naming what was read', async () => {
    const error = await readRange(fromBytes('x.bin', new Uint8Array(10)), 4, 20, 'npy', 'the header').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toBe(
      'x.bin: the header (20 bytes at offset 4) runs past the end of the file (10 bytes)',
    );
  });

  it('refuses a short answer from a source', async () => {
    const liar = { name: 'l.bin', size: 100, read: async () => new Uint8Array(3) };
    await expect(readRange(liar, 0, 10, 'gguf', 'data')).rejects.toMatchObject({ code: 'truncated' });
  });
});

describe('ParseError', () => {
  it('carries format, code, hint and offset, and survives a structured clone as plain data', () => {
    const error = new ParseError({
      format: 'npy',
      code: 'bad-header',
      fileName: 'a.npy',
      offset: 8,
      message: 'bad',
      hint: 'fix it',
    });
    expect(error.message).toBe('a.npy: bad');
    const clone = structuredClone(error.toJSON());
    expect(clone).toMatchObject({
      name: 'ParseError',
      format: 'npy',
      code: 'bad-header',
      fileName: 'a.npy',
      offset: 8,
      message: 'bad',
      hint: 'fix it',
    });
    expect(isParseError(Object.assign(new Error('x'), { name: 'ParseError' }))).toBe(true);
  });

  it('formats counts with thousands separators', () => {
    expect(formatCount(1024)).toBe('1,024');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(formatCount(9e15)).toBe('9,000,000,000,000,000');
    expect(formatBytes(1)).toBe('1 byte');
  });
});

describe('io stays worker-safe', () => {
  const dir = new URL('../../src/io/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s uses no DOM globals, and fetch only in hub.ts, Blob only in byteSource.ts', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\b(document|window|localStorage|sessionStorage|XMLHttpRequest|navigator)\b/);
    if (file !== 'hub.ts') expect(code).not.toMatch(/\bfetch\s*\(/);
    if (file !== 'byteSource.ts') expect(code).not.toMatch(/\bBlob\b/);
  });
});
