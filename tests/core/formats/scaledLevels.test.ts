import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { representableValues } from '../../../src/core/formats';
import { scaledLevels, sortedDistinct } from '../../../src/core/formats/formatOutput';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('scaledLevels', () => {
  it('equals sorting and de-duplicating the scaled values, for every float grid and any scale (one pass, no sort)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fp16', 'bf16', 'e4m3', 'e5m2', 'e2m3', 'e3m2', 'e2m1' as const),
        fc.oneof(
          fc.float({ noNaN: true }),
          fc.constantFrom(0, -0, 1e-45, 3e38, Number.POSITIVE_INFINITY, -2),
        ),
        (format, scale) => {
          const values = representableValues(format);
          const reference = sortedDistinct(Array.from(values, (v) => Math.fround(v * scale)));
          expect(bits(scaledLevels(values, scale))).toEqual(bits(reference));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('falls back to sorting when the element values are not ascending', () => {
    expect(Array.from(scaledLevels([3, -1, 2, 2], 0.5))).toEqual([-0.5, 1, 1.5]);
  });
});
