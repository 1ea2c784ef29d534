/**
 * The WebAssembly SIMD kernel of the fused integer pass against the JS pass: the same codes, dequantized values
 * (sign of zero included), histograms, counts, clipped fraction and largest error, bit for bit, on random
 * tensors and schemes; the float64 sums (MSE, bias, heatmap) equal up to summation order. Also: the committed
 * kernel is what the AssemblyScript source compiles to, and the cases the kernel does not take fall back to JS.
 */

import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultSweepSchemes,
  type Granularity,
  type IntegerScheme,
  type Rounding,
  type Scheme,
} from '../../src/core';
import { groupMinMaxInto } from '../../src/core/groupStats';
import { createBinner, histogramInto } from '../../src/core/histogram';
import { computeQuantView, quantize } from '../../src/core/quantView';
import { createTensorCache } from '../../src/core/tensorCache';
import type { QuantView, ViewParams } from '../../src/core/view';
import { kernelAvailable } from '../../src/core/wasm/fusedKernel';
import { FUSED_KERNEL_BASE64, FUSED_KERNEL_SHARED_BASE64 } from '../../src/core/wasm/fusedKernel.wasm';
import { KQUANT_KERNEL_BASE64, KQUANT_KERNEL_SHARED_BASE64 } from '../../src/core/wasm/kquantKernel.wasm';
import { decodeBase64 } from '../../src/core/wasm/wasmModule';
import { groupMinMaxWasm } from '../../src/core/wasmPass';
import { compileKernel, KERNELS, moduleText, OUTPUT } from '../../src/kernels/build.mjs';

interface Case {
  tensor: { rows: number; cols: number; data: Float32Array };
  scheme: Scheme;
  view: ViewParams;
}

function both(c: Case): {
  wasm: QuantView;
  js: QuantView;
  wasmCodes: Int16Array;
  jsCodes: Int16Array;
  wasmDeq: Float32Array;
  jsDeq: Float32Array;
} {
  const wasmCache = createTensorCache(c.tensor, { wasm: true });
  const jsCache = createTensorCache(c.tensor, { wasm: false });
  const wasm = computeQuantView(c.tensor, c.scheme, c.view, wasmCache);
  const js = computeQuantView(c.tensor, c.scheme, c.view, jsCache);
  return {
    wasm,
    js,
    wasmCodes: wasmCache.codes,
    jsCodes: jsCache.codes,
    wasmDeq: wasmCache.dequantized,
    jsDeq: jsCache.dequantized,
  };
}

/** Bit patterns, so that -0 and +0 differ. */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function expectSameResults(c: Case): QuantView {
  const r = both(c);
  expect(r.js.pass).toBe('js');
  expect(Array.from(r.wasmCodes)).toEqual(Array.from(r.jsCodes));
  expect(bits(r.wasmDeq)).toEqual(bits(r.jsDeq));
  const { wasm, js } = r;
  expect(Array.from(wasm.histogram.dequantized)).toEqual(Array.from(js.histogram.dequantized));
  expect(wasm.histogram.outsideDequantized).toBe(js.histogram.outsideDequantized);
  expect(Array.from(wasm.errorHistogram.counts)).toEqual(Array.from(js.errorHistogram.counts));
  expect(wasm.errorHistogram.outside).toBe(js.errorHistogram.outside);
  expect(wasm.metrics.maxAbsError).toBe(js.metrics.maxAbsError);
  expect(wasm.metrics.clippedFraction).toBe(js.metrics.clippedFraction);
  expect(wasm.metrics.levelsUsed).toBe(js.metrics.levelsUsed);
  const close = (a: number, b: number) => {
    if (Object.is(a, b)) return; // also infinite errors (a raw cast that overflowed)
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300);
  };
  close(wasm.metrics.mse, js.metrics.mse);
  for (let i = 0; i < wasm.rowMse.length; i++) close(wasm.rowMse[i], js.rowMse[i]);
  // the heatmap holds float32 means: the summation order can move one by an ulp
  const heatA = wasm.heatmap.meanAbsError;
  const heatB = js.heatmap.meanAbsError;
  expect(heatA.length).toBe(heatB.length);
  const near = (a: number, b: number) => {
    if (!Object.is(a, b)) expect(Math.abs(a - b)).toBeLessThanOrEqual(2 ** -22 * Math.abs(b) + 1e-38);
  };
  for (let i = 0; i < heatA.length; i++) near(heatA[i], heatB[i]);
  near(wasm.heatmap.max, js.heatmap.max);
  if (!Object.is(wasm.metrics.meanError, js.metrics.meanError))
    expect(Math.abs(wasm.metrics.meanError - js.metrics.meanError)).toBeLessThanOrEqual(
      1e-9 * Math.sqrt(js.metrics.mse) + 1e-300,
    );
  return wasm;
}

