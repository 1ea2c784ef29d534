/** sortFloat32: the order of Float32Array.prototype.sort for every non-NaN float32, in place. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat32 } from '../../../src/core/formats/radixSort';

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('sortFloat32', () => {
  it('agrees with the built-in sort bit for bit (signed zeros, subnormals, infinities, repeats)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.float({ noNaN: true }),
            fc.constantFrom(0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -1e-45, 1, -1),
          ),
          { minLength: 0, maxLength: 400 },
        ),
        (values) => {
          const mine = Float32Array.from(values);
          const builtIn = Float32Array.from(values).sort();
          sortFloat32(mine);
          expect(bitsOf(mine)).toEqual(bitsOf(builtIn));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sorts only the first n values and leaves the rest alone', () => {
    const values = Float32Array.from({ length: 200 }, (_, i) => ((i * 7919) % 200) - 100);
    const tail = Array.from(values.subarray(150));
    sortFloat32(values, 150);
    for (let i = 1; i < 150; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    expect(Array.from(values.subarray(150))).toEqual(tail);
  });

  it('sorts a subarray view in place (byte offset respected)', () => {
    const buffer = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 10);
    const view = buffer.subarray(100, 300);
    const expected = Float32Array.from(view).sort();
    sortFloat32(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
  });
});
