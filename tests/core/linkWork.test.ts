/**
 * The bound on what a shared link may ask of the engine (core/linkWork.ts): the heavy link is reduced
 * with a notice per reduction, an ordinary link is left alone, and (fast-check) whatever a link asks, the result
 * fits the budget, never asks for more than the link did, and keeps each scheme's kind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundLinkWork, estimateWorkSeconds, LINK_WORK_BUDGET_S } from '../../src/core/linkWork';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type Scheme } from '../../src/core/scheme';

const kmeansRow: Scheme = { kind: 'kmeans', bits: 8, granularity: { kind: 'row' }, maxIterations: 1000 };
const group1: Scheme = { ...DEFAULT_SCHEME_B, granularity: { kind: 'group', size: 1 } };

const total = (schemes: Scheme[], shape: { rows: number; cols: number }) =>
  schemes.reduce((s, scheme) => s + estimateWorkSeconds(scheme, shape), 0);

describe('boundLinkWork', () => {
  it('estimates by hand: groups of 1 on 1024² cost 1 Mi × (0.1 + 1.5) µs; k-means 1 Mi × (0.1 + 1 + 1000 × 0.001) µs', () => {
    const shape = { rows: 1024, cols: 1024 };
    expect(estimateWorkSeconds(group1, shape)).toBeCloseTo(1_048_576 * 1.6e-6, 9);
    expect(estimateWorkSeconds(kmeansRow, shape)).toBeCloseTo(1_048_576 * 2.1e-6, 9);
    const searching: Scheme = { ...group1, clipping: { kind: 'mseOptimal' } };
    expect(estimateWorkSeconds(searching, shape)).toBeCloseTo(1_048_576 * 9.1e-6, 9);
  });

  it("reduces the issue's link (8192², k-means 8-bit per row × 1000 iterations, groups of 1) and says what and why", () => {
    const shape = { rows: 8192, cols: 8192 };
    expect(total([kmeansRow, group1], shape)).toBeGreaterThan(200); // ~240 s asked for
    const bounded = boundLinkWork(shape, [kmeansRow, group1]);
    expect(total(bounded.schemes, bounded.shape)).toBeLessThanOrEqual(LINK_WORK_BUDGET_S);
    // Groups of 1 → groups of 2 (the smallest power of two that fits half the budget: 64 Mi × 0.85 µs ≈ 57 s is
    // still over, so the matrix shrinks too).
    const b = bounded.schemes[1];
    expect(b.kind === 'integer' && b.granularity.kind === 'group' && b.granularity.size).toBeGreaterThan(1);
    expect(bounded.schemes[0]).toBe(kmeansRow);
    expect(bounded.shape.rows * bounded.shape.cols).toBeLessThan(8192 * 8192);
    expect(bounded.notices).toHaveLength(2);
    expect(bounded.notices[0]).toMatch(/scheme B for groups of 1 on 8,192 × 8,192 values/);
    expect(bounded.notices[1]).toMatch(
      /8,192 × 8,192 matrix .* using \d[\d,]* × \d[\d,]* so the link cannot freeze the page/,
    );
  });

  it('leaves an ordinary link as it is (the default 256² matrix, int8 per tensor)', () => {
    const shape = { rows: 256, cols: 256 };
    const bounded = boundLinkWork(shape, [DEFAULT_SCHEME_A, DEFAULT_SCHEME_B]);
    expect(bounded).toEqual({ shape, schemes: [DEFAULT_SCHEME_A, DEFAULT_SCHEME_B], notices: [] });
  });

  it('raises only the group size when that is enough: 4096² in groups of 1, absmax, no clipping search', () => {
    const bounded = boundLinkWork({ rows: 4096, cols: 4096 }, [
      { ...DEFAULT_SCHEME_A, granularity: { kind: 'group', size: 1 } },
    ]);
    // 16 Mi × 0.1 µs = 1.678 s for the pass, 16 Mi / g × 1.5 µs = 25.17 s / g for the groups: ≤ 8 s needs
    // g ≥ 25.17 / 6.32 = 3.98, and groups of 1 → 2 → 4 stops at the power of two 4.
    expect(bounded.shape).toEqual({ rows: 4096, cols: 4096 });
    const s = bounded.schemes[0];
    expect(s.kind === 'integer' && s.granularity.kind === 'group' && s.granularity.size).toBe(4);
    expect(bounded.notices).toHaveLength(1);
  });

  const schemeArb: fc.Arbitrary<Scheme> = fc.oneof(
    fc
      .record({
        size: fc.integer({ min: 1, max: 8192 }),
        clip: fc.constantFrom('none', 'mseOptimal', 'kl') as fc.Arbitrary<'none' | 'mseOptimal' | 'kl'>,
      })
      .map(
        ({ size, clip }) =>
          ({ ...DEFAULT_SCHEME_B, granularity: { kind: 'group', size }, clipping: { kind: clip } }) as Scheme,
      ),
    fc.constantFrom<Scheme>(DEFAULT_SCHEME_A, { ...DEFAULT_SCHEME_A, granularity: { kind: 'row' } }),
    fc.record({ iterations: fc.integer({ min: 1, max: 1000 }), row: fc.boolean() }).map(
      ({ iterations, row }) =>
        ({
          kind: 'kmeans',
          bits: 8,
          granularity: { kind: row ? 'row' : 'tensor' },
          maxIterations: iterations,
        }) as Scheme,
    ),
    fc.constant<Scheme>({ kind: 'binary' }),
  );

  it('fits the budget, asks for no more than the link, keeps every scheme kind (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8192 }),
        fc.integer({ min: 1, max: 8192 }),
        fc.array(schemeArb, { minLength: 1, maxLength: 2 }),
        (rows, cols, schemes) => {
          const bounded = boundLinkWork({ rows, cols }, schemes);
          expect(total(bounded.schemes, bounded.shape)).toBeLessThanOrEqual(LINK_WORK_BUDGET_S);
          expect(bounded.shape.rows).toBeLessThanOrEqual(rows);
          expect(bounded.shape.cols).toBeLessThanOrEqual(cols);
          bounded.schemes.forEach((s, i) => {
            const asked = schemes[i];
            expect(s.kind).toBe(asked.kind);
            if (
              s.kind === 'integer' &&
              s.granularity.kind === 'group' &&
              asked.kind === 'integer' &&
              asked.granularity.kind === 'group'
            ) {
              expect(s.granularity.size).toBeGreaterThanOrEqual(asked.granularity.size);
            }
          });
          const reduced =
            bounded.shape.rows !== rows ||
            bounded.shape.cols !== cols ||
            bounded.schemes.some((s, i) => s !== schemes[i]);
          expect(bounded.notices.length > 0).toBe(reduced);
          if (total(schemes, { rows, cols }) <= LINK_WORK_BUDGET_S) expect(reduced).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
