/**
 * Values at the float32 limit: every integer, k-means, binary and ternary scheme either gives finite results (step, zero point, dequantized values,
 * metrics, histogram edges) or refuses with an EngineError that says the values are too large for float32
 * arithmetic and quotes max |x| — never MSE NaN or a zero point of −∞ (what `shift=3e38` showed before). Link
 * values no generator or view can represent (±1e308, a clip of ±1e308) are refused by the validators, naming the
 * field, so the link codec falls back field by field.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/engineError';
import { DEFAULT_GENERATOR, generateTensor } from '../../src/core/generators';
import { computeQuantView } from '../../src/core/quantView';
import type { Scheme } from '../../src/core/scheme';
import { defaultSweepSchemes } from '../../src/core/sweep';
import { createTensor, type Tensor2D } from '../../src/core/tensor';
import { FLOAT32_MAX, validateScheme, validateView } from '../../src/core/validate';
import type { ViewParams } from '../../src/core/view';

const VIEW: ViewParams = { bins: 32, range: null, errorBins: 16, group: 0, heatmapMaxCells: 16 };

const extraSchemes: Scheme[] = [
  {
    kind: 'integer',
    method: 'zeroPoint',
    bits: 8,
    granularity: { kind: 'tensor' },
    rounding: { kind: 'halfEven' },
    clipping: { kind: 'none' },
    includeZero: true,
  },
  {
    kind: 'integer',
    method: 'absmax',
    bits: 8,
    granularity: { kind: 'tensor' },
    rounding: { kind: 'halfEven' },
    clipping: { kind: 'none' },
    fullRange: true,
  },
  {
    kind: 'integer',
    method: 'absmax',
    bits: 4,
    granularity: { kind: 'row' },
    rounding: { kind: 'halfEven' },
    clipping: { kind: 'mseOptimal' },
  },
  { kind: 'float', format: 'fp16', scaling: 'none', groupSize: 32, saturate: true },
  { kind: 'float', format: 'e4m3', scaling: 'tensor', groupSize: 32, saturate: false },
];
const SCHEMES = [...defaultSweepSchemes(), ...extraSchemes];

function tensorOf(rows: number, cols: number, fill: (i: number) => number): Tensor2D {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return createTensor(rows, cols, data);
}

function finiteOrExplained(tensor: Tensor2D, scheme: Scheme): 'finite' | 'refused' | 'defined' {
  let view: ReturnType<typeof computeQuantView>;
  try {
    view = computeQuantView(tensor, scheme, VIEW);
    // Float element and block formats define overflow as ±Infinity / NaN (their reference encoders do): the
    // result is shown as it is (the charts are total over it, extremeValues.property.test.ts).
    if (scheme.kind === 'float' || scheme.kind === 'block') return 'defined';
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as Error).message).toMatch(/too large for float32 arithmetic/);
    expect((e as Error).message).toMatch(/max \|x\| = \d/);
    return 'refused';
  }
  const m = view.metrics;
  const where = `${JSON.stringify(scheme)}`;
  expect(Number.isFinite(m.mse), `${where} mse ${m.mse}`).toBe(true);
  expect(Number.isFinite(m.maxAbsError), `${where} max error ${m.maxAbsError}`).toBe(true);
  expect(Number.isNaN(m.sqnrDb), where).toBe(false);
  expect(Number.isNaN(m.meanError), where).toBe(false);
  for (const e of view.histogram.edges) expect(Number.isFinite(e), where).toBe(true);
  for (const e of view.errorHistogram.edges) expect(Number.isFinite(e), where).toBe(true);
  for (const v of view.levels) expect(Number.isFinite(v), `${where} level ${v}`).toBe(true);
  for (const v of view.rowMse) expect(Number.isFinite(v), where).toBe(true);
  return 'finite';
}

describe('values at the float32 limit', () => {
  const cases: Array<[string, Tensor2D]> = [
    // The link `shift=3e38`: a normal matrix whose spread vanishes next to its shift (every value 3e38).
    ['shift=3e38', generateTensor({ ...DEFAULT_GENERATOR, rows: 16, cols: 64, shift: 3e38 })],
    [
      'scale=1e-30&shift=1e38',
      generateTensor({ ...DEFAULT_GENERATOR, rows: 16, cols: 64, scale: 1e-30, shift: 1e38 }),
    ],
    // A file whose values are all 3e38, and one spread over the whole float32 range (wasm-sized too).
    ['all 3e38', tensorOf(8, 32, () => 3e38)],
    ['±3.4e38 alternating', tensorOf(8, 32, (i) => (i % 2 ? -3.4e38 : 3.4e38 * ((i % 7) / 7)))],
    ['±3.4e38, 128 x 128', tensorOf(128, 128, (i) => Math.sin(i) * 3.4e38)],
  ];
  for (const [name, tensor] of cases) {
    it(`${name}: every scheme gives finite results or says why not`, () => {
      const outcomes = SCHEMES.map((s) => finiteOrExplained(tensor, s));
      // Absmax per tensor of a constant or symmetric matrix fits float32 and must not be refused.
      expect(outcomes[0]).toBe('finite');
    });
  }

  it('the zero-point refusal names the scheme and the largest value', () => {
    const tensor = tensorOf(4, 16, () => 3e38);
    const scheme = SCHEMES.find((s) => s.kind === 'integer' && s.method === 'zeroPoint');
    expect(() => computeQuantView(tensor, scheme as Scheme, VIEW)).toThrow(/max \|x\| = 3(\.0+)?e\+?38/);
  });
});

describe('link values beyond what float32 can hold are refused by the validators', () => {
  it('a view range of ±1e308', () => {
    expect(() => validateView({ ...VIEW, range: [-1e308, 1e308] })).toThrow(EngineError);
    expect(validateView({ ...VIEW, range: [-FLOAT32_MAX, FLOAT32_MAX] }).range).toEqual([
      -FLOAT32_MAX,
      FLOAT32_MAX,
    ]);
  });

  it('a manual clip of ±1e308', () => {
    const scheme = { ...(SCHEMES[0] as object), clipping: { kind: 'manual', lo: -1e308, hi: 1e308 } };
    try {
      validateScheme(scheme);
      expect.unreachable('a ±1e308 clip was accepted');
    } catch (e) {
      expect((e as EngineError).field).toMatch(/^clipping\.(lo|hi)$/);
      expect((e as Error).message).toMatch(/float32/);
    }
  });

  it('a generator whose values overflow float32 names the field', () => {
    for (const params of [
      { ...DEFAULT_GENERATOR, rows: 4, cols: 4, shift: 1e308 },
      { ...DEFAULT_GENERATOR, rows: 4, cols: 4, scale: 1e308 },
      { ...DEFAULT_GENERATOR, rows: 64, cols: 64, scale: 3e38 },
    ]) {
      try {
        generateTensor(params);
        expect.unreachable(`generated ${JSON.stringify(params)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        expect(['scale', 'shift']).toContain((e as EngineError).field);
        expect((e as Error).message).toMatch(/float32/);
      }
    }
  });
});
