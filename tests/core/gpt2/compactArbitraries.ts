/**
 * What the compact-form tests share (compactTensor, compactRows, linearRows): reading a compact tensor whole, its
 * bits, and fast-check's integer schemes over every granularity, rounding and clipping.
 */
import fc from 'fast-check';
import type { CompactTensor } from '../../../src/core/gpt2/compactTensor';
import type { Granularity, Scheme } from '../../../src/core/scheme';

/** Float32 bit patterns, −0 read as +0 (the one difference the compact form allows: compactTensor.ts sameWeight). */
export const bitsOf = (a: Float32Array) =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (b) => (b === 0x80000000 ? 0 : b));

/** Every row of a compact tensor, dequantized. */
export function readAll(c: CompactTensor): Float32Array {
  const out = new Float32Array(c.rows * c.cols);
  c.readRows(0, c.rows, out);
  return out;
}

/** Per tensor, row, column, or groups of 1 … maxGroup values. */
export const granularityUpTo = (maxGroup: number): fc.Arbitrary<Granularity> =>
  fc.oneof(
    fc.constant({ kind: 'tensor' } as const),
    fc.constant({ kind: 'row' } as const),
    fc.constant({ kind: 'column' } as const),
    fc.integer({ min: 1, max: maxGroup }).map((size) => ({ kind: 'group', size }) as const),
  );

/** Integer schemes of 2–8 bits, every method, rounding (stochastic included) and clipping. */
export const integerSchemeUpTo = (maxGroup: number): fc.Arbitrary<Scheme> =>
  fc.record({
    kind: fc.constant('integer' as const),
    method: fc.constantFrom('absmax' as const, 'zeroPoint' as const),
    bits: fc.integer({ min: 2, max: 8 }),
    granularity: granularityUpTo(maxGroup),
    rounding: fc.oneof(
      fc.constantFrom(
        { kind: 'halfEven' } as const,
        { kind: 'halfAway' } as const,
        { kind: 'floor' } as const,
      ),
      fc.integer({ min: 1, max: 1000 }).map((seed) => ({ kind: 'stochastic', seed }) as const),
    ),
    clipping: fc.constantFrom(
      { kind: 'none' } as const,
      { kind: 'percentile', percentile: 99 } as const,
      { kind: 'mseOptimal' } as const,
    ),
  });
