/**
 * The model lab's data: the UCI handwritten digits (1,797 images of 8×8 pixels, grey levels 0..16, labels 0..9;
 * CC BY 4.0, see digitsAsset.ts and README.md beside this file). `decodeDigits` reads the compact asset made by
 * tests/fixtures/lab/make_digits.py and checks every field, so a damaged asset is a clear error, never wrong data.
 *
 * Layout (little-endian, inside a gzip member): "QXD1", uint16 count, uint8 height, uint8 width,
 * count labels (uint8), count·height·width pixels (uint8, row-major per image).
 */
import { gunzipSync } from 'fflate';

export const DIGIT_SIDE = 8;
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;
export const DIGIT_CLASSES = 10;
/** Largest grey level (the UCI set counts set bits in 4×4 blocks of a 32×32 bitmap: 0..16). */
export const DIGIT_MAX_LEVEL = 16;

export interface DigitsDataset {
  count: number;
  /** count × 64 grey levels 0..16, one image after another, row-major. */
  pixels: Uint8Array;
  /** count labels 0..9. */
  labels: Uint8Array;
}

/** The asset could not be read: what was wrong, and that the app build is damaged (nothing the user did). */
export class DigitsAssetError extends Error {
  override readonly name = 'DigitsAssetError';
  constructor(problem: string) {
    super(
      `The digits data set could not be read: ${problem}. Reload the page; if it persists the app's build is damaged.`,
    );
  }
}

const MAGIC = [0x51, 0x58, 0x44, 0x31]; // "QXD1"
const HEADER = 8;

/** Decodes the raw (already decompressed) layout. */
export function decodeDigitsRaw(bytes: Uint8Array): DigitsDataset {
  if (bytes.length < HEADER)
    throw new DigitsAssetError(`${bytes.length} bytes is shorter than the 8-byte header`);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC[i]) throw new DigitsAssetError('it does not start with "QXD1"');
  }
  const count = bytes[4] | (bytes[5] << 8);
  const height = bytes[6];
  const width = bytes[7];
  if (height !== DIGIT_SIDE || width !== DIGIT_SIDE) {
    throw new DigitsAssetError(`images are ${height}×${width}, expected 8×8`);
  }
  if (count === 0) throw new DigitsAssetError('it holds no images');
  const expected = HEADER + count + count * DIGIT_PIXELS;
  if (bytes.length !== expected) {
    throw new DigitsAssetError(`${bytes.length} bytes where ${count} images need ${expected}`);
  }
  const labels = bytes.slice(HEADER, HEADER + count);
  const pixels = bytes.slice(HEADER + count, expected);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= DIGIT_CLASSES)
      throw new DigitsAssetError(`label ${labels[i]} of image ${i} is not 0..9`);
  }
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] > DIGIT_MAX_LEVEL) {
      throw new DigitsAssetError(
        `pixel ${i % DIGIT_PIXELS} of image ${Math.floor(i / DIGIT_PIXELS)} is ${pixels[i]}, above 16`,
      );
    }
  }
  return { count, pixels, labels };
}

/** Decodes the gzipped asset. */
export function decodeDigits(gzipped: Uint8Array): DigitsDataset {
  let raw: Uint8Array;
  try {
    raw = gunzipSync(gzipped);
  } catch (error) {
    throw new DigitsAssetError(
      `its gzip stream is damaged (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return decodeDigitsRaw(raw);
}

/** Base64 → bytes (atob: in browsers, workers and Node alike). */
export function base64Bytes(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new DigitsAssetError('its base64 text is malformed');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

let loaded: Promise<DigitsDataset> | null = null;

/** The shipped data set, decoded once; the asset is a lazily imported chunk (fetched when first asked for). */
export function loadDigits(): Promise<DigitsDataset> {
  loaded ??= import('./digitsAsset').then((m) => decodeDigits(base64Bytes(m.DIGITS_GZIP_BASE64)));
  // a failed load is not cached, so a retry can succeed (a chunk that failed to download)
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}
