import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AllocationItem,
  allocateGreedy,
  bestSingleCandidate,
  bruteForceAllocation,
  hullOf,
} from '../../../src/core/wholeModel';

describe('allocateGreedy', () => {
  it('solves a hand-computed case', () => {
    // Two tensors of 100 values, candidates {4 bits: error 10, 8 bits: error 1} (B has the larger gain per bit),
    // budget 6 bpw = 1200 bits: one upgrade fits, and it goes to the tensor that gains more.
    const items: AllocationItem[] = [
      { params: 100, bits: [4, 8], error: [10, 1] },
      { params: 100, bits: [4, 8], error: [20, 2] },
    ];
    const a = allocateGreedy(items, 6);
    expect(a.choice).toEqual([0, 1]);
    expect(a.bitsPerWeight).toBe(6);
    expect(a.totalError).toBe(12);
    expect(a.feasible).toBe(true);
    expect(allocateGreedy(items, 3.9).feasible).toBe(false);
    expect(allocateGreedy(items, 8).choice).toEqual([1, 1]);
  });

  it('keeps only the lower convex hull of each tensor', () => {
    // (4, 10) (5, 9.9) (6, 2) (8, 1.9) (7, 3): 5 bits lies above the 4→6 segment, 7 bits is worse than 6.
    expect(hullOf({ params: 1, bits: [4, 5, 6, 8, 7], error: [10, 9.9, 2, 1.9, 3] })).toEqual([0, 2, 3]);
  });

  const itemsArb = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 4 })).chain(([n, k]) =>
    fc.array(
      fc.record({
        params: fc.integer({ min: 1, max: 1000 }),
        bits: fc.array(fc.double({ min: 1, max: 16, noNaN: true }), { minLength: k, maxLength: k }),
        error: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: k, maxLength: k }),
      }),
      { minLength: n, maxLength: n },
    ),
  );

  it('stays within the budget and within one upgrade step of the brute-force optimum', () => {
    fc.assert(
      fc.property(itemsArb, fc.double({ min: 1, max: 16, noNaN: true }), (items, budget) => {
        const greedy = allocateGreedy(items, budget);
        const best = bruteForceAllocation(items, budget);
        if (!best) {
          expect(greedy.feasible).toBe(false);
          return;
        }
        expect(greedy.feasible).toBe(true);
        const params = items.reduce((s, i) => s + i.params, 0);
        expect(greedy.totalBits).toBeLessThanOrEqual(budget * params * (1 + 1e-9));
        expect(greedy.totalError).toBeGreaterThanOrEqual(best.totalError - 1e-9);
        // The linear relaxation is at most one hull step below the greedy result (module comment).
        const maxStep = Math.max(
          ...items.map((item) => {
            const hull = hullOf(item);
            return item.error[hull[0]] - item.error[hull[hull.length - 1]];
          }),
        );
        expect(greedy.totalError).toBeLessThanOrEqual(best.totalError + maxStep + 1e-9);
        // Never worse than any single scheme that fits.
        const single = bestSingleCandidate(items, budget);
        if (single) expect(greedy.totalError).toBeLessThanOrEqual(single.allocation.totalError + 1e-9);
      }),
      { numRuns: 400 },
    );
  });

  it('finds the optimum when every tensor has the same two candidates and the same size', () => {
    // Equal sizes and one step each: the greedy takes the largest gains, which is exactly optimal.
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: 1, max: 50, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.integer({ min: 0, max: 6 }),
        (pairs, upgrades) => {
          const items = pairs.map(([lo, frac]) => ({ params: 10, bits: [4, 8], error: [lo, lo * frac] }));
          const budget = 4 + (4 * Math.min(upgrades, items.length)) / items.length;
          const best = bruteForceAllocation(items, budget);
          expect(best).not.toBeNull();
          expect(allocateGreedy(items, budget).totalError).toBeCloseTo(best?.totalError ?? Number.NaN, 9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
