import { describe, expect, it } from 'vitest';
import {
  computeWorkedExample,
  DEFAULT_GENERATOR,
  DEFAULT_SCHEME_A,
  DEFAULT_SCHEME_B,
  EngineError,
  generateTensor,
  type IntegerScheme,
  quantize,
  roundHalfAway,
  roundHalfEven,
  validateScheme,
} from '../../src/core';

const f = Math.fround;
const row = (values: number[]) => ({ rows: 1, cols: values.length, data: Float32Array.from(values) });
const absmax8: IntegerScheme = DEFAULT_SCHEME_A;
const zeroPoint8: IntegerScheme = DEFAULT_SCHEME_B;

describe('absmax int8 per tensor', () => {
  it('maps ±absmax to ±127 and rounds the 63.5 tie to the even code 64', () => {
    // absmax 1 -> step 1/127; 0.5 / (1/127) = 63.5 in float32 -> tie -> 64 (even)
    const r = quantize(row([0.5, -1.0, 0.25, 1.0]), absmax8);
    expect(Array.from(r.codes)).toEqual([64, -127, 32, 127]);
    const step = f(1 / 127);
    expect(Array.from(r.dequantized)).toEqual([64, -127, 32, 127].map((q) => f(q * step)));
  });

  it('decides the code in float32: 0.5 of [1.76, 0.32, 5.08, 2.33, 0.5, -1.89] is code 12, not 13 (float64)', () => {
    const r = quantize(row([1.76, 0.32, 5.08, 2.33, 0.5, -1.89]), absmax8);
    expect(r.codes[4]).toBe(12);
    // the same formula in float64 lands on the other side of the 12.5 tie
    const step64 = 5.079999923706055 / 127;
    expect(Math.round(0.5 / step64)).toBe(13);
  });

  it('gives a hand-computed 10-value example', () => {
    // absmax = 2 -> step = 2/127. q = rne(x * 63.5)
    const x = [0.1, -0.2, 0.3, -0.4, 0.5, 1.0, -1.5, 2.0, -2.0, 0.0];
    const r = quantize(row(x), absmax8);
    const step = f(2 / 127);
    const expected = x.map((v) => roundHalfEven(f(f(v) / step)));
    expect(Array.from(r.codes)).toEqual(expected);
    expect(Array.from(r.codes)).toEqual([6, -13, 19, -25, 32, 64, -95, 127, -127, 0]);
    expect(r.metrics.clippedFraction).toBe(0);
    expect(r.metrics.levelsUsed).toBe(10);
  });
});

describe('zero-point int8 per tensor', () => {
  it('uses the signed range with z = rne(-lo / step) + qmin and reproduces both ends', () => {
    // [0, 2.55]: step = 2.55/255 = 0.01 (float32), z = 0 + (-128) = -128
    const r = quantize(row([0, 1.0, 2.55]), zeroPoint8);
    const step = f(f(2.55) / 255);
    expect(r.scale[0]).toBe(step);
    expect(r.zeroPoint[0]).toBe(-128);
    expect(r.codes[0]).toBe(-128);
    expect(r.codes[2]).toBe(127);
    expect(r.dequantized[0]).toBe(0);
  });

  it('finds x / scale = 127.49999 for x = 1 on [0, 0.5, 1, 2] in float32, so the code is -1 (float64 would tie to 0)', () => {
    const r = quantize(row([0, 0.5, 1, 2]), zeroPoint8);
    expect(r.codes[2]).toBe(-1);
  });

  it('the unsigned view (q + 128) changes labels only: dequantized values are (q - z) * step either way', () => {
    const x = [-0.7, -0.1, 0.2, 0.9, 1.3];
    const r = quantize(row(x), zeroPoint8);
    const step = r.scale[0];
    // The unsigned view as the worked example builds it: codes 0..255 and its own zero point.
    const worked = computeWorkedExample(x, zeroPoint8);
    const unsigned = worked.steps.find((s) => s.key === 'unsigned')?.values ?? [];
    const zu = worked.params.find((p) => p.label === 'zero point (unsigned view)')?.value ?? Number.NaN;
    expect(unsigned).toHaveLength(x.length);
    // By hand: min -0.7, max 1.3, step 2/255, z = rne(0.7 / step) - 128 = rne(89.25) - 128 = -39, so z_u = 89.
    expect(zu).toBe(89);
    for (let i = 0; i < x.length; i++) {
      expect(unsigned[i]).toBeGreaterThanOrEqual(0);
      expect(unsigned[i]).toBeLessThanOrEqual(255);
      // the same values from the unsigned codes as from the signed ones
      expect(f((unsigned[i] - zu) * step)).toBe(r.dequantized[i]);
      expect(f((r.codes[i] - r.zeroPoint[0]) * step)).toBe(r.dequantized[i]);
    }
    // the ends of the range: -0.7 is unsigned code 0, 1.3 is 255
    expect([unsigned[0], unsigned[4]]).toEqual([0, 255]);
  });
});

