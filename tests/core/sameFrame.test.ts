/**
 * The same-frame engine (core/sameFrame.ts): what it computes is the worker's result to the bit, it computes only
 * kinds of scheme its book says are cheap, and it keeps the book from what it measures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTensor } from '../../src/core';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { computeIfCheap, createSameFrameMirror, type SameFrameMirror } from '../../src/core/sameFrame';
import { type CostBook, costKindOf, noteCost, SAME_FRAME_BUDGET_MS } from '../../src/core/sameFrameCost';
import { DEFAULT_SCHEME_A, type IntegerScheme, type Scheme } from '../../src/core/scheme';
import { DEFAULT_VIEW, type QuantView, type ViewParams } from '../../src/core/view';
import { createHandlers } from '../../src/worker/handlers';
import { schemeArb } from '../helpers/shareableArb';

const int = (bits: number, extra: Partial<IntegerScheme> = {}): IntegerScheme => ({
  ...DEFAULT_SCHEME_A,
  bits,
  ...extra,
});

/** A worker's handlers holding one generated dataset, and the page's mirror of it (as the `mirror` call sends it). */
function workerAndMirror(rows: number, cols: number, seed = 7) {
  const handlers = createHandlers();
  const summary = handlers.generate({ ...DEFAULT_GENERATOR, rows, cols, seed }) as { id: string };
  const mirrored = handlers.mirror(summary.id, rows * cols);
  if (mirrored === null || mirrored instanceof Promise) throw new Error('expected a mirror');
  return { handlers, id: summary.id, mirror: createSameFrameMirror(summary.id, mirrored) };
}

/** A result without what differs between two runs of the same computation: its time, and where and how it ran. */
function bitsOf(view: QuantView): Omit<QuantView, 'elapsedMs' | 'reused' | 'onPage'> {
  const { elapsedMs: _e, reused: _r, onPage: _o, ...rest } = view;
  return rest;
}

const viewArb: fc.Arbitrary<ViewParams> = fc.record({
  bins: fc.integer({ min: 8, max: 256 }),
  range: fc.option(
    fc
      .tuple(fc.double({ min: -3, max: 0, noNaN: true }), fc.double({ min: 0.01, max: 3, noNaN: true }))
      .map(([lo, hi]) => [lo, hi] as [number, number]),
    { nil: null },
  ),
  errorBins: fc.integer({ min: 8, max: 128 }),
  group: fc.nat({ max: 40 }),
  heatmapMaxCells: fc.integer({ min: 1, max: 64 }),
});

describe('computeIfCheap', () => {
  // 24 × 40 runs the TypeScript loops; 128 × 160 (20,480 values) the WebAssembly kernel, on both sides.
  it.each([
    [24, 40, 60],
    [128, 160, 12],
  ])(
    "gives the worker's result to the bit on %i × %i, over any sequence of schemes and views on both panels",
    (rows, cols, numRuns) => {
      const { handlers, id, mirror } = workerAndMirror(rows, cols);
      const passes = new Set<string | undefined>();
      fc.assert(
        fc.property(
          fc.array(fc.tuple(schemeArb, viewArb, fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 6 }),
          (steps) => {
            for (const [scheme, view, channel] of steps) {
              const book: CostBook = new Map([[costKindOf(scheme), 0]]);
              let fromWorker: QuantView | null = null;
              try {
                fromWorker = handlers.quantize(id, scheme, view, channel) as QuantView;
              } catch {
                // refused by the validation: the page must not answer it either (the worker's message is shown)
              }
              const onPage = computeIfCheap(mirror, book, scheme, view, channel);
              if (fromWorker === null) {
                expect(onPage).toBeNull();
                continue;
              }
              expect(onPage).not.toBeNull();
              expect(onPage?.onPage).toBe(true);
              passes.add(onPage?.pass);
              expect(bitsOf(onPage as QuantView)).toEqual(bitsOf(fromWorker));
            }
          },
        ),
        { numRuns },
      );
      expect(passes.has('wasm-simd')).toBe(rows * cols >= 1 << 14);
    },
  );

  it('computes only kinds of scheme its book knows to cost at most the budget, and books what it measured', () => {
    const { mirror } = workerAndMirror(64, 64);
    const book: CostBook = new Map();
    expect(computeIfCheap(mirror, book, int(4), DEFAULT_VIEW, 'a')).toBeNull(); // unknown kind
    expect(book.size).toBe(0);

    book.set(costKindOf(int(8)), SAME_FRAME_BUDGET_MS + 0.01); // measured slow (by the worker, say)
    expect(computeIfCheap(mirror, book, int(4), DEFAULT_VIEW, 'a')).toBeNull();

    book.set(costKindOf(int(8)), SAME_FRAME_BUDGET_MS);
    const result = computeIfCheap(mirror, book, int(4), DEFAULT_VIEW, 'a');
    expect(result?.scheme).toEqual(int(4));
    expect(book.get(costKindOf(int(4)))).toBe(result?.elapsedMs);

    // What it measured goes in the book: with a budget of 0, a first change of a kind booked at 0 ms is computed,
    // takes more than 0 ms, and the next change of that kind goes to the worker.
    book.set(costKindOf(int(5, { granularity: { kind: 'row' } })), 0);
    const measured = computeIfCheap(
      mirror,
      book,
      int(5, { granularity: { kind: 'row' } }),
      DEFAULT_VIEW,
      'a',
      0,
    );
    expect(measured?.elapsedMs).toBeGreaterThan(0);
    expect(
      computeIfCheap(mirror, book, int(6, { granularity: { kind: 'row' } }), DEFAULT_VIEW, 'a', 0),
    ).toBeNull();
  });

  it("returns null for a scheme the validation refuses (the worker's error message is the one shown)", () => {
    const { mirror } = workerAndMirror(8, 8);
    for (const bad of [int(0), int(17), int(4, { granularity: { kind: 'group', size: 0 } })] as Scheme[]) {
      const book: CostBook = new Map([[costKindOf(bad), 0]]);
      expect(computeIfCheap(mirror, book, bad, DEFAULT_VIEW, 'a')).toBeNull();
    }
  });

  it('leaves the mirror consistent: a change computed again after others gives the same bits', () => {
    const { mirror }: { mirror: SameFrameMirror } = workerAndMirror(32, 32, 3);
    const nf4: Scheme = { kind: 'block', format: 'nf4' };
    const book: CostBook = new Map([
      [costKindOf(int(3)), 0],
      [costKindOf(nf4), 0],
    ]);
    const cheap = () => {
      for (const key of book.keys()) book.set(key, 0);
    };
    const first = computeIfCheap(mirror, book, int(3), DEFAULT_VIEW, 'a');
    cheap();
    expect(computeIfCheap(mirror, book, nf4, DEFAULT_VIEW, 'b')).not.toBeNull();
    cheap();
    const again = computeIfCheap(mirror, book, int(3), DEFAULT_VIEW, 'a');
    expect(first).not.toBeNull();
    expect(bitsOf(again as QuantView)).toEqual(bitsOf(first as QuantView));
  });
});

