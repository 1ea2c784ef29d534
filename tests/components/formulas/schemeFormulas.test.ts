/**
 * The formulas panel's TeX: the current numbers are substituted (checked against the engine's group parameters),
 * both spellings are given, and every line typesets without a KaTeX error.
 */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { formulasOf, texNumber } from '../../../src/components/formulas/schemeFormulas';
import {
  BLOCK_FORMAT_IDS,
  computeQuantView,
  DEFAULT_SCHEME_A,
  DEFAULT_SCHEME_B,
  DEFAULT_VIEW,
  FLOAT_FORMAT_IDS,
  type Scheme,
} from '../../../src/core';

const tensor = { rows: 1, cols: 4, data: Float32Array.of(-1, 0.25, 0.5, 2) };
const view = (scheme: Scheme) => computeQuantView(tensor, scheme, DEFAULT_VIEW);

function typesets(tex: string): void {
  // throwOnError: a TeX mistake would fail here instead of showing red source on the page.
  expect(() => katex.renderToString(tex, { throwOnError: true, displayMode: true })).not.toThrow();
}

describe('texNumber', () => {
  it.each([
    [0, '0'],
    [127, '127'],
    [0.015748031, '0.015748'],
    [-2.5, '-2.5'],
    [1.23456e-7, '1.2346\\times10^{-7}'],
    [Number.POSITIVE_INFINITY, '\\infty'],
  ])('%d → %s', (value, tex) => {
    expect(texNumber(value)).toBe(tex);
  });
});

describe('formulasOf', () => {
  it('absmax int8 on [−1, 0.25, 0.5, 2]: α = 2, Δ = 2/127, s = 63.5, both spellings', () => {
    const v = view(DEFAULT_SCHEME_A);
    // By hand: α = max|x| = 2, qmax = 127, Δ = fround(2/127) ≈ 0.015748, s = 127/2 = 63.5.
    expect(v.group.scale).toBeCloseTo(2 / 127, 7);
    const f = formulasOf(DEFAULT_SCHEME_A, { group: v.group, groupCount: v.groupCount });
    const all = [...f.lines, ...f.alternative].map((l) => l.tex).join(' ');
    expect(all).toContain('= 2,');
    expect(all).toContain('q_{\\max} = 2^{8-1}-1 = 127');
    expect(all).toContain('= 0.015748');
    expect(all).toContain('= 63.5');
    expect(all).toContain('-127,\\ 127');
    expect(f.alternative).toHaveLength(2);
    expect(f.explanation).toMatch(/largest magnitude/);
  });

  it('says the unsigned view is added after rounding in the signed view, for every rounding mode (issue #16)', () => {
    const v = view(DEFAULT_SCHEME_B);
    for (const kind of ['halfEven', 'halfAway', 'floor'] as const) {
      const f = formulasOf({ ...DEFAULT_SCHEME_B, rounding: { kind } } as Scheme, {
        group: v.group,
        groupCount: v.groupCount,
      });
      const caption = f.alternative.map((l) => l.caption ?? '').join(' ');
      expect(caption).toContain('rounds in the signed view and adds 128 after rounding');
      expect(caption).toContain('same under every rounding mode');
    }
  });

  it('zero-point int8 on [−1, 2]: Δ = 3/255, z = round(1/Δ) − 128 = −43, unsigned z = 85', () => {
    const v = view(DEFAULT_SCHEME_B);
    // By hand: Δ = 3/255 = 0.0117647; −lo/Δ = 85 exactly in float32? fround(1/fround(3/255)) = 85.0000… → 85;
    // z = 85 − 128 = −43. The engine agrees:
    expect(v.group.zeroPoint).toBe(-43);
    const f = formulasOf(DEFAULT_SCHEME_B, { group: v.group, groupCount: v.groupCount });
    const all = [...f.lines, ...f.alternative].map((l) => l.tex).join(' ');
    expect(all).toContain('[-1,\\ 2]');
    expect(all).toContain('\\frac{3}{255} = 0.011765');
    expect(all).toContain('= -43');
    expect(all).toContain('z_u = z + 128 = 85');
    expect(all).toContain('s = \\frac{255}{h-\\ell} = 85');
  });

  it('writes floor and stochastic rounding with their own operators', () => {
    const v = view(DEFAULT_SCHEME_A);
    const n = { group: v.group, groupCount: 1 };
    expect(formulasOf({ ...DEFAULT_SCHEME_A, rounding: { kind: 'floor' } }, n).lines[2].tex).toContain(
      '\\lfloor',
    );
    expect(
      formulasOf({ ...DEFAULT_SCHEME_A, rounding: { kind: 'stochastic', seed: 1 } }, n).lines[2].tex,
    ).toContain('+ u');
  });

  it('names the group whose numbers are shown when there are several', () => {
    const scheme: Scheme = { ...DEFAULT_SCHEME_A, granularity: { kind: 'row' } };
    const v = view(scheme);
    expect(formulasOf(scheme, { group: { ...v.group, index: 3 }, groupCount: 8 }).explanation).toContain(
      'group 3 of 8',
    );
  });

  const schemes: Scheme[] = [
    DEFAULT_SCHEME_A,
    DEFAULT_SCHEME_B,
    { ...DEFAULT_SCHEME_A, bits: 4, fullRange: true, clipping: { kind: 'percentile', percentile: 99 } },
    { ...DEFAULT_SCHEME_B, includeZero: true, rounding: { kind: 'halfAway' } },
    ...FLOAT_FORMAT_IDS.flatMap((format): Scheme[] => [
      { kind: 'float', format, scaling: 'tensor', groupSize: 32, saturate: true },
      { kind: 'float', format, scaling: 'none', groupSize: 32, saturate: true },
    ]),
    ...BLOCK_FORMAT_IDS.map((format): Scheme => ({ kind: 'block', format })),
    { kind: 'kmeans', bits: 2, granularity: { kind: 'tensor' }, maxIterations: 10 },
    { kind: 'binary' },
    { kind: 'ternary' },
  ];
  it.each(schemes.map((s) => [JSON.stringify(s), s] as const))('%s typesets every line', (_name, scheme) => {
    const v = view(scheme);
    const f = formulasOf(scheme, { group: v.group, groupCount: v.groupCount });
    expect(f.lines.length).toBeGreaterThan(0);
    expect(f.explanation.length).toBeGreaterThan(40);
    for (const line of [...f.lines, ...f.alternative]) typesets(line.tex);
  });
});
