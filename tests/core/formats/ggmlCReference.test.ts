import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_VIEW,
  generateTensor,
} from '../../../src/core';
import type { BlockFormatId } from '../../../src/core/scheme';
import reference from '../../fixtures/formats/ggml_c_reference.json';

const sha256 = (a: Float32Array) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

describe('GGUF types against llama.cpp’s own C reference quantizers (1024 x 1024, see tests/fixtures/formats/README.md)', () => {
  const tensor = generateTensor({ ...DEFAULT_GENERATOR, rows: 1024, cols: 1024 });

  it('starts from the same tensor the C harness read (else the generator changed, not the quantizers)', () => {
    expect(sha256(tensor.data)).toBe(reference.inputSha256);
  });

  for (const [format, expected] of Object.entries(reference.dequantizedSha256)) {
    for (const wasm of [true, false]) {
      it(`${format} on the ${wasm ? 'WebAssembly kernel' : 'TypeScript path'}: every dequantized value bit-identical`, () => {
        const cache = createTensorCache(tensor, { wasm });
        computeQuantView(tensor, { kind: 'block', format: format as BlockFormatId }, DEFAULT_VIEW, cache);
        expect(cache.kernel !== null).toBe(wasm);
        expect(sha256(cache.dequantized)).toBe(expected);
      });
    }
  }
});
