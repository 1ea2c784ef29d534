/**
 * The GGUF quantizers at float32's lower edge (issue #19): blocks whose range is subnormal or among the smallest
 * normals, where `1 / d` (Q8_0, Q4_0, Q5_0, Q4_1, Q5_1) and Q4_K's search scale `nmax / (max - min)` overflow to
 * +Inf. ggml then stores what x86-64 makes of a non-finite x * id (`(int8_t)` of NaN / ±Inf is the low byte of
 * INT_MIN, 0) and what `nearest_int` makes of ±Inf / NaN (0 after the clamp). Checked on the JS path and on both
 * WebAssembly kernels against the NumPy port (make_ggml_edge_fixtures.py), and by properties over random tiny
 * blocks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantizeFormatInto } from '../../../src/core/formats';
import type { BlockFormatId } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';
import { createKernelBuffers, floatKernelOf } from '../../../src/core/wasm/fusedKernel';

type GgufId = 'q8_0' | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q4_k' | 'q6_k';

interface EdgeFixture {
  input: { rows: number; cols: number; values: number[] };
  cases: { format: GgufId; codes: number[]; dequantized: number[] }[];
}

const fixture: EdgeFixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../fixtures/formats/ggml_edge_fixtures.json', import.meta.url)),
    'utf8',
  ),
);

/** float32 bit patterns, so that -0 and +0 differ (the fixture's values are exact float32 values). */
const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

function run(
  format: BlockFormatId,
  rows: number,
  cols: number,
  values: ArrayLike<number>,
  onKernel: boolean,
) {
  const t = createTensor(rows, cols, Float32Array.from(values));
  const buffers = onKernel ? createKernelBuffers(t.data) : null;
  if (onKernel && !buffers) throw new Error('the WebAssembly kernel did not start');
  const out = buffers
    ? { codes: buffers.codes, dequantized: buffers.dequantized, kernel: floatKernelOf(buffers) }
    : { codes: new Int16Array(rows * cols), dequantized: new Float32Array(rows * cols) };
  quantizeFormatInto(t, { kind: 'block', format }, out);
  return { codes: Array.from(out.codes), dequantized: out.dequantized };
}

describe('GGUF types on subnormal and smallest-normal ranges against the NumPy port of ggml (x86 conversions)', () => {
  const { rows, cols, values } = fixture.input;
  for (const c of fixture.cases) {
    for (const onKernel of [false, true]) {
      it(`${c.format}${onKernel ? ' on the WebAssembly kernel' : ''}: every code and dequantized bit agrees`, () => {
        const got = run(c.format, rows, cols, values, onKernel);
        expect(got.codes).toEqual(c.codes);
        expect(bits(got.dequantized)).toEqual(bits(c.dequantized));
      });
    }
  }
});

const LEGACY: readonly GgufId[] = ['q8_0', 'q4_0', 'q5_0', 'q4_1', 'q5_1'];
/** What 1 / d overflows below: d = amax / 127 (Q8_0), |max| / 8 or 16, (max - min) / 15 or 31. */
const DIVISOR: Readonly<Record<string, number>> = { q8_0: 127, q4_0: 8, q5_0: 16, q4_1: 15, q5_1: 31 };

/** A block of `n` values k * 2^e, k small integers, e from the smallest subnormal to past the overflow edge. */
const tinyBlock = (n: number) =>
  fc
    .record({
      e: fc.integer({ min: -149, max: -117 }),
      ks: fc.array(fc.integer({ min: -40, max: 40 }), { minLength: n, maxLength: n }),
    })
    .map(({ e, ks }) => Float32Array.from(ks, (k) => k * 2 ** e));

/** ggml's d for a legacy block, in float32 as the C code computes it. */
function legacyD(format: GgufId, x: Float32Array): number {
  if (format === 'q8_0' || format === 'q4_0' || format === 'q5_0') {
    let amax = 0;
    let max = 0;
    for (const v of x)
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    return Math.fround((format === 'q8_0' ? amax : max) / DIVISOR[format]);
  }
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  return Math.fround(Math.fround(hi - lo) / DIVISOR[format]);
}

describe('properties over random tiny blocks (ggml rules)', () => {
  for (const format of LEGACY) {
    it(`${format}: where 1 / d overflows every code is 0 (x86: (int8_t) of a non-finite float), and the kernel agrees`, () => {
      let overflowed = 0;
      fc.assert(
        fc.property(tinyBlock(32), (x) => {
          const d = legacyD(format, x);
          const js = run(format, 1, 32, x, false);
          const wasm = run(format, 1, 32, x, true);
          expect(wasm.codes).toEqual(js.codes);
          expect(bits(wasm.dequantized)).toEqual(bits(js.dequantized));
          if (d !== 0 && !Number.isFinite(Math.fround(1 / d))) {
            overflowed++;
            expect(js.codes).toEqual(new Array(32).fill(0));
          }
          // d rounds to FP16 zero at these magnitudes: every value dequantizes to a zero (of either sign)
          for (const v of js.dequantized) expect(v === 0).toBe(true);
        }),
        { numRuns: 120 },
      );
      // the sweep reached the overflow case (it is most of the exponent range)
      expect(overflowed).toBeGreaterThan(10);
    });
  }

  it('q4_k: a super-block whose every sub-block spans less than 15 / FLT_MAX has every code 0', () => {
    fc.assert(
      fc.property(tinyBlock(256), (x) => {
        let everyTiny = true;
        for (let s = 0; s < 8; s++) {
          const sub = x.subarray(32 * s, 32 * s + 32);
          const min = Math.min(0, ...sub);
          const max = Math.max(...sub);
          if (max !== min && !Number.isFinite(Math.fround(15 / Math.fround(max - min)))) continue;
          if (max !== min) everyTiny = false;
        }
        const js = run('q4_k', 1, 256, x, false);
        const wasm = run('q4_k', 1, 256, x, true);
        expect(wasm.codes).toEqual(js.codes);
        expect(bits(wasm.dequantized)).toEqual(bits(js.dequantized));
        if (everyTiny) expect(js.codes).toEqual(new Array(256).fill(0));
      }),
      { numRuns: 60 },
    );
  });

  it('q6_k: a super-block below GROUP_MAX_EPS (1e-15) is stored as all zeros', () => {
    fc.assert(
      fc.property(tinyBlock(256), (x) => {
        const js = run('q6_k', 1, 256, x, false);
        const wasm = run('q6_k', 1, 256, x, true);
        expect(js.codes).toEqual(new Array(256).fill(0));
        expect(wasm.codes).toEqual(js.codes);
        expect(bits(wasm.dequantized)).toEqual(bits(js.dequantized));
      }),
      { numRuns: 30 },
    );
  });
});
