/** The teaching handler group: a seeded slice of the resident matrix, and the worked example through the worker. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { DEFAULT_SCHEME_A } from '../../src/core/scheme';
import { createHandlers } from '../../src/worker/handlers';
import { sampleConsecutive } from '../../src/worker/teachHandlers';

describe('sampleConsecutive', () => {
  const data = Float32Array.from({ length: 6 * 20 }, (_, i) => i);

  it('takes count consecutive values of one row, from a seeded start that keeps them inside the row', () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = sampleConsecutive(data, 20, 10, seed);
      expect(s.values).toEqual(Array.from({ length: 10 }, (_, k) => s.row * 20 + s.col + k));
      expect(s.col + 10).toBeLessThanOrEqual(20);
      expect(s.row).toBeLessThan(6);
    }
  });

  it('gives the same slice for the same seed, and a different one for another seed', () => {
    expect(sampleConsecutive(data, 20, 10, 7)).toEqual(sampleConsecutive(data, 20, 10, 7));
    const starts = new Set(
      Array.from({ length: 20 }, (_, seed) =>
        JSON.stringify(sampleConsecutive(data, 20, 10, seed).values[0]),
      ),
    );
    expect(starts.size).toBeGreaterThan(5);
  });

  it('skips NaN/Inf and runs on past a row shorter than count', () => {
    const short = Float32Array.of(1, Number.NaN, 2, Number.POSITIVE_INFINITY, 3, 4);
    const s = sampleConsecutive(short, 2, 3, 1);
    expect(s.values).toHaveLength(3);
    expect(s.values.every(Number.isFinite)).toBe(true);
  });
});

describe('teach handlers', () => {
  const handlers = createHandlers();
  const dataset = handlers.generate({ ...DEFAULT_GENERATOR, rows: 16, cols: 32 }) as { id: string };

  it('samples the resident matrix', async () => {
    const s = await handlers.sampleValues(dataset.id, 10, 3);
    expect(s.values).toHaveLength(10);
    expect(s.col).toBeLessThanOrEqual(22);
  });

  it('refuses a count outside 1..32 and a bad seed, naming the field', () => {
    expect(() => handlers.sampleValues(dataset.id, 0, 1)).toThrow(/count must be an integer in 1\.\.32/);
    expect(() => handlers.sampleValues(dataset.id, 10, -1)).toThrow(/seed must be an integer/);
  });

  it('computes the worked example: absmax int8 of [0.5, -1, 0.25, 1] gives codes [64, -127, 32, 127]', async () => {
    const w = await handlers.workedExample([0.5, -1, 0.25, 1], DEFAULT_SCHEME_A);
    // By hand: α = 1, x/Δ = 127x; 63.5 is a tie and rounds to the even code 64; 31.75 rounds to 32.
    expect(w.steps.find((s) => s.key === 'clamped')?.values).toEqual([64, -127, 32, 127]);
  });
});
