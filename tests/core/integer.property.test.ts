import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeRange, type Granularity, type IntegerScheme, quantize } from '../../src/core';

const tensorArb = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 40 }) })
  .chain(({ rows, cols }) =>
    fc
      .float32Array({
        minLength: rows * cols,
        maxLength: rows * cols,
        noNaN: true,
        noDefaultInfinity: true,
        min: -1e4,
        max: 1e4,
      })
      // Steps in float32's subnormal range lose their relative precision (NumPy's do too), so the half-step bound
      // cannot hold there: tiny magnitudes are flushed to 0 in the generated data.
      .map((data) => ({ rows, cols, data: data.map((v) => (Math.abs(v) < 1e-20 ? 0 : v)) })),
  );
const bitsArb = fc.constantFrom(2, 3, 4, 5, 6, 7, 8, 16);
const granularityArb: fc.Arbitrary<Granularity> = fc.oneof(
  fc.constant({ kind: 'tensor' } as const),
  fc.constant({ kind: 'row' } as const),
  fc.constant({ kind: 'column' } as const),
  fc.integer({ min: 1, max: 50 }).map((size) => ({ kind: 'group', size }) as const),
);
const methodArb = fc.constantFrom('absmax', 'zeroPoint') as fc.Arbitrary<'absmax' | 'zeroPoint'>;
const schemeOf = (method: 'absmax' | 'zeroPoint', bits: number, granularity: Granularity): IntegerScheme => ({
  kind: 'integer',
  method,
  bits,
  granularity,
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
});
const groupIndex = (g: Granularity, cols: number, r: number, c: number) =>
  g.kind === 'tensor'
    ? 0
    : g.kind === 'row'
      ? r
      : g.kind === 'column'
        ? c
        : r * Math.ceil(cols / g.size) + Math.floor(c / g.size);

describe('integer quantization invariants', () => {
  it('codes stay within [qmin, qmax] for every bit width, method and granularity', () => {
    fc.assert(
      fc.property(tensorArb, bitsArb, methodArb, granularityArb, (t, bits, method, g) => {
        const { qmin, qmax } = codeRange(method, bits);
        const r = quantize(t, schemeOf(method, bits, g));
        for (const q of r.codes) expect(q >= qmin && q <= qmax).toBe(true);
      }),
    );
  });

  it('without clipping, every dequantized value lies within half a step of its input (plus float32 rounding)', () => {
    fc.assert(
      fc.property(tensorArb, bitsArb, methodArb, granularityArb, (t, bits, method, g) => {
        const r = quantize(t, schemeOf(method, bits, g));
        for (let row = 0; row < t.rows; row++) {
          for (let c = 0; c < t.cols; c++) {
            const i = row * t.cols + c;
            const step = r.scale[groupIndex(g, t.cols, row, c)];
            const x = t.data[i];
            // half a step, one float32 ulp of x / step and of the product, and the zero point's rounding (zero-point)
            const slack = Math.abs(x) * 2 ** -22 + step * (method === 'zeroPoint' ? 0.5 : 2 ** -20);
            expect(Math.abs(r.dequantized[i] - x)).toBeLessThanOrEqual(step / 2 + slack);
          }
        }
      }),
    );
  });

  it('with clipping (percentile or manual), x_hat lies within half a step of the clipped input clamp(x, lo, hi)', () => {
    const clipArb = fc.oneof(
      fc
        .double({ min: 50, max: 100, noNaN: true })
        .map((percentile) => ({ kind: 'percentile', percentile }) as const),
      fc
        .tuple(
          fc.double({ min: -100, max: -0.01, noNaN: true }),
          fc.double({ min: 0.01, max: 100, noNaN: true }),
        )
        .map(([lo, hi]) => ({ kind: 'manual', lo, hi }) as const),
    );
    fc.assert(
      fc.property(
        tensorArb,
        fc.integer({ min: 2, max: 8 }),
        methodArb,
        granularityArb,
        clipArb,
        (t, bits, method, g, clipping) => {
          const r = quantize(t, { ...schemeOf(method, bits, g), clipping });
          for (let row = 0; row < t.rows; row++) {
            for (let c = 0; c < t.cols; c++) {
              const i = row * t.cols + c;
              const k = groupIndex(g, t.cols, row, c);
              // a zero-width range (e.g. the 50th percentile of mostly-equal values) uses a range of 1 instead
              // (SEMANTICS.md "Zero range"), so its grid is not confined to [lo, hi]
              if (r.hi[k] === r.lo[k]) continue;
              // a range far narrower than its distance from 0 puts -lo / Δ beyond 2^24, where the float32 zero point
              // cannot be exact and the grid shifts (NumPy computes the same): outside what this bound describes
              if (method === 'zeroPoint' && (Math.abs(r.lo[k]) * 2 ** bits) / (r.hi[k] - r.lo[k]) > 2 ** 22)
                continue;
              const step = r.scale[k];
              const clipped = Math.min(r.hi[k], Math.max(r.lo[k], t.data[i]));
              const slack = Math.abs(clipped) * 2 ** -21 + step * (method === 'zeroPoint' ? 0.5 : 2 ** -20);
              expect(Math.abs(r.dequantized[i] - clipped)).toBeLessThanOrEqual(step / 2 + slack);
            }
          }
        },
      ),
    );
  });

  it('under absmax, each row step with per-row granularity is never larger than the per-tensor step', () => {
    fc.assert(
      fc.property(tensorArb, bitsArb, (t, bits) => {
        const perTensor = quantize(t, schemeOf('absmax', bits, { kind: 'tensor' })).scale[0];
        const perRow = quantize(t, schemeOf('absmax', bits, { kind: 'row' })).scale;
        for (const step of perRow) expect(step === 1 || step <= perTensor).toBe(true);
      }),
    );
  });

  it('quantizing the dequantized tensor again gives the same codes (absmax, per tensor, bits <= 8)', () => {
    fc.assert(
      fc.property(tensorArb, fc.integer({ min: 2, max: 8 }), (t, bits) => {
        const scheme = schemeOf('absmax', bits, { kind: 'tensor' });
        const once = quantize(t, scheme);
        const twice = quantize({ ...t, data: once.dequantized.slice() }, scheme);
        // the grid can shrink by an ulp when max|x_hat| rounds below max|x|; allow one code of drift
        for (let i = 0; i < t.data.length; i++)
          expect(Math.abs(twice.codes[i] - once.codes[i])).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('the histograms count every finite value once (nothing dropped at the edges)', () => {
    fc.assert(
      fc.property(tensorArb, bitsArb, methodArb, granularityArb, (t, bits, method, g) => {
        const { view } = quantize(t, schemeOf(method, bits, g));
        const n = t.rows * t.cols;
        const sum = (a: Uint32Array) => a.reduce((s, v) => s + v, 0);
        expect(sum(view.histogram.original)).toBe(n);
        expect(sum(view.histogram.dequantized)).toBe(n);
        expect(sum(view.errorHistogram.counts) + view.errorHistogram.outside).toBe(n);
        expect(view.errorHistogram.outside).toBe(0);
      }),
    );
  });
});