const roundingArb: fc.Arbitrary<Rounding> = fc.constantFrom(
  { kind: 'halfEven' } as const,
  { kind: 'halfAway' } as const,
  { kind: 'floor' } as const,
);
const granularityArb: fc.Arbitrary<Granularity> = fc.oneof(
  fc.constant({ kind: 'tensor' } as const),
  fc.constant({ kind: 'row' } as const),
  fc.integer({ min: 1, max: 80 }).map((size) => ({ kind: 'group', size }) as const),
);

/**
 * Values that stress the rounding: a step's multiples and half-multiples (exact ties after division), zeros of
 * both signs, and ordinary random values.
 */
const tensorArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 12 }),
    cols: fc.integer({ min: 1, max: 300 }),
    seed: fc.integer(),
  })
  .chain(({ rows, cols }) =>
    fc
      .array(
        fc.oneof(
          fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -64, max: 64 }).map((k) => k / 8),
          fc.constantFrom(0, -0, 0.5, -0.5, 1.5, -2.5),
        ),
        { minLength: rows * cols, maxLength: rows * cols },
      )
      .map((values) => ({ rows, cols, data: Float32Array.from(values) })),
  );

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    tensor: tensorArb,
    method: fc.constantFrom('absmax', 'zeroPoint') as fc.Arbitrary<'absmax' | 'zeroPoint'>,
    bits: fc.constantFrom(2, 3, 4, 5, 8, 16),
    granularity: granularityArb,
    rounding: roundingArb,
    clip: fc.constantFrom('none', 'percentile', 'manual'),
    bins: fc.integer({ min: 1, max: 200 }),
    errorBins: fc.integer({ min: 1, max: 100 }),
    heatmapMaxCells: fc.integer({ min: 1, max: 40 }),
    zoom: fc.boolean(),
  })
  .map((r) => ({
    tensor: r.tensor,
    scheme: {
      kind: 'integer',
      method: r.method,
      bits: r.bits,
      granularity: r.granularity,
      rounding: r.rounding,
      clipping:
        r.clip === 'none'
          ? { kind: 'none' }
          : r.clip === 'manual'
            ? { kind: 'manual', lo: -1.25, hi: 0.75 }
            : { kind: 'percentile', percentile: 99 },
    },
    view: {
      bins: r.bins,
      range: r.zoom ? [-1, 1] : null,
      errorBins: r.errorBins,
      group: 0,
      heatmapMaxCells: r.heatmapMaxCells,
    },
  }));

