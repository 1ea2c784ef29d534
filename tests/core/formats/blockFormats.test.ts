import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quantizeFormatInto } from '../../../src/core/formats';
import { bnbDynamicMap } from '../../../src/core/formats/bnbBlockwise';
import type { BlockFormatId } from '../../../src/core/scheme';
import { createTensor } from '../../../src/core/tensor';

interface BlockCase {
  tensor: string;
  format: BlockFormatId;
  roundScaleUp?: boolean;
  doubleQuant?: boolean;
  scale?: number[];
  codes?: number[];
  dequantized: number[];
}
interface BlockFixture {
  tensors: Record<string, { rows: number; cols: number; values: number[] }>;
  cases: BlockCase[];
  dynamicMap: number[];
}
const fixture: BlockFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/formats/block_fixtures.json', import.meta.url)), 'utf8'),
);

function run(c: BlockCase) {
  const src = fixture.tensors[c.tensor];
  const t = createTensor(src.rows, src.cols, Float32Array.from(src.values));
  const out = { codes: new Int16Array(src.values.length), dequantized: new Float32Array(src.values.length) };
  const result = quantizeFormatInto(
    t,
    { kind: 'block', format: c.format, roundScaleUp: c.roundScaleUp, doubleQuant: c.doubleQuant },
    out,
  );
  return { ...out, result };
}

describe('block formats against NumPy ports of their references (make_block_fixtures.py)', () => {
  for (const c of fixture.cases) {
    const name = `${c.format}${c.roundScaleUp ? ' (scale rounded up)' : ''}${c.doubleQuant ? ' + double quant' : ''} on "${c.tensor}"`;
    it(`${name}: dequantized values agree bit for bit`, () => {
      const { codes, dequantized, result } = run(c);
      expect(Array.from(dequantized)).toEqual(c.dequantized);
      if (c.codes) expect(Array.from(codes)).toEqual(c.codes);
      if (c.scale) {
        const mxint8 = c.format === 'mxint8';
        // The engine reports X for MXFP and the step X / 64 for MXINT8.
        expect(Array.from(result.scale).map((s) => (mxint8 ? s * 64 : s))).toEqual(c.scale);
      }
    });
  }

  it('builds the same bitsandbytes dynamic map (256 ascending values from -1 to 1)', () => {
    const map = bnbDynamicMap();
    expect(Array.from(map)).toEqual(fixture.dynamicMap);
    // Hand values: the largest magnitude below 1 is the last midpoint of linspace(0.1, 1, 65), (0.9859375 + 1) / 2;
    // the smallest is 1e-6 * (0.1 + 1) / 2. +1 is in the map, -1 is not.
    expect(map[0]).toBeCloseTo(-0.99296875, 6);
    expect(map[254]).toBeCloseTo(0.99296875, 6);
    expect(map[255]).toBe(1);
    expect(map[128]).toBeCloseTo(5.5e-7, 12);
    expect(map[127]).toBe(0);
  });
});
