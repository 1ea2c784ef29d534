import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  base64Bytes,
  DigitsAssetError,
  decodeDigits,
  decodeDigitsRaw,
  loadDigits,
} from '../../../src/io/digits/digits';
import { DIGITS_GZIP_BASE64 } from '../../../src/io/digits/digitsAsset';

/** Facts computed by tests/fixtures/lab/make_digits.py from scikit-learn's load_digits, not from the asset. */
const facts = JSON.parse(readFileSync('tests/fixtures/lab/digits_facts.json', 'utf8')) as {
  count: number;
  labelCounts: number[];
  pixelSums: number[];
  first: { label: number; pixels: number[] };
};

function header(count: number, height = 8, width = 8): number[] {
  return [0x51, 0x58, 0x44, 0x31, count & 0xff, count >> 8, height, width];
}

describe('the shipped digits asset', () => {
  it('holds 1,797 images of 64 pixels in 0..16 with the original per-class counts and pixel sums', async () => {
    const d = await loadDigits();
    expect(d.count).toBe(1797);
    expect(d.pixels.length).toBe(1797 * 64);
    let max = 0;
    for (const p of d.pixels) max = Math.max(max, p);
    expect(max).toBe(16);
    const counts = new Array(10).fill(0);
    for (const l of d.labels) counts[l]++;
    expect(counts).toEqual(facts.labelCounts);
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    const sums = Array.from({ length: d.count }, (_, i) =>
      d.pixels.subarray(i * 64, i * 64 + 64).reduce((a, b) => a + b, 0),
    );
    expect(sums).toEqual(facts.pixelSums);
    expect(d.labels[0]).toBe(facts.first.label);
    expect(Array.from(d.pixels.subarray(0, 64))).toEqual(facts.first.pixels);
  });

  it('is a compact asset (a few tens of KB)', () => {
    expect(base64Bytes(DIGITS_GZIP_BASE64).length).toBeLessThan(50_000);
  });
});

describe('decodeDigits refuses damaged input with a clear error', () => {
  const good = [...header(2), 3, 7, ...new Array(128).fill(5)];
  it('decodes a well-formed two-image asset', () => {
    const d = decodeDigits(gzipSync(new Uint8Array(good)));
    expect(d.count).toBe(2);
    expect(Array.from(d.labels)).toEqual([3, 7]);
    expect(d.pixels.length).toBe(128);
  });
  it.each([
    ['empty', [], /shorter than the 8-byte header/],
    ['bad magic', [0, 0, 0, 0, 1, 0, 8, 8, 1, ...new Array(64).fill(0)], /does not start with "QXD1"/],
    ['not 8×8', [...header(1, 16, 16), 1], /16×16, expected 8×8/],
    ['no images', header(0), /holds no images/],
    ['truncated', good.slice(0, -1), /137 bytes where 2 images need 138/],
    ['trailing bytes', [...good, 0], /139 bytes where/],
    ['label 10', [...header(1), 10, ...new Array(64).fill(0)], /label 10 of image 0 is not 0..9/],
    ['pixel 17', [...header(1), 1, ...new Array(63).fill(0), 17], /pixel 63 of image 0 is 17, above 16/],
  ])('%s', (_, bytes, message) => {
    expect(() => decodeDigitsRaw(new Uint8Array(bytes))).toThrow(message);
    expect(() => decodeDigitsRaw(new Uint8Array(bytes))).toThrow(DigitsAssetError);
  });
  it('a damaged gzip stream', () => {
    const z = gzipSync(new Uint8Array(good));
    expect(() => decodeDigits(z.subarray(0, z.length - 12))).toThrow(DigitsAssetError);
    expect(() => decodeDigits(new Uint8Array([1, 2, 3]))).toThrow(/gzip stream is damaged/);
  });
  it('malformed base64', () => {
    expect(() => base64Bytes('ab$c')).toThrow(/base64 text is malformed/);
  });
});