describe('the WebAssembly SIMD kernel of the fused integer pass', () => {
  it('runs here (Node 20 has WebAssembly SIMD), so the parity tests below exercise it', () => {
    expect(kernelAvailable()).toBe(true);
  });

  it('the committed module is what src/kernels/fusedKernel.as.ts compiles to (run `npm run build:wasm` if not)', async () => {
    const bytes = await compileKernel();
    expect(Array.from(decodeBase64(FUSED_KERNEL_BASE64))).toEqual(Array.from(bytes));
    const shared = await compileKernel(KERNELS.fused, { shared: true });
    expect(Array.from(decodeBase64(FUSED_KERNEL_SHARED_BASE64))).toEqual(Array.from(shared));
    expect(await readFile(OUTPUT, 'utf8')).toBe(moduleText(bytes, KERNELS.fused, shared));
  }, 60_000);

  it('the committed k-quant module is what src/kernels/kquantKernel.as.ts compiles to (run `npm run build:wasm` if not)', async () => {
    const kernel = KERNELS.kquant;
    const bytes = await compileKernel(kernel);
    expect(Array.from(decodeBase64(KQUANT_KERNEL_BASE64))).toEqual(Array.from(bytes));
    const shared = await compileKernel(kernel, { shared: true });
    expect(Array.from(decodeBase64(KQUANT_KERNEL_SHARED_BASE64))).toEqual(Array.from(shared));
    expect(await readFile(kernel.output, 'utf8')).toBe(moduleText(bytes, kernel, shared));
  }, 60_000);

  it('gives the JS pass’s results on random tensors, schemes and views', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const wasm = expectSameResults(c);
        // The cases generated are all the kernel's (no stochastic rounding, no column groups, finite values),
        // except a group whose range is tiny next to its distance from zero: its zero point is so large that
        // q - z leaves float32's exact integers, and the JS pass (float64 q - z) takes it.
        if (wasm.pass !== 'wasm-simd') {
          const reach = 2 ** (c.scheme.kind === 'integer' ? c.scheme.bits - 1 : 0);
          const zeros = Array.from(quantize(c.tensor, c.scheme).zeroPoint);
          expect(zeros.some((z) => Math.abs(z) + reach > 2 ** 24)).toBe(true);
        }
      }),
      {
        numRuns: 150,
        // found by this property: a tiny range far from zero (zero point beyond float32's exact integers)
        examples: [
          [
            {
              tensor: {
                rows: 6,
                cols: 2,
                data: Float32Array.from([
                  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3.999992847442627, -3.9999914169311523,
                ]),
              },
              scheme: {
                kind: 'integer',
                method: 'zeroPoint',
                bits: 3,
                granularity: { kind: 'group', size: 2 },
                rounding: { kind: 'halfEven' },
                clipping: { kind: 'none' },
              },
              view: { bins: 1, range: null, errorBins: 1, group: 0, heatmapMaxCells: 1 },
            },
          ],
        ],
      },
    );
  });

  it('a 256 x 320 transformer-like matrix: absmax and zero-point, per tensor, row and group 128', () => {
    const rows = 256;
    const cols = 320;
    const data = new Float32Array(rows * cols);
    let s = 12345;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      data[i] = (s / 2 ** 32 - 0.5) * 0.04 * (i % cols < 4 ? 20 : 1);
    }
    const tensor = { rows, cols, data };
    for (const method of ['absmax', 'zeroPoint'] as const)
      for (const granularity of [
        { kind: 'tensor' },
        { kind: 'row' },
        { kind: 'group', size: 128 },
      ] as Granularity[])
        for (const bits of [4, 8]) {
          const wasm = expectSameResults({
            tensor,
            scheme: {
              kind: 'integer',
              method,
              bits,
              granularity,
              rounding: { kind: 'halfEven' },
              clipping: { kind: 'none' },
            },
            view: { bins: 128, range: null, errorBins: 64, group: 0, heatmapMaxCells: 128 },
          });
          expect(wasm.pass).toBe('wasm-simd');
        }
  });

  it('finds each row’s and group’s minimum and maximum as the JS loop does, signs of zero included', () => {
    fc.assert(
      fc.property(
        tensorArb,
        fc.oneof(
          fc.constant({ kind: 'row' } as const),
          fc.integer({ min: 1, max: 70 }).map((size) => ({ kind: 'group', size }) as const),
        ),
        fc.boolean(),
        (t, granularity, nonNegative) => {
          // all-non-negative data makes zero the minimum of many groups, where the sign kept depends on order
          const data = nonNegative ? t.data.map(Math.abs) : t.data;
          const cache = createTensorCache({ ...t, data }, { wasm: true });
          const perRow = granularity.kind === 'row' ? 1 : Math.ceil(t.cols / granularity.size);
          const groups = t.rows * perRow;
          const jsMin = new Float32Array(groups);
          const jsMax = new Float32Array(groups);
          const wMin = new Float32Array(groups);
          const wMax = new Float32Array(groups);
          groupMinMaxInto(data, granularity, t.rows, t.cols, jsMin, jsMax);
          expect(groupMinMaxWasm(cache.kernel!, granularity, t.rows, t.cols, wMin, wMax)).toBe(true);
          expect(bits(wMin)).toEqual(bits(jsMin));
          expect(bits(wMax)).toEqual(bits(jsMax));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('encodes (float, MX) and measures every format (also NVFP4, NF4, GGUF, k-means, binary, ternary) as the JS code does', () => {
    const formats = defaultSweepSchemes().filter((sc) => sc.kind !== 'integer');
    const raw = formats
      .filter((sc) => sc.kind === 'float')
      .map((sc) => ({ ...sc, scaling: 'none' as const }));
    expect(formats.length).toBeGreaterThan(20);
    const rows = 48;
    const cols = 264; // not a multiple of 8 or of the block sizes' multiples of 8: spans end in scalar tails
    const data = new Float32Array(rows * cols);
    let s = 987654321;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const u = s / 2 ** 32 - 0.5;
      // mostly small weights, some outlier columns, a few zeros of both signs, and values beyond FP8/FP16 range
      data[i] = i % 97 === 0 ? (i % 2 ? -0 : 0) : i % 1031 === 0 ? u * 2e5 : u * (i % cols < 3 ? 4 : 0.1);
      // row 5: float32 subnormals and tiny normals (MX shared exponents near -127, element subnormals)
      if (Math.floor(i / cols) === 5) data[i] = u * (i % 2 ? 1e-38 : 3e-42);
    }
    const tensor = { rows, cols, data };
    const view: ViewParams = { bins: 96, range: null, errorBins: 40, group: 0, heatmapMaxCells: 50 };
    let onKernel = 0;
    for (const scheme of [...formats, ...raw]) {
      const wasm = expectSameResults({ tensor, scheme, view });
      if (wasm.pass === 'wasm-simd') onKernel++;
    }
    // the raw casts that overflow to infinity are measured in JS (infinite edges); every other format in the kernel
    expect(onKernel).toBeGreaterThanOrEqual(formats.length);
  });

  it('encodes any finite float32 values (subnormals and huge ones included) to every float element, MX and GGUF legacy format as JS does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fp16', 'bf16', 'e4m3', 'e5m2', 'e2m3', 'e3m2', 'e2m1'),
        fc.constantFrom('none', 'tensor', 'row', 'group'),
        fc.constantFrom(
          'mxfp8_e4m3',
          'mxfp6_e2m3',
          'mxfp4',
          'mxint8',
          'q8_0',
          'q4_0',
          'q4_1',
          'q5_0',
          'q5_1',
          'nvfp4',
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 420, maxLength: 420 }),
        (format, scaling, block, rows, cols, pool) => {
          const data = Float32Array.from({ length: rows * cols }, (_, i) => pool[i % pool.length]);
          const tensor = { rows, cols, data };
          const view: ViewParams = { bins: 16, range: null, errorBins: 8, group: 0, heatmapMaxCells: 4 };
          for (const scheme of [
            { kind: 'float', format, scaling, groupSize: 7, saturate: scaling !== 'none' },
            { kind: 'block', format: block, roundScaleUp: cols % 3 === 0 },
            { kind: rows % 2 ? 'binary' : 'ternary' },
            {
              kind: 'kmeans',
              bits: 1 + (cols % 4),
              granularity: { kind: rows % 2 ? 'row' : 'tensor' },
              maxIterations: 1 + (cols % 7),
            },
          ] as Scheme[]) {
            const a = createTensorCache(tensor, { wasm: true });
            const b = createTensorCache(tensor, { wasm: false });
            computeQuantView(tensor, scheme, view, a);
            computeQuantView(tensor, scheme, view, b);
            expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
            expect(bits(a.dequantized)).toEqual(bits(b.dequantized));
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('NVFP4 on the kernel rounds ties to even, saturates, keeps +0 for code 8 and scales blocks as the JS code does', () => {
    // tensor amax 2688 makes the tensor scale 1; a block of amax 6 then has scale 1, so y = x exactly
    const block = [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, 6, -0.25, -0.75, -1.75, -3.5, -5, -0, 0, -6];
    const rows = 4;
    const cols = 64 + 5; // four full blocks and a short one per row
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = block[i % 16] * (i % cols < 16 ? 1 : 1 + (i % 7) / 3);
    data[cols - 1] = 2688;
    const tensor = { rows, cols, data };
    const view: ViewParams = { bins: 32, range: null, errorBins: 16, group: 0, heatmapMaxCells: 8 };
    const scheme: Scheme = { kind: 'block', format: 'nvfp4' };
    const a = createTensorCache(tensor, { wasm: true });
    const b = createTensorCache(tensor, { wasm: false });
    const wasm = computeQuantView(tensor, scheme, view, a);
    const js = computeQuantView(tensor, scheme, view, b);
    expect(wasm.pass).toBe('wasm-simd');
    expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
    expect(bits(a.dequantized)).toEqual(bits(b.dequantized));
    expect(wasm.metrics.mse).toBe(js.metrics.mse);
    // the first block of row 0 has scale 1: ties 0.25 -> 0, 0.75 -> 1, 1.75 -> 2, 3.5 -> 4 (codes 0, 2, 4, 6)
    expect(Array.from(a.codes.subarray(0, 16))).toEqual([
      0, 2, 2, 4, 4, 6, 6, 7, 8, 10, 12, 14, 14, 0, 0, 15,
    ]);
    expect(Array.from(a.dequantized.subarray(0, 4))).toEqual([0, 1, 1, 2]);
    expect(Object.is(a.dequantized[8], 0)).toBe(true); // code 8 decodes to +0
  });

  it('MX on the kernel picks the shared exponent as the JS code does when a block maximum is exactly maxElem * 2^k', () => {
    // block maxima 6 * 2^k (MXFP4), 448 * 2^k (MXFP8 E4M3), 127/64 * 2^k (MXINT8), just above and below them, and 0
    const maxima = [6, 12, 3, 448, 896, 127 / 64, 127 / 32, 6 * (1 + 2 ** -20), 6 * (1 - 2 ** -20), 0];
    const cols = 32 * maxima.length + 7;
    const rows = 3;
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) {
      const c = i % cols;
      const m = maxima[Math.min(maxima.length - 1, Math.floor(c / 32))] * (1 + Math.floor(i / cols));
      data[i] = c % 32 === 5 ? -m : m * Math.sin(i) * 0.9;
    }
    const tensor = { rows, cols, data };
    const view: ViewParams = { bins: 32, range: null, errorBins: 16, group: 0, heatmapMaxCells: 8 };
    for (const format of ['mxfp4', 'mxfp8_e4m3', 'mxint8'] as const) {
      for (const roundScaleUp of [false, true]) {
        const scheme: Scheme = { kind: 'block', format, roundScaleUp };
        const a = createTensorCache(tensor, { wasm: true });
        const b = createTensorCache(tensor, { wasm: false });
        const wasm = computeQuantView(tensor, scheme, view, a);
        computeQuantView(tensor, scheme, view, b);
        expect(wasm.pass).toBe('wasm-simd');
        expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
        expect(bits(a.dequantized)).toEqual(bits(b.dequantized));
      }
    }
  });

  it('bins dequantized values that sit a float32 step from a bin edge into the bin NumPy picks, whatever the first guess', () => {
    // int8 absmax on groups of 16 whose maxima are ±127: step 1, so the dequantized values are the integers; a zoom
    // range and a bin count put the float32 edges next to them, on both sides
    const rows = 16;
    const cols = 256;
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++)
      data[i] = i % 16 === 0 ? (i % 32 ? -127 : 127) : ((i * 37) % 255) - 127;
    const tensor = { rows, cols, data };
    const scheme: Scheme = {
      kind: 'integer',
      method: 'absmax',
      bits: 8,
      granularity: { kind: 'group', size: 16 },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    for (const bins of [3, 7, 64, 100, 127, 254, 255, 1000]) {
      for (const range of [
        [-127, 127],
        [-126.99999, 127.00001],
        [-127.00001, 126.99999],
        [-100.3, 99.7],
        [-3.3, 2.9],
        [-1e-7, 127],
      ] as [number, number][]) {
        const view: ViewParams = { bins, range, errorBins: 8, group: 0, heatmapMaxCells: 4 };
        expectSameResults({ tensor, scheme, view });
      }
    }
    const dense = {
      rows: 8,
      cols: 512,
      data: Float32Array.from({ length: 8 * 512 }, (_, i) => Math.sin(i * 0.7) * Math.cos(i * 0.013)),
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 1024 }),
        fc.double({ min: -130, max: -1, noNaN: true }),
        fc.double({ min: 1, max: 130, noNaN: true }),
        (bins, lo, hi) => {
          const view: ViewParams = { bins, range: [lo, hi], errorBins: 8, group: 0, heatmapMaxCells: 4 };
          expectSameResults({ tensor, scheme, view });
          // FP16 per row: dense dequantized values, binned one by one
          const fp16: Scheme = {
            kind: 'float',
            format: 'fp16',
            scaling: 'row',
            groupSize: 32,
            saturate: true,
          };
          expectSameResults({ tensor: dense, scheme: fp16, view: { ...view, range: [lo / 100, hi / 100] } });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('runs a row longer than one kernel call takes (65,536 blocks) in pieces, with the JS results', () => {
    // one row: group-1 FP8 (a piece is 65,536 values), NVFP4 (2^20 values), MX and Q4_1 (2^21 values) need pieces
    const cols = 2 ** 21 + 100;
    const data = Float32Array.from({ length: cols }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 1000) / 100));
    const tensor = { rows: 1, cols, data };
    // a group past the first piece of every blocked format below (NF4's 32,769 groups fit one: its last)
    const view: ViewParams = { bins: 32, range: null, errorBins: 16, group: 65540, heatmapMaxCells: 8 };
    for (const scheme of [
      { kind: 'float', format: 'e4m3', scaling: 'group', groupSize: 1, saturate: true },
      { kind: 'block', format: 'nvfp4' },
      { kind: 'block', format: 'mxfp4' },
      { kind: 'block', format: 'nf4' },
      { kind: 'block', format: 'q4_1' },
    ] as Scheme[]) {
      const a = createTensorCache(tensor, { wasm: true });
      const b = createTensorCache(tensor, { wasm: false });
      const wasm = computeQuantView(tensor, scheme, view, a);
      const js = computeQuantView(tensor, scheme, view, b);
      // first differing index (-1: none); toEqual on arrays of 2M entries would take seconds
      const firstDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => {
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
        return x.length === y.length ? -1 : x.length;
      };
      const u32 = (f: Float32Array) => new Uint32Array(f.buffer, f.byteOffset, f.length);
      expect(firstDiff(u32(a.dequantized), u32(b.dequantized))).toBe(-1);
      expect(firstDiff(a.codes, b.codes)).toBe(-1);
      expect(wasm.group).toEqual(js.group);
      expect(Array.from(wasm.levels)).toEqual(Array.from(js.levels));
      expect(wasm.clip).toEqual(js.clip);
      expect(Array.from(wasm.histogram.dequantized)).toEqual(Array.from(js.histogram.dequantized));
    }
  });

  it('value-by-value binning without the edges (clear of every edge) or with them (near one): the bins NumPy picks', () => {
    // FP16 scaled per row with each row's absmax 65504: scale 1, so the dequantized values are FP16 values, placed
    // on the edges of power-of-two ranges, a few FP16 steps either side, and across far-from-zero narrow ranges
    // (where the kernel cannot show a guess clear of the edges and checks every value)
    const cols = 512;
    const picks: number[] = [];
    for (let k = -64; k <= 64; k++)
      for (const d of [0, 2 ** -10, -(2 ** -10), 2 ** -14, -(2 ** -14), 2 ** -20, -(2 ** -20), 0.3, -0.3])
        picks.push(k / 8 + d);
    for (let k = 0; k < 200; k++) picks.push(1000 + k / 256, -1000 - k / 64, 1e-6 * k);
    const rows = Math.ceil(picks.length / (cols - 1));
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      data[r * cols] = 65504;
      for (let c = 1; c < cols; c++) data[r * cols + c] = picks[(r * (cols - 1) + c - 1) % picks.length];
    }
    const tensor = { rows, cols, data };
    const scheme: Scheme = { kind: 'float', format: 'fp16', scaling: 'row', groupSize: 32, saturate: true };
    for (const bins of [2, 16, 64, 128, 1000, 1024])
      for (const range of [
        [-8, 8],
        [-8.000001, 7.999999],
        [-3.3, 2.9],
        [999, 1001],
        [1000.25, 1000.5],
        [-1000.7, -999.9],
        [0, 2e-4],
      ] as [number, number][]) {
        const view: ViewParams = { bins, range, errorBins: 8, group: 0, heatmapMaxCells: 4 };
        const wasm = expectSameResults({ tensor, scheme, view });
        // and the bins counted are those of binning every dequantized value against the edges
        const cache = createTensorCache(tensor, { wasm: true });
        computeQuantView(tensor, scheme, view, cache);
        const direct = new Uint32Array(bins);
        const outside = histogramInto(cache.dequantized, createBinner(wasm.histogram.edges), direct);
        expect(Array.from(wasm.histogram.dequantized)).toEqual(Array.from(direct));
        expect(wasm.histogram.outsideDequantized).toBe(outside);
      }
  });

  it('a subnormal scale (BF16 scaled to its largest value) encodes and decodes with the float32 results, bit for bit', () => {
    // rows whose absmax puts absmax / 3.39e38 on both sides of the smallest normal float32 (about 4), down to tiny
    // rows whose scale is deep in the subnormals; values across each row's range, ties and zeros of both signs
    const absmaxes = [1e3, 4.5, 4, 3.99, 1, 2 ** -10, 1e-20, 1e-30, 3e-38];
    const cols = 96;
    const rows = absmaxes.length * 3;
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const m = absmaxes[r % absmaxes.length];
      for (let c = 0; c < cols; c++) {
        const v = c === 0 ? m : c === 1 ? -0 : m * Math.sin(c * 0.37 + r) * (c % 5 === 0 ? 2 ** -12 : 1);
        data[r * cols + c] = v;
      }
    }
    const tensor = { rows, cols, data };
    for (const format of ['bf16', 'fp16', 'e4m3'] as const)
      for (const scaling of ['row', 'group'] as const) {
        const scheme: Scheme = { kind: 'float', format, scaling, groupSize: 32, saturate: true };
        const view: ViewParams = { bins: 40, range: null, errorBins: 16, group: 0, heatmapMaxCells: 8 };
        const wasm = expectSameResults({ tensor, scheme, view });
        expect(wasm.pass).toBe('wasm-simd');
      }
  });

  it('an error range so narrow that its bin scale overflows float32 bins like the kernel (found by the property above)', () => {
    // absmax 2-bit of [0, 2^-149]: the step is 2^-149, both errors are 0, the error edges ±2^-149, and the scale
    // 2 / 2^-148 is +Inf in float32: 0 lies in the upper bin [0, 2^-149], where the JS pass used to wrap the
    // infinite guess to bin 0
    const tensor = { rows: 1, cols: 2, data: Float32Array.from([0, 2 ** -149]) };
    const scheme: Scheme = {
      kind: 'integer',
      method: 'absmax',
      bits: 2,
      granularity: { kind: 'row' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    const view: ViewParams = { bins: 1, range: null, errorBins: 2, group: 0, heatmapMaxCells: 1 };
    const wasm = expectSameResults({ tensor, scheme, view });
    expect(Array.from(wasm.errorHistogram.counts)).toEqual([0, 2]);
  });

  it('a single-group float format bins its dequantized histogram from the code counts: the same counts as binning each value', () => {
    const data = Float32Array.from(
      { length: 96 * 200 },
      (_, i) => Math.sin(i * 0.37) * (i % 89 === 0 ? 600 : 2),
    );
    const tensor = { rows: 96, cols: 200, data };
    for (const wasm of [true, false])
      for (const format of ['fp16', 'bf16', 'e4m3', 'e5m2', 'e2m1'] as const)
        for (const scaling of ['none', 'tensor'] as const) {
          const cache = createTensorCache(tensor, { wasm });
          const view = computeQuantView(
            tensor,
            { kind: 'float', format, scaling, groupSize: 32, saturate: false },
            { bins: 77, range: [-3, 2.5], errorBins: 9, group: 0, heatmapMaxCells: 7 },
            cache,
          );
          const binner = createBinner(view.histogram.edges);
          const direct = new Uint32Array(77);
          const outside = histogramInto(cache.dequantized, binner, direct);
          expect(Array.from(view.histogram.dequantized)).toEqual(Array.from(direct));
          expect(view.histogram.outsideDequantized).toBe(outside);
        }
  });

  it('leaves stochastic rounding, per-column groups and non-finite inputs to the JS pass', () => {
    const data = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i));
    const view: ViewParams = { bins: 32, range: null, errorBins: 16, group: 0, heatmapMaxCells: 16 };
    const base: IntegerScheme = {
      kind: 'integer',
      method: 'absmax',
      bits: 8,
      granularity: { kind: 'tensor' },
      rounding: { kind: 'halfEven' },
      clipping: { kind: 'none' },
    };
    const run = (tensorData: Float32Array, scheme: IntegerScheme) =>
      computeQuantView(
        { rows: 64, cols: 64, data: tensorData },
        scheme,
        view,
        createTensorCache({ rows: 64, cols: 64, data: tensorData }, { wasm: true }),
      ).pass;
    expect(run(data, base)).toBe('wasm-simd');
    expect(run(data, { ...base, rounding: { kind: 'stochastic', seed: 1 } })).toBe('js');
    expect(run(data, { ...base, granularity: { kind: 'column' } })).toBe('js');
    const withNaN = data.slice();
    withNaN[7] = Number.NaN;
    expect(run(withNaN, base)).toBe('js');
  });
});
