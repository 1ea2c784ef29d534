import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateRanges, quantizeActivationsInto } from '../../../src/core/nn/activations';
import { splitDigits } from '../../../src/core/nn/data';
import { comparePtq, runQat, sweepBits, trainFloatModel } from '../../../src/core/nn/lab';
import type { Mlp } from '../../../src/core/nn/mlp';
import { fakeQuantizer } from '../../../src/core/nn/quantizeModel';
import { DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS, validateLabModel } from '../../../src/core/nn/settings';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type IntegerScheme } from '../../../src/core/scheme';
import { type DigitsDataset, loadDigits } from '../../../src/io/digits/digits';

let digits: DigitsDataset;
beforeAll(async () => {
  digits = await loadDigits();
});

function drain<T, R>(gen: Generator<T, R>): { steps: T[]; result: R } {
  const steps: T[] = [];
  for (;;) {
    const r = gen.next();
    if (r.done) return { steps, result: r.value };
    steps.push(r.value);
  }
}

const bits = (s: IntegerScheme, b: number): IntegerScheme => ({ ...s, bits: b });

describe('splitDigits', () => {
  it('is stratified, disjoint, complete and the same for the same seed', () => {
    const s = splitDigits(digits, 1);
    expect(s.train.n + s.test.n).toBe(1797);
    const seen = new Set([...s.train.index, ...s.test.index]);
    expect(seen.size).toBe(1797);
    const perClass = new Array(10).fill(0);
    for (const l of s.test.labels) perClass[l]++;
    // round(0.2 × class size) per class: 178 → 36, 182 → 36, 177 → 35, 183 → 37, 181 → 36, …
    expect(perClass).toEqual([36, 36, 35, 37, 36, 36, 36, 36, 35, 36]);
    expect(Array.from(splitDigits(digits, 1).test.index)).toEqual(Array.from(s.test.index));
    expect(Array.from(splitDigits(digits, 2).test.index)).not.toEqual(Array.from(s.test.index));
    // pixels scaled to 0..1 and rows follow their index
    const r = 5;
    const src = s.test.index[r];
    expect(s.test.x[r * 64 + 10]).toBe(digits.pixels[src * 64 + 10] / 16);
    expect(s.test.labels[r]).toBe(digits.labels[src]);
  });
});

