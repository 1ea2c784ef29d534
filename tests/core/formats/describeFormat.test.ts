/** describeFormat and describeFormatStorage: the menu's words and nominal bits per weight agree with what the quantizers report. */
import { describe, expect, it } from 'vitest';
import {
  computeQuantView,
  DEFAULT_VIEW,
  defaultSweepSchemes,
  describeFormat,
  describeFormatStorage,
  type FormatScheme,
} from '../../../src/core';
import { createRng } from '../../../src/core/random';

// 4 rows of 256: whole blocks for every block format (32, 16, 64, 256) and every NF4 double-quant block.
const rows = 4;
const cols = 256;
const rng = createRng(3);
const tensor = { rows, cols, data: Float32Array.from({ length: rows * cols }, () => rng.normal()) };
const formats = defaultSweepSchemes().filter((s): s is FormatScheme => s.kind !== 'integer');

describe('describeFormat', () => {
  it.each(formats.map((s) => [describeFormat(s).label, s] as const))(
    '%s: the storage words are those the quantizer reports',
    (_label, scheme) => {
      const view = computeQuantView(tensor, scheme, DEFAULT_VIEW);
      expect(describeFormatStorage(scheme)).toBe(view.metrics.storage);
    },
  );

  it.each([
    [{ kind: 'block', format: 'mxfp4' }, 4.25],
    [{ kind: 'block', format: 'mxfp6_e2m3' }, 6.25],
    [{ kind: 'block', format: 'mxint8' }, 8.25],
    [{ kind: 'block', format: 'nvfp4' }, 4.5],
    [{ kind: 'block', format: 'nf4' }, 4.5],
    [{ kind: 'block', format: 'q8_0' }, 8.5],
    [{ kind: 'block', format: 'q4_0' }, 4.5],
    [{ kind: 'block', format: 'q4_k' }, 4.5],
    [{ kind: 'block', format: 'q6_k' }, 6.5625],
    // NF4 double quant: 4 + 8/64 + 32/(64*256) (SEMANTICS.md: about 4.127).
    [{ kind: 'block', format: 'nf4', doubleQuant: true }, 4 + 8 / 64 + 32 / (64 * 256)],
    [{ kind: 'float', format: 'e4m3', scaling: 'group', groupSize: 32, saturate: true }, 9],
  ] as Array<[FormatScheme, number]>)(
    'nominal bits per weight of %j is %d (SEMANTICS.md)',
    (scheme, bits) => {
      expect(describeFormat(scheme).bitsPerWeight).toBeCloseTo(bits, 10);
    },
  );
});
