import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FormatScheme, quantizeFormatInto } from '../../../src/core/formats';
import { decodeFloat } from '../../../src/core/formats/floatFormat';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS } from '../../../src/core/formats/formatIds';
import type { BlockFormatId, FloatFormatId, Granularity } from '../../../src/core/scheme';
import { createTensor, type Tensor2D } from '../../../src/core/tensor';

// Every format the engine has (a new format is covered by being registered).
const BLOCKS: readonly BlockFormatId[] = BLOCK_FORMAT_IDS;
const FLOATS: readonly FloatFormatId[] = FLOAT_FORMAT_IDS;

const SCHEMES: FormatScheme[] = [
  ...BLOCKS.map((format): FormatScheme => ({ kind: 'block', format })),
  { kind: 'block', format: 'mxfp4', roundScaleUp: true },
  { kind: 'block', format: 'mxint8', roundScaleUp: true },
  { kind: 'block', format: 'nf4', doubleQuant: true },
  ...FLOATS.flatMap((format): FormatScheme[] =>
    // FP16 / BF16 grids have ~65k levels: one scaled group is enough to check them (and it keeps the test fast).
    format === 'fp16' || format === 'bf16'
      ? [{ kind: 'float', format, scaling: 'tensor', groupSize: 32, saturate: true }]
      : [
          { kind: 'float', format, scaling: 'none', groupSize: 32, saturate: true },
          { kind: 'float', format, scaling: 'row', groupSize: 32, saturate: true },
          { kind: 'float', format, scaling: 'group', groupSize: 5, saturate: true },
        ],
  ),
  { kind: 'kmeans', bits: 2, granularity: { kind: 'tensor' }, maxIterations: 30 },
  { kind: 'kmeans', bits: 3, granularity: { kind: 'row' }, maxIterations: 30 },
  { kind: 'binary' },
  { kind: 'ternary' },
];

function groupOf(g: Granularity, cols: number, r: number, c: number): number {
  switch (g.kind) {
    case 'tensor':
      return 0;
    case 'row':
      return r;
    case 'column':
      return c;
    case 'group':
      return r * Math.ceil(cols / g.size) + Math.floor(c / g.size);
  }
}

const tensorArb: fc.Arbitrary<Tensor2D> = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    cols: fc.integer({ min: 1, max: 70 }),
    scale: fc.constantFrom(1e-3, 1, 300),
  })
  .chain(({ rows, cols, scale }) =>
    fc
      .array(fc.oneof(fc.float({ min: -1, max: 1, noNaN: true }), fc.constant(0)), {
        minLength: rows * cols,
        maxLength: rows * cols,
      })
      .map((values) =>
        createTensor(
          rows,
          cols,
          Float32Array.from(values, (v) => v * scale),
        ),
      ),
  );

function quantize(t: Tensor2D, scheme: FormatScheme) {
  const out = { codes: new Int16Array(t.rows * t.cols), dequantized: new Float32Array(t.rows * t.cols) };
  return { out, result: quantizeFormatInto(t, scheme, out) };
}

describe('properties of every format', () => {
  for (const scheme of SCHEMES) {
    const name = JSON.stringify(scheme);
    it(`${name}: every dequantized value is a grid point of its group and lies in [lo, hi]`, () => {
      fc.assert(
        fc.property(tensorArb, (t) => {
          const { out, result } = quantize(t, scheme);
          const levelSets = new Map<number, Set<number>>();
          for (let r = 0; r < t.rows; r++) {
            for (let c = 0; c < t.cols; c++) {
              const i = r * t.cols + c;
              const g = groupOf(result.granularity, t.cols, r, c);
              let levels = levelSets.get(g);
              if (!levels) {
                levels = new Set(result.levelsOf(g));
                levelSets.set(g, levels);
              }
              const y = out.dequantized[i];
              if (!levels.has(y)) return false;
              if (!(y >= result.lo[g] && y <= result.hi[g])) return false;
            }
          }
          return true;
        }),
        { numRuns: 40 },
      );
    });
  }

  for (const format of BLOCKS.filter((f) => f.startsWith('mx') && f !== 'mxint8')) {
    it(`${format}: element values never exceed the element maximum after dividing by the block scale`, () => {
      const max = { mxfp8_e4m3: 448, mxfp8_e5m2: 57344, mxfp6_e2m3: 7.5, mxfp6_e3m2: 28, mxfp4: 6 }[
        format as 'mxfp4'
      ];
      fc.assert(
        fc.property(tensorArb, (t) => {
          const { out, result } = quantize(t, { kind: 'block', format });
          return out.dequantized.every((y, i) => {
            const g = groupOf(result.granularity, t.cols, Math.floor(i / t.cols), i % t.cols);
            return Math.abs(y / result.scale[g]) <= max;
          });
        }),
        { numRuns: 40 },
      );
    });
  }

  it('float formats: the code decodes to the dequantized value divided by the scale', () => {
    fc.assert(
      fc.property(tensorArb, fc.constantFrom(...FLOATS), (t, format) => {
        const { out, result } = quantize(t, {
          kind: 'float',
          format,
          scaling: 'row',
          groupSize: 32,
          saturate: true,
        });
        for (let i = 0; i < out.codes.length; i++) {
          const s = result.scale[Math.floor(i / t.cols)];
          expect(Math.fround(decodeFloat(format, out.codes[i]) * s)).toBe(out.dequantized[i]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('levelsOf is ascending and distinct', () => {
    fc.assert(
      fc.property(tensorArb, fc.constantFrom(...SCHEMES), (t, scheme) => {
        const { result } = quantize(t, scheme);
        const levels = result.levelsOf(0);
        for (let k = 1; k < levels.length; k++) if (!(levels[k] > levels[k - 1])) return false;
        return levels.length > 0;
      }),
      { numRuns: 60 },
    );
  });
});
