import { describe, expect, it } from 'vitest';
import {
  computeWorkedExample,
  DEFAULT_SCHEME_A,
  DEFAULT_SCHEME_B,
  EngineError,
  markParetoFront,
  quantize,
  runSweep,
  type SweepPoint,
} from '../../src/core';

const x = [1.76, 0.32, 5.08, 2.33, 0.5, -1.89, 0, -3.2, 4.1, -0.7];
const rowOf = (s: { key: string; values: number[] }[], key: string) => s.find((r) => r.key === key)!.values;

describe('worked example', () => {
  it('absmax int8: the table reproduces the hand computation (α = 5.08, Δ = 0.04, 0.5 -> 12.5 -> 12)', () => {
    const w = computeWorkedExample(x, DEFAULT_SCHEME_A);
    expect(w.params.find((p) => p.label.startsWith('α'))!.value).toBe(Math.fround(5.08));
    expect(rowOf(w.steps, 'scaled')[4]).toBe(12.5);
    expect(rowOf(w.steps, 'clamped')).toEqual([44, 8, 127, 58, 12, -47, 0, -80, 102, -18]);
    // The offset-binary view: q + 2^(8-1) = q + 128 (absmax's codes -127..127 become 1..255).
    expect(rowOf(w.steps, 'unsigned')).toEqual([172, 136, 255, 186, 140, 81, 128, 48, 230, 110]);
  });

  it.each([DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, { ...DEFAULT_SCHEME_B, bits: 3 }])(
    'gives the same codes and dequantized values as the engine (%j)',
    (scheme) => {
      const w = computeWorkedExample(x, scheme);
      const r = quantize({ rows: 1, cols: x.length, data: Float32Array.from(x) }, scheme);
      expect(rowOf(w.steps, 'clamped')).toEqual(Array.from(r.codes));
      expect(rowOf(w.steps, 'dequantized')).toEqual(Array.from(r.dequantized));
    },
  );

  it('zero-point: z = rne(-min / Δ) + qmin, and the unsigned view adds 128 to every code', () => {
    const w = computeWorkedExample(x, DEFAULT_SCHEME_B);
    const step = w.params.find((p) => p.label.startsWith('scale'))!.value;
    const z = w.params.find((p) => p.label.startsWith('zero point z'))!.value;
    // min = -3.2: z = rne(3.2 / Δ) - 128, computed here independently of the engine's integer.ts
    expect(z).toBe(Math.round(Math.fround(Math.fround(3.2) / step)) - 128);
    const codes = rowOf(w.steps, 'clamped');
    expect(rowOf(w.steps, 'unsigned')).toEqual(codes.map((q) => q + 128));
    expect(Math.min(...codes)).toBe(-128); // the minimum maps to qmin
  });

  it('highlights the value with the largest error', () => {
    const w = computeWorkedExample(x, DEFAULT_SCHEME_B);
    const err = rowOf(w.steps, 'error').map(Math.abs);
    expect(err[w.worst]).toBe(Math.max(...err));
  });

  it('refuses an empty vector, non-finite values and more than 32 values', () => {
    expect(() => computeWorkedExample([], DEFAULT_SCHEME_A)).toThrow(EngineError);
    expect(() => computeWorkedExample([1, Number.NaN], DEFAULT_SCHEME_A)).toThrow(/finite/);
    expect(() => computeWorkedExample(new Array(33).fill(1), DEFAULT_SCHEME_A)).toThrow(/1 to 32/);
  });
});

describe('sweep', () => {
  it('the Pareto front keeps exactly the points no other point beats on both bits and MSE', () => {
    const p = (bitsPerWeight: number, mse: number): SweepPoint => ({
      scheme: DEFAULT_SCHEME_A,
      label: `${bitsPerWeight}/${mse}`,
      family: 'absmax',
      bitsPerWeight,
      mse,
      sqnrDb: 0,
      onFront: false,
    });
    const points = [p(4, 1), p(4.5, 2), p(8, 0.1), p(2, 5), p(4.25, 0.5), p(16, 0.1)];
    markParetoFront(points);
    expect(points.filter((q) => q.onFront).map((q) => q.label)).toEqual(['4/1', '8/0.1', '2/5', '4.25/0.5']);
  });

  it('runs every scheme with progress and more bits never lose the front to fewer bits of the same family', () => {
    const data = Float32Array.from(
      { length: 64 * 64 },
      (_, i) => Math.sin(i * 0.37) * (i % 97 === 0 ? 8 : 1),
    );
    const schemes = [2, 4, 8].map((bits) => ({ ...DEFAULT_SCHEME_A, bits }));
    const it = runSweep({ rows: 64, cols: 64, data }, schemes);
    const progress: number[] = [];
    let step = it.next();
    while (!step.done) {
      progress.push(step.value.done);
      step = it.next();
    }
    expect(progress).toEqual([1, 2, 3]);
    const mses = step.value.points.map((q) => q.mse);
    expect(mses[0]).toBeGreaterThan(mses[1]);
    expect(mses[1]).toBeGreaterThan(mses[2]);
    expect(step.value.points.every((q) => q.onFront)).toBe(true);
  });
});
