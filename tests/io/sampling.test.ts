import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRowReads } from '../../src/io/readRows';
import { keptIndexOfRow, MAX_VALUES, planRows, sampledRow } from '../../src/io/sampling';

const context = { format: 'npy' as const, fileName: 'a.npy', tensorName: 'a' };

describe('row sampling', () => {
  it('keeps every row up to the limit', () => {
    expect(planRows(1000, 1000, MAX_VALUES, context)).toEqual({
      totalRows: 1000,
      cols: 1000,
      keptRows: 1000,
      sampled: null,
    });
  });

  it('keeps floor(limit / cols) evenly spaced rows above it', () => {
    const plan = planRows(50_000, 4096, MAX_VALUES, context);
    expect(plan.keptRows).toBe(16384);
    expect(plan.sampled).toEqual({ keptRows: 16384, totalRows: 50_000 });
    expect(plan.keptRows * plan.cols).toBeLessThanOrEqual(MAX_VALUES);
  });

  it('picks rows floor(i · total / kept): increasing, starting at 0, within the tensor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), (a, b) => {
        const total = Math.max(a, b);
        const kept = Math.min(a, b);
        let previous = -1;
        for (let i = 0; i < kept; i++) {
          const r = sampledRow(i, kept, total);
          if (r <= previous || r >= total) return false;
          if (keptIndexOfRow(r, kept, total) !== i) return false;
          previous = r;
        }
        return sampledRow(0, kept, total) === 0;
      }),
    );
  });

  it('says −1 exactly for the rows it does not keep', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), (a, b) => {
        const total = Math.max(a, b);
        const kept = Math.min(a, b);
        const keptRows = new Set(Array.from({ length: kept }, (_, i) => sampledRow(i, kept, total)));
        for (let r = 0; r < total; r++) {
          if (keptIndexOfRow(r, kept, total) >= 0 !== keptRows.has(r)) return false;
        }
        return true;
      }),
    );
  });

  it('stays exact for row counts whose products pass 2^53', () => {
    const total = 2 ** 40 + 7;
    const kept = 2 ** 20 - 3;
    const r = sampledRow(kept - 1, kept, total);
    expect(r).toBe(Number(((BigInt(kept) - 1n) * BigInt(total)) / BigInt(kept)));
    expect(keptIndexOfRow(r, kept, total)).toBe(kept - 1);
  });

  it('plans reads that cover each kept row once, merge only within the gap, and stay under the chunk size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 2000 }),
        (a, b, rowBytes, gap, chunk) => {
          const totalRows = Math.max(a, b);
          const keptRows = Math.min(a, b);
          const plan = {
            totalRows,
            cols: 1,
            keptRows,
            sampled: keptRows < totalRows ? { keptRows, totalRows } : null,
          };
          const reads = planRowReads(plan, rowBytes, chunk, gap);
          let next = 0;
          for (const read of reads) {
            if (read.firstKept !== next || read.endKept <= read.firstKept) return false;
            if (read.startRow !== sampledRow(read.firstKept, keptRows, totalRows)) return false;
            if (read.endRow !== sampledRow(read.endKept - 1, keptRows, totalRows) + 1) return false;
            if (read.endKept - read.firstKept > 1 && (read.endRow - read.startRow) * rowBytes > chunk)
              return false;
            for (let k = read.firstKept + 1; k < read.endKept; k++) {
              const skipped = sampledRow(k, keptRows, totalRows) - sampledRow(k - 1, keptRows, totalRows) - 1;
              if (skipped * rowBytes > gap) return false;
            }
            next = read.endKept;
          }
          return next === keptRows;
        },
      ),
    );
  });
});