describe('the default lab flow', () => {
  let model: Mlp;
  const split = () => splitDigits(digits, DEFAULT_LAB_MODEL.seed);
  beforeAll(() => {
    model = drain(trainFloatModel(split(), DEFAULT_LAB_MODEL)).result;
  });

  it('trains to above 95 % test accuracy, the loss falling', () => {
    const { steps } = drain(trainFloatModel(split(), { ...DEFAULT_LAB_MODEL, epochs: 6 }));
    expect(steps.map((s) => s.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps[5].loss).toBeLessThan(steps[0].loss);
    const full = comparePtq(model, split(), { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B }, false);
    expect(full.float.accuracy).toBeGreaterThan(0.95);
    expect(full.float.confusion.reduce((a, b) => a + b, 0)).toBe(split().test.n);
  });

  it('PTQ: 8 bits keep the accuracy, 2 bits per tensor lose it, absmax more than zero-point', () => {
    const s = split();
    const eight = comparePtq(model, s, { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B }, false);
    expect(Math.abs(eight.a.accuracy - eight.float.accuracy)).toBeLessThan(0.015);
    expect(Math.abs(eight.b.accuracy - eight.float.accuracy)).toBeLessThan(0.015);
    const two = comparePtq(model, s, { a: bits(DEFAULT_SCHEME_A, 2), b: bits(DEFAULT_SCHEME_B, 2) }, false);
    expect(two.a.accuracy).toBeLessThan(two.b.accuracy);
    expect(two.b.accuracy).toBeLessThan(two.float.accuracy);
    // per-layer SQNR: more bits, more signal over noise
    expect(eight.a.layers?.[0].sqnrDb).toBeGreaterThan((two.a.layers?.[0].sqnrDb ?? 0) + 20);
  });

  it('accuracy against bits: both hold at 8 and 4 bits, zero-point holds up better at 2', () => {
    const r = sweepBits(
      model,
      split(),
      DEFAULT_LAB_SETTINGS.sweep,
      { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B },
      false,
    );
    expect(r.bits).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const [absmax, zeroPoint] = r.series;
    for (const s of [absmax, zeroPoint]) {
      expect(s.accuracy[6]).toBeGreaterThan(r.floatAccuracy - 0.015);
      expect(s.accuracy[2]).toBeGreaterThan(r.floatAccuracy - 0.04);
    }
    expect(zeroPoint.accuracy[0]).toBeGreaterThan(absmax.accuracy[0] + 0.1);
    // the sweep's fast path (quantizeValues, accuracy without the softmax) gives what the measured PTQ path gives
    for (const [i, b] of r.bits.entries()) {
      const ptq = comparePtq(
        model,
        split(),
        { a: bits(DEFAULT_SCHEME_A, b), b: bits(DEFAULT_SCHEME_B, b) },
        false,
      );
      expect([absmax.accuracy[i], zeroPoint.accuracy[i]]).toEqual([ptq.a.accuracy, ptq.b.accuracy]);
    }
    expect(r.floatAccuracy).toBe(
      comparePtq(model, split(), { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B }, false).float.accuracy,
    );
  });

  it('QAT with the STE recovers 2-bit accuracy epoch by epoch', () => {
    const scheme = bits(DEFAULT_SCHEME_B, 2);
    const { steps, result } = drain(
      runQat(model, split(), DEFAULT_LAB_MODEL, DEFAULT_LAB_SETTINGS.qat, scheme, false),
    );
    expect(steps).toHaveLength(DEFAULT_LAB_SETTINGS.qat.epochs);
    expect(result.final.accuracy).toBeGreaterThan(result.startAccuracy);
    // the histogram counts every weight of fc1 (per tensor) before and after
    const total = (c: Uint32Array) => c.reduce((a, b) => a + b, 0);
    expect(total(result.histogram.before)).toBe(64 * DEFAULT_LAB_MODEL.hidden);
    expect(total(result.histogram.after)).toBe(64 * DEFAULT_LAB_MODEL.hidden);
    expect(result.histogram.levelsAfter.length).toBe(4);
  });
});

describe('fake quantization for the clipped STE', () => {
  it('passes the gradient only inside the clipping range', () => {
    const weight = Float32Array.from([-1, -0.2, 0, 0.1, 0.3, 2]);
    const model: Mlp = { layers: [{ inputs: 6, outputs: 1, weight, bias: new Float32Array(1) }] };
    const scheme: IntegerScheme = {
      ...bits(DEFAULT_SCHEME_A, 4),
      clipping: { kind: 'manual', lo: -0.5, hi: 0.5 },
    };
    const clipped = fakeQuantizer(scheme, { clipped: true })(model);
    expect(Array.from(clipped.pass?.[0] ?? [])).toEqual([0, 1, 1, 1, 1, 0]);
    expect(fakeQuantizer(scheme)(model).pass).toBeNull();
    // absmax 4 bits on [-0.5, 0.5]: Δ = 0.5/7, 2 → 7Δ = 0.5, 0.1 → round(1.4) = 1 → Δ
    const w = clipped.model.layers[0].weight;
    expect(w[5]).toBeCloseTo(0.5, 6);
    expect(w[3]).toBeCloseTo(0.5 / 7, 6);
  });
});

describe('activation quantization', () => {
  it('quantizes to the grid of a range by hand: zero-point 2 bits on [0, 3] gives 0, 1, 2, 3', () => {
    const v = Float32Array.from([0.4, 0.6, 1.49, 2.5, 7, -1]);
    quantizeActivationsInto(v, 0, v.length, [0, 3], { bits: 2, method: 'zeroPoint' });
    // Δ = 3/3 = 1, z = −2: 0.4 → 0, 0.6 → 1, 1.49 → 1, 2.5 → 2 (half to even), 7 → 3 (clamped), −1 → 0
    expect(Array.from(v)).toEqual([0, 1, 1, 2, 3, 0]);
  });

  it('calibration: min–max, percentile and the moving average, checked by hand', () => {
    // one 1 × 2 layer, weights chosen so the activations are the inputs' first pixel, twice
    const weight = new Float32Array(128);
    weight[0] = 1;
    weight[64] = 2;
    const model: Mlp = {
      layers: [
        { inputs: 64, outputs: 2, weight, bias: new Float32Array(2) },
        { inputs: 2, outputs: 1, weight: new Float32Array(2), bias: new Float32Array(1) },
      ],
    };
    const firsts = [0.5, 1, 0.25, 0.75];
    const x = new Float32Array(4 * 64);
    firsts.forEach((v, i) => {
      x[i * 64] = v;
    });
    const set = { n: 4, x };
    // activations: (0.5, 1), (1, 2), (0.25, 0.5), (0.75, 1.5)
    expect(calibrateRanges(model, set, 4, { kind: 'minmax' })).toEqual([[0.25, 2]]);
    expect(calibrateRanges(model, set, 2, { kind: 'minmax' })).toEqual([[0.5, 2]]);
    // batches of 2: [0.5, 2] then [0.25, 1.5]; c = 0.5 → [0.375, 1.75]
    expect(calibrateRanges(model, set, 4, { kind: 'ema', averagingConstant: 0.5, batchSize: 2 })).toEqual([
      [0.375, 1.75],
    ]);
    // sorted 0.25 0.5 0.5 0.75 1 1 1.5 2; the 50th percentile (linear) = 0.875 on both sides
    const [[lo, hi]] = calibrateRanges(model, set, 4, { kind: 'percentile', percentile: 50 });
    expect(lo).toBeCloseTo(0.875, 6);
    expect(hi).toBeCloseTo(0.875, 6);
  });
});

describe('validateLabModel', () => {
  it('names the first bad field', () => {
    expect(() => validateLabModel({ ...DEFAULT_LAB_MODEL, hidden: 500 })).toThrow(
      /hidden must be an integer in 16..128/,
    );
    expect(() => validateLabModel({ ...DEFAULT_LAB_MODEL, learningRate: Number.NaN })).toThrow(
      /learningRate/,
    );
    expect(validateLabModel({ ...DEFAULT_LAB_MODEL, hidden2: 0 }).hidden2).toBe(0);
  });
});
