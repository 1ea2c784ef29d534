/** The scheme picker's catalogue and memory (issue #5). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_FORMAT_GROUPS,
  BLOCK_FORMAT_OPTIONS,
  DEFAULT_BLOCK_SCHEME,
  DEFAULT_FLOAT_SCHEME,
  FLOAT_FORMAT_OPTIONS,
  formatBits,
  integerBitsPerWeight,
  rememberScheme,
  schemeForFamily,
  summarizeStorage,
  withBlockFormat,
} from '../../../src/components/formats/schemeCatalog';
import { recallScheme } from '../../../src/components/formats/useSchemeMemory';
import { describeScheme, METHOD_OPTIONS, methodOf } from '../../../src/components/schemeMethods';
import { computeQuantView } from '../../../src/core/quantView';
import { DEFAULT_SCHEME_A, type IntegerScheme, type Scheme } from '../../../src/core/scheme';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS } from '../../../src/core/validate';
import { DEFAULT_VIEW } from '../../../src/core/view';

const option = (id: string) => {
  const o = METHOD_OPTIONS.find((m) => m.id === id);
  if (!o) throw new Error(`no option ${id}`);
  return o;
};

describe('the catalogue', () => {
  it('offers every block format exactly once, grouped OCP MX / NVIDIA / QLoRA / GGUF', () => {
    expect(BLOCK_FORMAT_GROUPS.map((g) => g.group)).toEqual([
      'OCP Microscaling (MX)',
      'NVIDIA',
      'QLoRA (bitsandbytes)',
      'GGUF (llama.cpp)',
    ]);
    expect([...BLOCK_FORMAT_OPTIONS.map((o) => o.value)].sort()).toEqual([...BLOCK_FORMAT_IDS].sort());
    expect([...FLOAT_FORMAT_OPTIONS.map((o) => o.value)].sort()).toEqual([...FLOAT_FORMAT_IDS].sort());
  });

  it('names the bits per weight beside each block format (SEMANTICS.md "Bits per weight")', () => {
    const label = (id: string) => BLOCK_FORMAT_OPTIONS.find((o) => o.value === id)?.label;
    expect(label('mxfp4')).toBe('MXFP4 (E2M1) · 4.25 bits/weight');
    expect(label('nvfp4')).toBe('NVFP4 · 4.5 bits/weight');
    expect(label('nf4')).toBe('NF4 · 4.5 bits/weight');
    expect(label('q8_0')).toBe('GGUF Q8_0 · 8.5 bits/weight');
    expect(label('q6_k')).toBe('GGUF Q6_K · 6.5625 bits/weight');
  });

  it('names element bits and max finite value beside each float format', () => {
    const label = (id: string) => FLOAT_FORMAT_OPTIONS.find((o) => o.value === id)?.label;
    expect(label('e4m3')).toBe('FP8 E4M3 · 8 bits, max 448');
    expect(label('e2m1')).toBe('FP4 E2M1 · 4 bits, max 6');
    expect(label('bf16')).toMatch(/^BF16 · 16 bits, max 3\.39e\+38$/);
  });

  it('formats bits with up to 4 decimals', () => {
    expect([4.25, 4, 4.126953125, 6.5625].map(formatBits)).toEqual(['4.25', '4', '4.127', '6.5625']);
  });
});

describe('summarizeStorage', () => {
  it('compares the four 4-bit candidates at equal storage (SEMANTICS.md figures)', () => {
    const int4g128: IntegerScheme = {
      ...DEFAULT_SCHEME_A,
      bits: 4,
      granularity: { kind: 'group', size: 128 },
    };
    expect(summarizeStorage(int4g128, { rows: 256, cols: 256 })).toEqual({
      bitsPerWeight: 4.125,
      exact: true,
      storage: 'int4 + FP16 scale per group of 128',
    });
    expect(summarizeStorage({ kind: 'block', format: 'nf4' }).bitsPerWeight).toBe(4.5);
    expect(summarizeStorage({ kind: 'block', format: 'mxfp4' })).toEqual({
      bitsPerWeight: 4.25,
      exact: false,
      storage: 'E2M1 elements + E8M0 scale per 32',
    });
    expect(summarizeStorage({ kind: 'block', format: 'nvfp4' }).bitsPerWeight).toBe(4.5);
  });

  it('zero-point int4 group 128 with a 4-bit zero point is 4.15625 (SEMANTICS.md)', () => {
    const zp: IntegerScheme = {
      ...DEFAULT_SCHEME_A,
      method: 'zeroPoint',
      bits: 4,
      granularity: { kind: 'group', size: 128 },
    };
    expect(summarizeStorage(zp).bitsPerWeight).toBe(4.15625);
    expect(summarizeStorage(zp, { rows: 4, cols: 128 }).bitsPerWeight).toBe(4.15625);
  });

  it('gives the engine’s exact integer bits per weight for any shape and granularity', () => {
    const granularity = fc.oneof(
      fc.constant({ kind: 'tensor' as const }),
      fc.constant({ kind: 'row' as const }),
      fc.constant({ kind: 'column' as const }),
      fc.integer({ min: 1, max: 40 }).map((size) => ({ kind: 'group' as const, size })),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom('absmax' as const, 'zeroPoint' as const),
        granularity,
        (rows, cols, bits, method, g) => {
          const scheme: IntegerScheme = { ...DEFAULT_SCHEME_A, method, bits, granularity: g };
          const tensor = {
            rows,
            cols,
            data: Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i)),
          };
          const engine = computeQuantView(tensor, scheme, DEFAULT_VIEW).metrics.bitsPerWeight;
          expect(integerBitsPerWeight(scheme, { rows, cols })).toBeCloseTo(engine, 12);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the picker’s memory', () => {
  it('starts each family from its default', () => {
    expect(schemeForFamily('float', {}, DEFAULT_SCHEME_A)).toEqual(DEFAULT_FLOAT_SCHEME);
    expect(schemeForFamily('block', {}, DEFAULT_SCHEME_A)).toEqual(DEFAULT_BLOCK_SCHEME);
    expect(schemeForFamily('ternary', {}, DEFAULT_SCHEME_A)).toEqual({ kind: 'ternary' });
  });

  it('restores a family’s last settings after a switch away and back', () => {
    const nf4dq: Scheme = { kind: 'block', format: 'nf4', doubleQuant: true };
    const int4: IntegerScheme = { ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'row' } };
    let memory = rememberScheme({}, int4);
    memory = rememberScheme(memory, nf4dq);
    // From the block scheme, back to absmax: the integer settings come back.
    expect(recallScheme(memory, option('absmax'), nf4dq)).toEqual(int4);
    // From the integer scheme to the block family: NF4 with double quant comes back.
    expect(recallScheme(memory, option('block'), int4)).toBe(nf4dq);
    // Switching integer method from a block scheme carries the remembered integer settings over.
    expect(recallScheme(memory, option('zeroPoint'), nf4dq)).toEqual({ ...int4, method: 'zeroPoint' });
  });

  it('switches integer method in place, keeping bits and granularity', () => {
    const int4: IntegerScheme = { ...DEFAULT_SCHEME_A, bits: 4 };
    expect(recallScheme({}, option('zeroPoint'), int4)).toEqual({ ...int4, method: 'zeroPoint' });
  });

  it('never records a new memory object when the scheme did not change', () => {
    const memory = rememberScheme({}, DEFAULT_BLOCK_SCHEME);
    expect(rememberScheme(memory, DEFAULT_BLOCK_SCHEME)).toBe(memory);
  });

  it('keeps block options only where they apply', () => {
    expect(withBlockFormat({ kind: 'block', format: 'nf4', doubleQuant: true }, 'mxfp4')).toEqual({
      kind: 'block',
      format: 'mxfp4',
    });
    expect(withBlockFormat({ kind: 'block', format: 'mxfp4', roundScaleUp: true }, 'mxfp6_e2m3')).toEqual({
      kind: 'block',
      format: 'mxfp6_e2m3',
      roundScaleUp: true,
    });
  });

  it('maps every scheme of every family to exactly one method option, with a heading', () => {
    const schemes: Scheme[] = [
      DEFAULT_SCHEME_A,
      { ...DEFAULT_SCHEME_A, method: 'zeroPoint' },
      DEFAULT_FLOAT_SCHEME,
      DEFAULT_BLOCK_SCHEME,
      { kind: 'kmeans', bits: 3, granularity: { kind: 'tensor' }, maxIterations: 20 },
      { kind: 'binary' },
      { kind: 'ternary' },
    ];
    for (const s of schemes) {
      expect(METHOD_OPTIONS.filter((o) => o.matches(s))).toHaveLength(1);
      expect(methodOf(s)?.create(s).kind).toBe(s.kind);
    }
    expect(describeScheme({ kind: 'block', format: 'nvfp4' })).toBe('NVFP4');
    expect(describeScheme(DEFAULT_FLOAT_SCHEME)).toBe('FP8 E4M3, scaled per row');
  });
});