describe('degenerate inputs give finite results', () => {
  it.each([
    ['all zeros', [0, 0, 0, 0]],
    ['a constant', [3.25, 3.25, 3.25]],
    ['one value', [-7]],
  ])('%s under both methods', (_name, values) => {
    for (const scheme of [absmax8, zeroPoint8]) {
      const r = quantize(row(values), scheme);
      expect(Array.from(r.dequantized).every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(r.scale[0])).toBe(true);
      expect(r.metrics.mse).toBeLessThanOrEqual(r.scale[0] ** 2);
    }
  });

  it('an all-zero tensor is reproduced exactly (step treated as 1) and its SQNR is +Infinity', () => {
    const r = quantize(row([0, 0, 0]), absmax8);
    expect(r.scale[0]).toBe(1);
    expect(Array.from(r.dequantized)).toEqual([0, 0, 0]);
    expect(r.metrics.sqnrDb).toBe(Number.POSITIVE_INFINITY);
  });

  it('masks NaN and ±Inf: counted, left out of the scale and the metrics', () => {
    const r = quantize(row([1, Number.NaN, -1, Number.POSITIVE_INFINITY, 0.5]), absmax8);
    expect(r.metrics.nonFinite).toBe(2);
    expect(r.metrics.count).toBe(3);
    expect(r.scale[0]).toBe(f(1 / 127));
    expect(Number.isNaN(r.dequantized[1])).toBe(true);
    expect(Number.isFinite(r.metrics.mse)).toBe(true);
  });
});

describe('rounding modes', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [-1.5, -2],
    [-2.5, -2],
    [2.4999, 2],
    [-0.5, 0],
  ])('roundHalfEven(%d) = %d, as np.round', (x, expected) => {
    expect(roundHalfEven(x) + 0).toBe(expected);
  });

  it.each([
    [0.5, 1],
    [2.5, 3],
    [-2.5, -3],
    [-0.4, 0],
  ])('roundHalfAway(%d) = %d, as C roundf', (x, expected) => {
    expect(roundHalfAway(x) + 0).toBe(expected);
  });

  it('halfAway and halfEven differ exactly on ties; floor always rounds down', () => {
    // absmax 127 -> step 1: x / step is x itself, so ties are exact
    const x = [127, 0.5, 1.5, 2.5, -2.5, 3.7];
    const codes = (kind: 'halfEven' | 'halfAway' | 'floor') =>
      Array.from(quantize(row(x), { ...absmax8, rounding: { kind } }).codes);
    expect(codes('halfEven')).toEqual([127, 0, 2, 2, -2, 4]);
    expect(codes('halfAway')).toEqual([127, 1, 2, 3, -3, 4]);
    expect(codes('floor')).toEqual([127, 0, 1, 2, -3, 3]);
  });

  it('stochastic rounding is unbiased: the mean code over many draws approaches x / step', () => {
    const n = 20000;
    const x = new Float32Array(n).fill(0.3);
    x[0] = 127; // absmax 127 -> step 1, so every other value scales to 0.3
    const r = quantize(
      { rows: 1, cols: n, data: x },
      { ...absmax8, rounding: { kind: 'stochastic', seed: 7 } },
    );
    let sum = 0;
    for (let i = 1; i < n; i++) sum += r.codes[i];
    const mean = sum / (n - 1);
    // Binomial(0.3): std of the mean = sqrt(0.21 / n) ≈ 0.0032; 5 sigma
    expect(Math.abs(mean - f(0.3))).toBeLessThan(0.017);
    const again = quantize(
      { rows: 1, cols: n, data: x },
      { ...absmax8, rounding: { kind: 'stochastic', seed: 7 } },
    );
    expect(Array.from(again.codes)).toEqual(Array.from(r.codes));
  });
});

