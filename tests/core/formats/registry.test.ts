/**
 * The format registry: one record per format id, each record's facts the published constants of its format, and
 * every format's sweep entries valid schemes of that format.
 */
import { describe, expect, it } from 'vitest';
import {
  FORMATS,
  familyDefault,
  findFormat,
  formatIdOf,
  formatRecord,
  formatsOf,
  sweepFormatSchemes,
} from '../../../src/core/formats';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS } from '../../../src/core/formats/formatIds';
import { validateScheme } from '../../../src/core/validate';

describe('the format registry', () => {
  it('holds exactly one record per format id, in link order', () => {
    expect(FORMATS.map((f) => f.id)).toEqual([
      ...FLOAT_FORMAT_IDS,
      ...BLOCK_FORMAT_IDS,
      'kmeans',
      'binary',
      'ternary',
    ]);
    expect(formatsOf('float').map((f) => f.id)).toEqual([...FLOAT_FORMAT_IDS]);
    expect(formatsOf('block').map((f) => f.id)).toEqual([...BLOCK_FORMAT_IDS]);
  });

  it('finds a scheme’s record by its format (float, block) or its kind (the others)', () => {
    expect(findFormat({ kind: 'block', format: 'nf4', doubleQuant: true })?.label).toBe('NF4');
    expect(findFormat({ kind: 'ternary' })?.id).toBe('ternary');
    expect(
      findFormat({ kind: 'block', format: 'q9_9' as never }),
      'an unvalidated id has no record',
    ).toBeUndefined();
  });

  it.each(FORMATS.map((f) => [f.id, f] as const))(
    '%s: its defaults and sweep entries are valid schemes of its own format and family',
    (id, record) => {
      for (const scheme of [record.defaults, ...record.sweep]) {
        expect(validateScheme(scheme)).toEqual(scheme);
        expect(scheme.kind).toBe(record.family);
        expect(formatIdOf(scheme)).toBe(id);
      }
    },
  );

  // Largest finite values from the OCP FP8 and MX v1.0 specs and IEEE 754 (by hand: E4M3 1.75 * 2^8, E5M2
  // 1.75 * 2^15, E2M3 1.875 * 2^2, E3M2 1.75 * 2^4, E2M1 1.5 * 2^2, FP16 (2 - 2^-10) * 2^15, BF16 (2 - 2^-7) * 2^127).
  it.each([
    ['fp16', 'FP16', 16, 65504],
    ['bf16', 'BF16', 16, (2 - 2 ** -7) * 2 ** 127],
    ['e4m3', 'FP8 E4M3', 8, 448],
    ['e5m2', 'FP8 E5M2', 8, 57344],
    ['e2m3', 'FP6 E2M3', 6, 7.5],
    ['e3m2', 'FP6 E3M2', 6, 28],
    ['e2m1', 'FP4 E2M1', 4, 6],
  ] as const)('%s prints as %s, %d bits, largest value %d', (id, name, bits, max) => {
    const r = formatRecord(id);
    expect(r.facts.elementName).toBe(name);
    expect(r.elementBits).toBe(bits);
    expect(r.facts.elementMax).toBe(max);
  });

  // OCP MX v1.0 Table 1: emax_elem of each element type; MXINT8's elements are k/64 with |k| <= 127.
  it.each([
    ['mxfp8_e4m3', 8, 448, 8],
    ['mxfp8_e5m2', 15, 57344, 8],
    ['mxfp6_e2m3', 2, 7.5, 6],
    ['mxfp6_e3m2', 4, 28, 6],
    ['mxfp4', 2, 6, 4],
    ['mxint8', 0, 127 / 64, 8],
  ] as const)('%s: emax %d, element max %d, %d-bit elements in blocks of 32', (id, emax, max, bits) => {
    const r = formatRecord(id);
    expect(r.facts).toMatchObject({ scaleRule: 'pow2', elementEmax: emax, elementMax: max, blockSize: 32 });
    expect(r.elementBits).toBe(bits);
    expect(r.options).toEqual(['roundScaleUp']);
  });

  it('states the block sizes of the other block formats (NVFP4 16, NF4 64, GGUF 32, k-quants 256)', () => {
    const sizes = Object.fromEntries(
      formatsOf('block')
        .filter((f) => f.facts.scaleRule !== 'pow2')
        .map((f) => [f.id, f.facts.blockSize]),
    );
    expect(sizes).toEqual({
      nvfp4: 16,
      nf4: 64,
      q8_0: 32,
      q4_0: 32,
      q4_1: 32,
      q5_0: 32,
      q5_1: 32,
      q4_k: 256,
      q6_k: 256,
    });
  });

  it('offers each option only where it applies: saturation (formats with Inf / NaN), double quant (NF4)', () => {
    const withOption = (o: string) =>
      FORMATS.filter((f) => (f.options as string[]).includes(o)).map((f) => f.id);
    expect(withOption('saturate')).toEqual(['fp16', 'bf16', 'e4m3', 'e5m2']);
    expect(withOption('doubleQuant')).toEqual(['nf4']);
  });

  it('starts each family from one default: FP8 E4M3 per row, MXFP4, 16 centroids per row with 20 iterations', () => {
    expect(familyDefault('float')).toEqual({
      kind: 'float',
      format: 'e4m3',
      scaling: 'row',
      groupSize: 32,
      saturate: true,
    });
    expect(familyDefault('block')).toEqual({ kind: 'block', format: 'mxfp4' });
    expect(familyDefault('kmeans')).toEqual({
      kind: 'kmeans',
      bits: 4,
      granularity: { kind: 'row' },
      maxIterations: 20,
    });
    expect(familyDefault('binary')).toEqual({ kind: 'binary' });
  });

  it('lists the sweep’s 28 format schemes: 7 float, 15 block, NF4 double-quantized, 3 k-means, binary, ternary', () => {
    const schemes = sweepFormatSchemes();
    expect(schemes).toHaveLength(28);
    expect(schemes.filter((s) => s.kind === 'block' && s.doubleQuant)).toEqual([
      { kind: 'block', format: 'nf4', doubleQuant: true },
    ]);
  });
});
