/**
 * NF4 codes on the WebAssembly kernel (src/kernels/fused/nf4.as.ts `bucketizeCodes`: 8 elements at a time compared
 * with the 15 thresholds, the tail by cell lookup) against the TypeScript path and against counting by hand: every
 * threshold exactly (a tie goes to the lower code, `torch.bucketize`), the float32 just above and below it, ±1 and
 * ±0, in every lane of the 8-wide loop and in the tail, and random blocks against the TypeScript path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantizeFormatInto } from '../../../src/core/formats';
import { NF4_BOUNDS } from '../../../src/core/formats/nf4';
import { createTensor } from '../../../src/core/tensor';
import { createKernelBuffers, floatKernelOf } from '../../../src/core/wasm/fusedKernel';

const f = Math.fround;
const nextUp = (v: number) => {
  const a = new Float32Array([v]);
  const b = new Int32Array(a.buffer);
  b[0] += v >= 0 ? 1 : -1;
  return a[0];
};
const nextDown = (v: number) => -nextUp(-v);

function nf4(values: number[], cols: number, onKernel: boolean) {
  const t = createTensor(values.length / cols, cols, Float32Array.from(values));
  const buffers = onKernel ? createKernelBuffers(t.data) : null;
  if (onKernel && !buffers) throw new Error('no WebAssembly kernel here');
  const out = buffers
    ? { codes: buffers.codes, dequantized: buffers.dequantized, kernel: floatKernelOf(buffers) }
    : { codes: new Int16Array(values.length), dequantized: new Float32Array(values.length) };
  quantizeFormatInto(t, { kind: 'block', format: 'nf4' }, out);
  return { codes: Array.from(out.codes), dequantized: Array.from(out.dequantized) };
}

/** The code by definition: how many thresholds lie strictly below the clamped scaled value. */
function countBelow(scaled: number): number {
  const s = Math.min(1, Math.max(-1, scaled));
  return NF4_BOUNDS.filter((b) => Number.isFinite(b) && b < s).length;
}

describe('NF4 on the kernel', () => {
  it('every threshold, the float32 on either side of it, ±1 and ±0: the counted code, and the JS path', () => {
    const probes: number[] = [1, -1, 0, -0];
    for (const b of NF4_BOUNDS) if (Number.isFinite(b)) probes.push(b, nextUp(b), nextDown(b));
    // Blocks of 64 led by an absmax of 1 (so scaled === x), the probes after it, shifted by 0 .. 7 places so that
    // each probe takes every lane of the 8-wide loop; the short last block runs the tail.
    const payload: number[] = [];
    for (let shift = 0; shift < 8; shift++) payload.push(...new Array(shift).fill(0), ...probes);
    const values: number[] = [];
    for (let at = 0; at < payload.length; at += 63) values.push(1, ...payload.slice(at, at + 63));
    const cols = values.length;
    expect(cols % 64).not.toBe(0);
    const onKernel = nf4(values, cols, true);
    expect(onKernel).toEqual(nf4(values, cols, false));
    values.forEach((v, i) => {
      expect(onKernel.codes[i], `x = ${v}`).toBe(countBelow(v));
    });
  });

  it('random blocks of any scale and length, every threshold among them: the JS path, bit for bit', () => {
    const bound = fc.constantFrom(...NF4_BOUNDS.filter(Number.isFinite));
    const value = fc.oneof(
      fc.float({ noNaN: true, noDefaultInfinity: true, min: -4, max: 4 }),
      bound,
      bound.map(nextUp),
      bound.map(nextDown),
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 0.5, 3, 1e-3),
        (xs, scale) => {
          const values = xs.map((x) => f(x * scale));
          expect(nf4(values, values.length, true)).toEqual(nf4(values, values.length, false));
        },
      ),
      { numRuns: 200 },
    );
  });
});