describe('granularity', () => {
  const x = { rows: 2, cols: 5, data: Float32Array.from([1, 2, 3, 4, 5, 0.1, 0.2, 0.3, 0.4, 0.5]) };

  it('per row gives each row its own step; per tensor one', () => {
    expect(Array.from(quantize(x, { ...absmax8, granularity: { kind: 'row' } }).scale)).toEqual([
      f(5 / 127),
      f(f(0.5) / 127),
    ]);
    expect(quantize(x, absmax8).groupCount).toBe(1);
  });

  it('groups of 2 along rows: 3 groups per row, the last one shorter', () => {
    const r = quantize(x, { ...absmax8, granularity: { kind: 'group', size: 2 } });
    expect(r.groupCount).toBe(6);
    expect(Array.from(r.scale)).toEqual([2, 4, 5, 0.2, 0.4, 0.5].map((a) => f(f(a) / 127)));
  });

  it('per column: one step per column', () => {
    const r = quantize(x, { ...absmax8, granularity: { kind: 'column' } });
    expect(Array.from(r.scale)).toEqual([1, 2, 3, 4, 5].map((a) => f(a / 127)));
  });
});

describe('clipping', () => {
  it('manual clipping for absmax uses alpha = max(|lo|, |hi|) and counts values outside as clipped', () => {
    const r = quantize(row([-4, -1, 0, 1, 4]), { ...absmax8, clipping: { kind: 'manual', lo: -2, hi: 1 } });
    expect(r.hi[0]).toBe(2);
    expect(r.metrics.clippedFraction).toBeCloseTo(2 / 5, 12);
    expect(r.codes[0]).toBe(-127);
  });

  it('percentile 100 equals no clipping', () => {
    const x = row([0.3, -2, 1.5, 0.7, -0.1]);
    expect(
      Array.from(quantize(x, { ...absmax8, clipping: { kind: 'percentile', percentile: 100 } }).codes),
    ).toEqual(Array.from(quantize(x, absmax8).codes));
  });

  it('MSE-optimal clipping never does worse than no clipping, even when its sample misses rare spikes', () => {
    // the default transformer-like matrix: 0.05% isolated spikes, which a 4,096-value sample mostly misses
    const x = generateTensor({ ...DEFAULT_GENERATOR, rows: 256, cols: 256 });
    for (const scheme of [absmax8, zeroPoint8]) {
      const plain = quantize(x, { ...scheme, bits: 4 });
      const searched = quantize(x, { ...scheme, bits: 4, clipping: { kind: 'mseOptimal' } });
      expect(searched.metrics.mse).toBeLessThanOrEqual(plain.metrics.mse);
    }
  });

  it('MSE-optimal clipping reports its threshold and never does worse than no clipping on the data it searched', () => {
    // Laplace data at 4 bits: the optimal threshold (about 5 b, Banner et al. 2019) sits well inside max|x| (about 8 b here)
    const x = generateTensor({
      ...DEFAULT_GENERATOR,
      distribution: 'laplace',
      rows: 1,
      cols: 4096,
      scale: 1,
      seed: 3,
    });
    const amax = Math.max(...Array.from(x.data, Math.abs));
    const searched = quantize(x, { ...absmax8, bits: 4, clipping: { kind: 'mseOptimal' } });
    const plain = quantize(x, { ...absmax8, bits: 4 });
    expect(searched.metrics.mse).toBeLessThanOrEqual(plain.metrics.mse);
    expect(searched.metrics.mse).toBeLessThan(0.9 * plain.metrics.mse);
    expect(searched.hi[0]).toBeLessThan(0.8 * amax);
    const report = searched.view.clipReport!;
    expect(report.method).toBe('mseOptimal');
    expect(report.hi).toBe(searched.hi[0]);
    expect(report.mse).toBeCloseTo(searched.metrics.mse, 15);
  });
});

