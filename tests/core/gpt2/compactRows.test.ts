/**
 * Quantizing by rows (compactRows.ts, the engine's pass with a row sink): the compact form and the metrics are
 * those of the whole-tensor `quantize` + `compactOf`, bit for bit, for every integer scheme of ≤ 8 bits (any
 * granularity, rounding and clipping), on the JS pass and on the WebAssembly pass (a row-output storage, also one
 * larger than the tensor), with and without the matmul kernel's arena; other families are left to the whole path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactByRows, compactsByRows } from '../../../src/core/gpt2/compactRows';
import { compactOf, isCompact } from '../../../src/core/gpt2/compactTensor';
import { quantize } from '../../../src/core/quantView';
import type { Scheme } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { tensorStorage } from '../../../src/core/tensorCache';
import { createMatmulKernel } from '../../../src/core/wasm/matmulKernel';
import { bitsOf, integerSchemeUpTo, readAll } from './compactArbitraries';

const integerScheme = integerSchemeUpTo(40);

/** Rows long enough for the kernel's dequantizing runs (≥ 16 values) as well as short ones. */
const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 9 }), cols: fc.integer({ min: 1, max: 90 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), {
        minLength: rows * cols,
        maxLength: rows * cols,
      }),
    }),
  );

const arena = createMatmulKernel(8 << 20);
/** One row-output engine memory larger than every test tensor, as the language model shares one. */
const shared = tensorStorage(16, 128, { wasm: true, rowOutputs: true });

type Pass = 'js' | 'wasm' | 'wasm-shared';

function byRows(
  values: Float32Array,
  rows: number,
  cols: number,
  scheme: Scheme,
  pass: Pass,
  withArena: boolean,
) {
  const storage =
    pass === 'js'
      ? undefined
      : pass === 'wasm'
        ? tensorStorage(rows, cols, { wasm: true, rowOutputs: true })
        : shared;
  let data = values;
  if (storage) {
    data = storage.values.subarray(0, values.length);
    data.set(values);
  }
  return compactByRows(
    createTensor(rows, cols, data),
    scheme,
    Number.POSITIVE_INFINITY,
    withArena ? arena : undefined,
    storage,
  );
}

describe('quantizing by rows into the compact form', () => {
  it.each([
    ['js', false],
    ['js', true],
    ['wasm', true],
    ['wasm-shared', false],
    ['wasm-shared', true],
  ] as const)(
    'gives the whole-tensor quantize’s values and metrics bit for bit (%s pass, arena %s)',
    (pass, withArena) => {
      let kernelRuns = 0;
      fc.assert(
        fc.property(matrix, integerScheme, ({ rows, cols, values }, scheme) => {
          const x = Float32Array.from(values);
          const whole = quantize(createTensor(rows, cols, x.slice()), scheme);
          const reference = compactOf(scheme, whole, rows, cols, Number.POSITIVE_INFINITY);
          const got = byRows(x, rows, cols, scheme, pass, withArena);
          expect(got).not.toBeNull();
          if (!got || !isCompact(got.form) || !isCompact(reference))
            throw new Error('expected compact forms');
          expect(bitsOf(readAll(got.form))).toEqual(bitsOf(whole.dequantized));
          expect(got.form.bytes).toBe(reference.bytes);
          expect(got.metrics).toEqual(whole.metrics);
          if (pass === 'js') expect(got.pass).toBe('js');
          else if (got.pass === 'wasm-simd') kernelRuns++;
          got.form.dispose();
        }),
        { numRuns: 60 },
      );
      // The kernel takes most cases (not stochastic rounding or per-column groups: the engine's JS pass then).
      if (pass !== 'js') expect(kernelRuns).toBeGreaterThan(10);
    },
  );

  it('refuses (holding nothing) or matches the whole path where the tensor has non-finite values', () => {
    const x = Float32Array.from({ length: 6 * 40 }, (_, i) => Math.sin(i) * 3);
    x[77] = Number.NaN;
    x[150] = Number.POSITIVE_INFINITY;
    const scheme: Scheme = {
      kind: 'integer',
      method: 'absmax',
      bits: 8,
      granularity: { kind: 'tensor' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    const whole = compactOf(
      scheme,
      quantize(createTensor(6, 40, x.slice()), scheme),
      6,
      40,
      Number.POSITIVE_INFINITY,
    );
    for (const pass of ['js', 'wasm'] as const) {
      const got = byRows(x, 6, 40, scheme, pass, true);
      expect(got).not.toBeNull();
      expect(isCompact(got!.form)).toBe(isCompact(whole));
      if (!isCompact(got!.form)) expect(got!.form.reason).toBe('mismatch');
    }
  });

  it('leaves 16-bit integers, formats and forms over the budget to the whole-tensor path', () => {
    const int8: Scheme = {
      kind: 'integer',
      method: 'zeroPoint',
      bits: 8,
      granularity: { kind: 'group', size: 2 },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    const others: Scheme[] = [
      { ...int8, bits: 16, granularity: { kind: 'tensor' } },
      { kind: 'float', format: 'e4m3', scaling: 'none', groupSize: 32, saturate: true },
      { kind: 'block', format: 'nf4' },
      { kind: 'block', format: 'mxfp4' },
      { kind: 'kmeans', bits: 3, granularity: { kind: 'tensor' }, maxIterations: 10 },
      { kind: 'binary' },
    ];
    const t = createTensor(
      4,
      32,
      Float32Array.from({ length: 128 }, (_, i) => Math.cos(i)),
    );
    for (const s of others) {
      expect(compactsByRows(s, 4, 32, Number.POSITIVE_INFINITY)).toBe(false);
      expect(compactByRows(t, s, Number.POSITIVE_INFINITY)).toBeNull();
    }
    // Groups of 2: 1 byte a value + 12 per group of 2 = 7 bytes a value, over a budget of 0.375 × 4 bytes.
    expect(compactsByRows(int8, 4, 32, 0.375 * 4 * 128)).toBe(false);
    expect(compactsByRows({ ...int8, granularity: { kind: 'tensor' } }, 4, 32, 0.375 * 4 * 128)).toBe(true);
  });
});