describe('the cost book', () => {
  it('groups schemes by what their work depends on: not bits, a manual range, a percentile or a seed', () => {
    expect(costKindOf(int(2))).toBe(costKindOf(int(8)));
    expect(costKindOf(int(4, { clipping: { kind: 'manual', lo: -1, hi: 1 } }))).toBe(
      costKindOf(int(6, { clipping: { kind: 'manual', lo: -0.2, hi: 3 } })),
    );
    expect(costKindOf(int(4, { rounding: { kind: 'stochastic', seed: 1 } }))).toBe(
      costKindOf(int(4, { rounding: { kind: 'stochastic', seed: 99 } })),
    );
    expect(costKindOf(int(4))).not.toBe(costKindOf(int(4, { granularity: { kind: 'row' } })));
    expect(costKindOf(int(4, { granularity: { kind: 'group', size: 32 } }))).not.toBe(
      costKindOf(int(4, { granularity: { kind: 'group', size: 8 } })),
    );
    expect(costKindOf(int(4))).not.toBe(costKindOf(int(4, { method: 'zeroPoint' })));
    // k-means' work grows with its centroids: its bits count.
    const kmeans = (bits: number): Scheme => ({
      kind: 'kmeans',
      bits,
      granularity: { kind: 'tensor' },
      maxIterations: 30,
    });
    expect(costKindOf(kmeans(2))).not.toBe(costKindOf(kmeans(8)));
  });

  it("books a result's time, and ignores a result that reused an earlier one's work", () => {
    const book: CostBook = new Map();
    const view = (extra: Partial<QuantView>) =>
      ({ elapsedMs: 3, threads: 1, measuringThreads: 1, reused: 'none', ...extra }) as QuantView;
    noteCost(book, int(4), view({ measuringThreads: 2 }));
    expect(book.get(costKindOf(int(4)))).toBe(3);
    noteCost(book, int(5), view({ elapsedMs: 0.1, reused: 'quantization' }));
    expect(book.get(costKindOf(int(4)))).toBe(3);
    noteCost(book, int(5), view({ elapsedMs: 1 }));
    expect(book.get(costKindOf(int(4)))).toBe(1);
  });
});

describe("the worker's mirror call", () => {
  it('sends a copy of the values up to the limit, and nothing above it or for a limit that is not a number', () => {
    const handlers = createHandlers();
    const { id } = handlers.generate({ ...DEFAULT_GENERATOR, rows: 16, cols: 8 }) as { id: string };
    const tensor = generateTensor({ ...DEFAULT_GENERATOR, rows: 16, cols: 8 });
    const mirrored = handlers.mirror(id, 128) as { rows: number; cols: number; data: Float32Array };
    expect(mirrored.rows).toBe(16);
    expect(mirrored.cols).toBe(8);
    expect(Array.from(mirrored.data)).toEqual(Array.from(tensor.data));
    // A copy: changing (or transferring) it leaves the resident tensor as it was.
    mirrored.data.fill(0);
    const again = handlers.mirror(id, 128) as { data: Float32Array };
    expect(Array.from(again.data)).toEqual(Array.from(tensor.data));
    expect(handlers.mirror(id, 127)).toBeNull();
    expect(handlers.mirror(id, Number.NaN)).toBeNull();
    expect(handlers.mirror(id, '1e9' as unknown as number)).toBeNull();
  });
});