describe('KL and OCTAV clipping', () => {
  const x = generateTensor({
    ...DEFAULT_GENERATOR,
    distribution: 'laplace',
    rows: 16,
    cols: 1024,
    scale: 1,
    seed: 5,
  });
  const at = (kind: 'none' | 'mseOptimal' | 'kl' | 'octav') =>
    quantize(x, { ...absmax8, bits: 4, clipping: { kind } as IntegerScheme['clipping'] });

  it('each picks a threshold inside max|x| that beats no clipping at 4 bits, and reports it', () => {
    const none = at('none');
    for (const kind of ['kl', 'octav'] as const) {
      const r = at(kind);
      expect(r.hi[0]).toBeLessThan(none.hi[0]);
      expect(r.metrics.mse).toBeLessThan(none.metrics.mse);
      expect(r.view.clipReport).toMatchObject({ method: kind, hi: r.hi[0], lo: -r.hi[0] });
    }
  });

  it('OCTAV lands near the MSE-optimal threshold (Laplace b = 1, 4 bits: about 5 b, as Banner et al. derive)', () => {
    const octav = at('octav').hi[0];
    expect(octav).toBeGreaterThan(4);
    expect(octav).toBeLessThan(6);
    expect(Math.abs(octav - at('mseOptimal').hi[0])).toBeLessThan(0.6);
  });
});

describe('metrics', () => {
  it('computes MSE, bias, max error and SQNR from their definitions', () => {
    const x = [0.1, -0.2, 0.3, 0.45, -1];
    const r = quantize(row(x), { ...absmax8, bits: 3 });
    const xf = x.map(f);
    const err = Array.from(r.dequantized, (v, i) => v - xf[i]);
    const mse = err.reduce((s, e) => s + e * e, 0) / x.length;
    expect(r.metrics.mse).toBeCloseTo(mse, 15);
    expect(r.metrics.meanError).toBeCloseTo(err.reduce((s, e) => s + e, 0) / x.length, 15);
    expect(r.metrics.maxAbsError).toBeCloseTo(Math.max(...err.map(Math.abs)), 15);
    const sig = xf.reduce((s, v) => s + v * v, 0);
    expect(r.metrics.sqnrDb).toBeCloseTo(10 * Math.log10(sig / (mse * x.length)), 10);
  });

  it('bits per weight follow the storage stated (SEMANTICS.md examples)', () => {
    const x = { rows: 4, cols: 256, data: new Float32Array(1024).map((_, i) => Math.cos(i)) };
    const group128 = { kind: 'group', size: 128 } as const;
    expect(quantize(x, { ...absmax8, bits: 4, granularity: group128 }).metrics.bitsPerWeight).toBe(4.125);
    expect(quantize(x, { ...zeroPoint8, bits: 4, granularity: group128 }).metrics.bitsPerWeight).toBe(
      4.15625,
    );
    const perTensor = quantize(x, absmax8).metrics;
    expect(perTensor.bitsPerWeight).toBe(8 + 16 / 1024);
    expect(perTensor.quantizedBytes).toBe(Math.ceil((1024 * 8 + 16) / 8));
    expect(perTensor.originalBytes).toBe(4096);
  });
});

describe('bad schemes are refused with the field named', () => {
  it.each([
    [{ ...absmax8, bits: 1 }, 'bits'],
    [{ ...absmax8, bits: 9 }, 'bits'],
    [{ ...absmax8, granularity: { kind: 'group', size: 0 } }, 'granularity.size'],
    [{ ...absmax8, clipping: { kind: 'percentile', percentile: 0 } }, 'clipping.percentile'],
    [{ ...absmax8, clipping: { kind: 'percentile', percentile: 100.5 } }, 'clipping.percentile'],
    [{ ...absmax8, method: 'minmax' }, 'method'],
    [{ ...absmax8, clipping: { kind: 'manual', lo: 1, hi: -1 } }, 'clipping.hi'],
    [{ ...absmax8, granularity: { kind: 'row' }, clipping: { kind: 'kl' } }, 'clipping.kind'],
  ])('%j names %s', (scheme, field) => {
    try {
      validateScheme(scheme);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).field).toBe(field);
    }
  });

  it('an empty tensor is refused', () => {
    expect(() => quantize({ rows: 0, cols: 0, data: new Float32Array(0) }, absmax8)).toThrow(EngineError);
  });
});
