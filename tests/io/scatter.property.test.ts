import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeAs2D } from '../../src/core/tensor';
import { PyLiteralError, parsePyLiteral } from '../../src/io/pyLiteral';
import { planRows, sampledRow } from '../../src/io/sampling';
import { ElementScatter } from '../../src/io/scatter';

/** Row-major index of a multi-index. */
function cIndex(index: number[], shape: number[]): number {
  return index.reduce((acc, i, d) => acc * shape[d] + i, 0);
}

/** Column-major (Fortran) index of a multi-index: the first index varies fastest. */
function fIndex(index: number[], shape: number[]): number {
  let acc = 0;
  for (let d = shape.length - 1; d >= 0; d--) acc = acc * shape[d] + index[d];
  return acc;
}

function allIndices(shape: number[]): number[][] {
  const out: number[][] = [[]];
  for (const n of shape) {
    const next: number[][] = [];
    for (const prefix of out) for (let i = 0; i < n; i++) next.push([...prefix, i]);
    out.splice(0, out.length, ...next);
  }
  return out;
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 });

describe('ElementScatter', () => {
  it('turns C- or Fortran-order int16 bytes, pushed in arbitrary chunks, into the kept rows in row-major order', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.constantFrom<'C' | 'F'>('C', 'F'),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 200 }),
        (shape, order, chunkSizes, maxValues) => {
          const { rows, cols } = shapeAs2D(shape);
          if (cols > maxValues) return;
          const count = rows * cols;
          // value of element with C index k is k − 100 (fits int16, distinct)
          const stored = new Int16Array(count);
          for (const index of allIndices(shape)) {
            const k = cIndex(index, shape);
            stored[order === 'F' && shape.length >= 2 ? fIndex(index, shape) : k] = k - 100;
          }
          const bytes = new Uint8Array(stored.buffer);
          const plan = planRows(rows, cols, maxValues, { format: 'npy', fileName: 'a.npy', tensorName: 'a' });
          const scatter = new ElementScatter(shape, order, plan, 'i16', true);
          let pos = 0;
          for (let c = 0; pos < bytes.length; c++) {
            const n = chunkSizes[c % chunkSizes.length];
            scatter.push(bytes.subarray(pos, pos + n));
            pos += n;
          }
          expect(scatter.done).toBe(true);
          const expected: number[] = [];
          for (let i = 0; i < plan.keptRows; i++) {
            const r = sampledRow(i, plan.keptRows, rows);
            for (let c = 0; c < cols; c++) expected.push(r * cols + c - 100);
          }
          expect(Array.from(scatter.out)).toEqual(expected);
        },
      ),
    );
  });
});

describe('parsePyLiteral', () => {
  it('parses what Python would print for nested tuples, lists, dicts, strings, ints and booleans', () => {
    expect(parsePyLiteral("{'a': (1, 2,), \"b\": [True, None, 'x\\'y'], 'c': {}, 'd': ()}")).toEqual({
      a: [1, 2],
      b: [true, null, "x'y"],
      c: {},
      d: [],
    });
  });

  it('either parses or throws PyLiteralError on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parsePyLiteral(text);
        } catch (error) {
          if (!(error instanceof PyLiteralError)) throw error;
        }
      }),
    );
  });

  it('refuses nesting deeper than 16 without overflowing the stack', () => {
    expect(() => parsePyLiteral(`${'('.repeat(10_000)}${')'.repeat(10_000)}`)).toThrow(PyLiteralError);
  });
});
