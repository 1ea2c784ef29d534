/**
 * Tells the formats apart: by magic bytes first (.npy "\x93NUMPY", zip "PK\3\4", "GGUF", safetensors'
 * 8-byte length followed by '{'), then by extension (so a damaged file still gets its own format's precise
 * error), then text that looks like numbers is CSV.
 */
import { type ByteSource, readRange } from './byteSource';
import { hasNpyMagic } from './npy';
import { ParseError } from './parseError';
import type { TensorFormat } from './types';

/** 'index' is a sharded checkpoint's model.safetensors.index.json. */
export type DetectedFormat = TensorFormat | 'index';

const EXTENSIONS: Record<string, DetectedFormat> = {
  safetensors: 'safetensors',
  npy: 'npy',
  npz: 'npz',
  gguf: 'gguf',
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  json: 'index',
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** True when the bytes look like text: no NUL and no control characters other than tab, CR, LF. */
function looksLikeText(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  }
  return true;
}

export async function detectFormat(source: ByteSource, signal?: AbortSignal): Promise<DetectedFormat> {
  if (source.size === 0) {
    throw new ParseError({
      format: 'unknown',
      code: 'empty',
      fileName: source.name,
      message: 'the file is empty (0 bytes)',
      hint: 'Choose the file again; it may not have finished downloading.',
    });
  }
  // 16 bytes tell every magic apart; over HTTP this is one small request.
  const head = await readRange(
    source,
    0,
    Math.min(source.size, 16),
    'unknown',
    'the start of the file',
    signal,
  );
  if (hasNpyMagic(head)) return 'npy';
  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  ) {
    return 'npz';
  }
  if (head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) return 'gguf';
  // safetensors: a u64 header length whose top bytes are zero, then the JSON object.
  if (head.length >= 9 && head[8] === 0x7b && head[5] === 0 && head[6] === 0 && head[7] === 0)
    return 'safetensors';
  const byExtension = EXTENSIONS[extensionOf(source.name)];
  if (byExtension) return byExtension;
  if (head[0] === 0x7b) return 'index';
  if (looksLikeText(head)) return 'csv';
  throw new ParseError({
    format: 'unknown',
    code: 'bad-magic',
    fileName: source.name,
    message: 'not a recognised weight file',
    hint: 'Open a .safetensors, .npy, .npz, .gguf or .csv file (or a model.safetensors.index.json with its shards).',
  });
}
