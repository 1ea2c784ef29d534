/**
 * The URL codec: every valid state survives encode → decode unchanged (fast-check), a tampered link falls back
 * field by field with a notice naming the key, and no string whatsoever makes the decoder throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_FORMAT_IDS,
  DEFAULT_SCHEME_A,
  DEFAULT_SCHEME_B,
  FLOAT_FORMAT_IDS,
  type Scheme,
} from '../../src/core';
import { DEFAULT_GENERATOR, type GeneratorParams } from '../../src/core/generators.types';
import type { LmChoices } from '../../src/state/lmChoices';
import { DEFAULT_SHAREABLE_STATE, EMBED_CHARTS, type ShareableState } from '../../src/state/shareableState';
import {
  decodeDataParams,
  decodeSchemeParams,
  decodeUrlState,
  encodeSchemeParams,
  encodeUrlState,
} from '../../src/state/urlCodec';
import { labSettingsArb } from '../helpers/labArb';

// ---- arbitraries of valid, canonical states --------------------------------------------------------------------

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 });
const positive = fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-30, max: 1e30 });

const generatorArb: fc.Arbitrary<GeneratorParams> = fc.record({
  distribution: fc.constantFrom('normal', 'uniform', 'laplace', 'studentT', 'bimodal', 'transformer'),
  rows: fc.integer({ min: 1, max: 8192 }),
  cols: fc.integer({ min: 1, max: 8192 }),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  scale: positive,
  shift: finite,
  df: positive,
  outlierCols: fc.integer({ min: 0, max: 8192 }),
  outlierFactor: fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }),
  spikeFraction: fc.double({ noNaN: true, min: 0, max: 1 }),
});

const granularityArb = fc.oneof(
  fc.constantFrom({ kind: 'tensor' as const }, { kind: 'row' as const }, { kind: 'column' as const }),
  fc.integer({ min: 1, max: 1 << 24 }).map((size) => ({ kind: 'group' as const, size })),
);
const roundingArb = fc.oneof(
  fc.constantFrom({ kind: 'halfEven' as const }, { kind: 'halfAway' as const }, { kind: 'floor' as const }),
  fc.integer({ min: 0, max: 0xffffffff }).map((seed) => ({ kind: 'stochastic' as const, seed })),
);
const clippingArb = fc.oneof(
  fc.constantFrom(
    { kind: 'none' as const },
    { kind: 'mseOptimal' as const },
    { kind: 'kl' as const },
    { kind: 'octav' as const },
  ),
  fc
    .tuple(finite, finite)
    .filter(([lo, hi]) => lo !== hi)
    .map(([x, y]) => ({ kind: 'manual' as const, lo: Math.min(x, y), hi: Math.max(x, y) })),
  fc
    .double({ noNaN: true, min: 1e-6, max: 100 })
    .map((percentile) => ({ kind: 'percentile' as const, percentile })),
);

const integerArb: fc.Arbitrary<Scheme> = fc
  .record({
    method: fc.constantFrom('absmax' as const, 'zeroPoint' as const),
    bits: fc.constantFrom(2, 3, 4, 5, 6, 7, 8, 16),
    granularity: granularityArb,
    rounding: roundingArb,
    clipping: clippingArb,
    flag: fc.option(fc.boolean(), { nil: undefined }),
  })
  // The engine runs KL calibration per tensor only (validate.ts): a per-row KL scheme is not a valid state.
  .filter(({ clipping, granularity }) => clipping.kind !== 'kl' || granularity.kind === 'tensor')
  .map(({ method, flag, ...rest }) => {
    const scheme: Scheme = { kind: 'integer', method, ...rest };
    if (flag !== undefined) {
      if (method === 'absmax') scheme.fullRange = flag;
      else scheme.includeZero = flag;
    }
    return scheme;
  });

const schemeArb: fc.Arbitrary<Scheme> = fc.oneof(
  integerArb,
  fc.record({
    kind: fc.constant('float' as const),
    format: fc.constantFrom(...FLOAT_FORMAT_IDS),
    scaling: fc.constantFrom('none' as const, 'tensor' as const, 'row' as const, 'group' as const),
    groupSize: fc.integer({ min: 1, max: 1 << 24 }),
    saturate: fc.boolean(),
  }),
  fc
    .record({
      format: fc.constantFrom(...BLOCK_FORMAT_IDS),
      doubleQuant: fc.option(fc.boolean(), { nil: undefined }),
      roundScaleUp: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ format, doubleQuant, roundScaleUp }) => {
      const s: Scheme = { kind: 'block', format };
      if (doubleQuant !== undefined) s.doubleQuant = doubleQuant;
      if (roundScaleUp !== undefined) s.roundScaleUp = roundScaleUp;
      return s;
    }),
  fc.record({
    kind: fc.constant('kmeans' as const),
    bits: fc.integer({ min: 1, max: 8 }),
    granularity: fc.constantFrom({ kind: 'tensor' as const }, { kind: 'row' as const }),
    maxIterations: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.constantFrom({ kind: 'binary' as const }, { kind: 'ternary' as const }),
);

// Hub names as people write them; the tensor name may hold any printable Unicode (e.g. dots, slashes, accents).
const hubArb = fc.record({
  kind: fc.constant('hub' as const),
  model: fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,20}$/), fc.stringMatching(/^[\w-][\w.-]{0,30}$/))
    .filter(([, name]) => name !== '..' && name !== '.')
    .map(([org, name]) => `${org}/${name}`),
  revision: fc.option(fc.stringMatching(/^[\w-]{1,20}$/), { nil: null }),
  file: fc.option(fc.stringMatching(/^[\w-]{1,20}\.safetensors$/), { nil: null }),
  tensor: fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
    .filter(
      (t) => ![...t].some((ch) => ch.charCodeAt(0) < 32 || ch === '\u007f') && !t.split('/').includes('..'),
    ),
});

/** Language model choices a link can hold (lmUrl.ts): Hub ids or URLs, any text of 1..MAX_LINK_TEXT characters. */
const lmChoicesArb: fc.Arbitrary<LmChoices> = fc.record({
  model: fc.oneof(
    fc.constantFrom('openai-community/gpt2', 'distilbert/distilgpt2', 'gpt2', 'org/model@v1.0'),
    fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,20}\/[A-Za-z0-9][\w.-]{0,20}$/),
    fc.webUrl({ withQueryParameters: true }).filter((u) => !/\s/.test(u) && u.length <= 300),
  ),
  text: fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
  prompt: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  scope: fc.constantFrom('all' as const, 'linear' as const),
});

const stateArb: fc.Arbitrary<ShareableState> = fc.record({
  data: fc.oneof(
    generatorArb
      .filter((g) => g.rows * g.cols <= 8192 * 8192)
      .map((params) => ({ kind: 'generate' as const, params })),
    hubArb,
  ),
  schemes: fc.record({ a: schemeArb, b: schemeArb }),
  view: fc
    .record({
      choice: fc.constantFrom('compare', 'a', 'b'),
      yScale: fc.constantFrom('linear' as const, 'log' as const),
      range: fc.option(
        fc
          .tuple(finite, finite)
          .filter(([x, y]) => x !== y)
          .map(([x, y]): [number, number] => [Math.min(x, y), Math.max(x, y)]),
        { nil: null },
      ),
      bins: fc.integer({ min: 8, max: 1024 }),
      group: fc.record({ a: fc.integer({ min: 0, max: 1 << 20 }), b: fc.integer({ min: 0, max: 1 << 20 }) }),
      tab: fc.constantFrom('explore' as const, 'sweep' as const, 'llmInt8' as const, 'lab' as const),
    })
    .map(({ choice, ...rest }) => ({
      ...rest,
      layout: choice === 'compare' ? ('compare' as const) : ('single' as const),
      singleChannel: choice === 'b' ? ('b' as const) : ('a' as const),
    })),
  lesson: fc.option(
    fc.record({ id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/), step: fc.integer({ min: 0, max: 50 }) }),
    { nil: null },
  ),
  worked: fc.option(fc.array(finite, { minLength: 1, maxLength: 32 }), { nil: null }),
  llmInt8: fc.record({
    tokens: fc.integer({ min: 1, max: 4096 }),
    outlierFeatures: fc.integer({ min: 0, max: 8192 }),
    outlierMagnitude: fc.double({ noNaN: true, min: 1e-6, max: 1e4 }),
    threshold: positive,
    seed: fc.integer({ min: 0, max: 0xffffffff }),
  }),
  lab: labSettingsArb,
  lm: lmChoicesArb,
});

// ---- tests -----------------------------------------------------------------------------------------------------

describe('encodeUrlState / decodeUrlState', () => {
  it('round-trips every valid state exactly, with no notices', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const decoded = decodeUrlState(encodeUrlState(state));
        expect(decoded.notices).toEqual([]);
        expect(decoded.state).toEqual(state);
        expect(decoded.embed).toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips the page options (embed charts, theme, the frame options)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...EMBED_CHARTS), { minLength: 1 }),
        fc.constantFrom('light' as const, 'dark' as const, 'system' as const, 'inherit' as const),
        fc.boolean(),
        (charts, chosen, transparent) => {
          const theme = chosen === 'inherit' ? null : chosen;
          const frame = { inheritTheme: chosen === 'inherit', transparent };
          const decoded = decodeUrlState(
            encodeUrlState(DEFAULT_SHAREABLE_STATE, { embed: { charts }, theme, frame }),
          );
          expect(decoded).toEqual({
            state: DEFAULT_SHAREABLE_STATE,
            embed: { charts },
            theme,
            frame,
            notices: [],
          });
        },
      ),
    );
  });

  it('writes readable keys with a version, e.g. a.bits=4&a.gran=group&a.gs=128', () => {
    const state: ShareableState = {
      ...DEFAULT_SHAREABLE_STATE,
      schemes: {
        a: { ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'group', size: 128 } },
        b: DEFAULT_SCHEME_B,
      },
      view: { ...DEFAULT_SHAREABLE_STATE.view, range: [-0.5, 0.25] },
      worked: [1.5, -2],
    };
    const url = encodeUrlState(state);
    expect(url.startsWith('?v=1&')).toBe(true);
    expect(url).toContain('&a.bits=4&a.gran=group&a.gs=128&');
    expect(url).toContain('&range=-0.5,0.25&');
    expect(url).toContain('&wx=1.5,-2');
    expect(url).toContain('&seed=42&');
  });

  it('reads an empty link, or one with only v=1, as the defaults without notices', () => {
    for (const search of ['', '?', '?v=1']) {
      expect(decodeUrlState(search)).toEqual({
        state: DEFAULT_SHAREABLE_STATE,
        embed: null,
        theme: null,
        frame: { inheritTheme: false, transparent: false },
        notices: [],
      });
    }
  });

  it('reads a hand-written partial link: the fields present, the defaults for the rest', () => {
    const { state, notices } = decodeUrlState('?a.bits=4&a.gran=group&a.gs=64&seed=7&view=b');
    expect(notices).toEqual([]);
    expect(state.schemes.a).toEqual({
      ...DEFAULT_SCHEME_A,
      bits: 4,
      granularity: { kind: 'group', size: 64 },
    });
    expect(state.schemes.b).toEqual(DEFAULT_SCHEME_B);
    expect(state.data).toEqual({ kind: 'generate', params: { ...DEFAULT_GENERATOR, seed: 7 } });
    expect(state.view.layout).toBe('single');
    expect(state.view.singleChannel).toBe('b');
  });
});

describe('tampered links', () => {
  it('falls back field by field on a tampered link and names the field', () => {
    const { state, notices } = decodeUrlState('?v=1&seed=7&a.method=absmax&a.bits=99');
    expect(state.data.kind === 'generate' && state.data.params.seed).toBe(7);
    expect(state.schemes.a.kind === 'integer' && state.schemes.a.method).toBe('absmax');
    expect(state.schemes.a.kind === 'integer' && state.schemes.a.bits).toBe(DEFAULT_SCHEME_A.bits);
    expect(notices).toEqual([expect.stringContaining('a.bits=99')]);
  });

  it.each([
    ['rows=-3', 'rows', (s: ShareableState) => s.data.kind === 'generate' && s.data.params.rows, 256],
    [
      'rows=8192&cols=8193',
      'cols',
      (s: ShareableState) => s.data.kind === 'generate' && s.data.params.cols,
      256,
    ],
    ['scale=0', 'scale', (s: ShareableState) => s.data.kind === 'generate' && s.data.params.scale, 0.02],
    [
      'gen=cauchy',
      'gen',
      (s: ShareableState) => s.data.kind === 'generate' && s.data.params.distribution,
      'transformer',
    ],
    ['seed=1.5', 'seed', (s: ShareableState) => s.data.kind === 'generate' && s.data.params.seed, 42],
    [
      'b.gran=diagonal',
      'b.gran',
      (s: ShareableState) => s.schemes.b.kind === 'integer' && s.schemes.b.granularity.kind,
      'tensor',
    ],
    [
      'a.gran=group&a.gs=0',
      'a.gs',
      (s: ShareableState) => JSON.stringify(s.schemes.a.kind === 'integer' && s.schemes.a.granularity),
      '{"kind":"group","size":128}',
    ],
    [
      'a.clip=manual&a.lo=1&a.hi=-1',
      'a.clip',
      (s: ShareableState) => s.schemes.a.kind === 'integer' && s.schemes.a.clipping.kind,
      'none',
    ],
    [
      'a.clip=percentile&a.pct=101',
      'a.pct',
      (s: ShareableState) => JSON.stringify(s.schemes.a.kind === 'integer' && s.schemes.a.clipping),
      '{"kind":"percentile","percentile":99.9}',
    ],
    ['a.kind=quantum', 'a.kind', (s: ShareableState) => s.schemes.a.kind, 'integer'],
    [
      'a.kind=float&a.fmt=e9m9',
      'a.fmt',
      (s: ShareableState) => s.schemes.a.kind === 'float' && s.schemes.a.format,
      'e4m3',
    ],
    ['bins=3', 'bins', (s: ShareableState) => s.view.bins, 128],
    ['range=1,0', 'range', (s: ShareableState) => s.view.range, null],
    ['range=a,b', 'range', (s: ShareableState) => s.view.range, null],
    ['y=cubic', 'y', (s: ShareableState) => s.view.yScale, 'linear'],
    ['wx=1,2,NaN', 'wx', (s: ShareableState) => s.worked, null],
    ['wx=', 'wx', (s: ShareableState) => s.worked, null],
    ['lesson=Bad%20Id', 'lesson', (s: ShareableState) => s.lesson, null],
    ['tab=zoo', 'tab', (s: ShareableState) => s.view.tab, 'explore'],
    ['llm.thr=-1', 'llm.thr', (s: ShareableState) => s.llmInt8.threshold, 6],
    ['llm.tokens=0', 'llm.tokens', (s: ShareableState) => s.llmInt8.tokens, 64],
  ])('%s falls back to the default and the notice names %s', (query, key, read, expected) => {
    const { state, notices } = decodeUrlState(`?v=1&${query}`);
    expect(read(state)).toEqual(expected);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(key);
  });

  it('says a bad range falls back to the default zoom, which is what the page then shows (issue #16)', () => {
    // No range (null) is what useDefaultZoom replaces by the central mean ± 4σ of a new matrix.
    const { state, notices } = decodeUrlState('?v=1&range=abc');
    expect(state.view.range).toBeNull();
    expect(notices).toEqual([expect.stringContaining('using the default zoom (mean ± 4σ)')]);
    expect(notices[0]).not.toContain('full range');
  });

  it('keeps reading a hand-written float or k-means link without scaling / gran / iter as before', () => {
    expect(decodeUrlState('?a.kind=float&a.fmt=e5m2').state.schemes.a).toEqual({
      kind: 'float',
      format: 'e5m2',
      scaling: 'tensor',
      groupSize: 32,
      saturate: true,
    });
    expect(decodeUrlState('?b.kind=kmeans').state.schemes.b).toEqual({
      kind: 'kmeans',
      bits: 4,
      granularity: { kind: 'tensor' },
      maxIterations: 50,
    });
  });

  it('falls back only the field the engine rejects when fields clash (KL clipping per row)', () => {
    const { state, notices } = decodeUrlState('?a.bits=4&a.gran=row&a.clip=kl');
    expect(state.schemes.a).toEqual({ ...DEFAULT_SCHEME_A, bits: 4, granularity: { kind: 'row' } });
    expect(notices).toEqual([expect.stringContaining('clipping falls back')]);
  });

  it('keeps the valid fields of a scheme when one of its fields is tampered', () => {
    const { state, notices } = decodeUrlState('?a.method=zeroPoint&a.bits=4&a.round=sideways&a.gran=row');
    expect(state.schemes.a).toEqual({
      ...DEFAULT_SCHEME_A,
      method: 'zeroPoint',
      bits: 4,
      granularity: { kind: 'row' },
    });
    expect(notices).toEqual([
      expect.stringMatching(/^Link field a\.round=sideways ignored: .*; using halfEven\.$/),
    ]);
  });

  it('drops a lesson the registry does not know, and a step past its end', () => {
    const lessonSteps = (id: string) => (id === 'bits' ? 3 : undefined);
    expect(decodeUrlState('?lesson=bits&step=3', { lessonSteps }).state.lesson).toEqual({
      id: 'bits',
      step: 2,
    });
    const past = decodeUrlState('?lesson=bits&step=4', { lessonSteps });
    expect(past.state.lesson).toEqual({ id: 'bits', step: 0 });
    expect(past.notices).toEqual([expect.stringContaining('step=4')]);
    const unknown = decodeUrlState('?lesson=nope&step=1', { lessonSteps });
    expect(unknown.state.lesson).toBeNull();
    expect(unknown.notices).toEqual([expect.stringContaining('lesson=nope')]);
  });

  it('names unknown keys, a repeated key and a newer version, but ignores tracking parameters', () => {
    const { notices } = decodeUrlState('?v=2&a.bits=4&a.bits=5&colour=red&utm_source=mail');
    expect(notices).toHaveLength(3);
    expect(notices.join(' ')).toContain('a.bits appears more than once');
    expect(notices.join(' ')).toContain('v=2');
    expect(notices.join(' ')).toContain('colour');
    expect(notices.join(' ')).not.toContain('utm_source');
  });

  it('leaves unknown embed charts out and keeps the known ones', () => {
    const { embed, notices } = decodeUrlState('?embed=1&charts=hist,pie,metrics');
    expect(embed).toEqual({ charts: ['hist', 'metrics'] });
    expect(notices).toEqual([expect.stringContaining('pie')]);
    expect(decodeUrlState('?embed=1').embed).toEqual({ charts: ['hist', 'metrics'] });
    expect(decodeUrlState('?embed=0&charts=hist').embed).toBeNull();
  });

  it('falls back to the generator when a Hub source is incomplete, and keeps a valid one', () => {
    const ok = decodeUrlState(
      '?src=hub&model=openai-community/gpt2&file=model.safetensors&tensor=h.0.mlp.c_fc.weight',
    );
    expect(ok.notices).toEqual([]);
    expect(ok.state.data).toEqual({
      kind: 'hub',
      model: 'openai-community/gpt2',
      revision: null,
      file: 'model.safetensors',
      tensor: 'h.0.mlp.c_fc.weight',
    });
    const broken = decodeUrlState('?src=hub&model=../../etc&file=x&tensor=y');
    expect(broken.state.data.kind).toBe('generate');
    expect(broken.notices.join(' ')).toContain('model');
  });

  it('never throws, whatever the string, and always returns a complete state', () => {
    const keyArb = fc.constantFrom(
      'v',
      'gen',
      'rows',
      'cols',
      'seed',
      'src',
      'model',
      'file',
      'tensor',
      'rev',
      'a.kind',
      'a.bits',
      'a.gran',
      'a.gs',
      'a.clip',
      'a.lo',
      'a.hi',
      'a.pct',
      'a.fmt',
      'b.round',
      'b.rseed',
      'range',
      'bins',
      'view',
      'wx',
      'lesson',
      'step',
      'embed',
      'charts',
      'theme',
      'a.group',
    );
    const tampered = fc
      .array(fc.tuple(fc.oneof(keyArb, fc.string()), fc.string({ unit: 'binary' })), { maxLength: 12 })
      .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tampered), (search) => {
        const decoded = decodeUrlState(search);
        expect(decoded.state.schemes.a).toBeDefined();
        expect(decoded.state.schemes.b).toBeDefined();
        expect(['generate', 'hub']).toContain(decoded.state.data.kind);
        expect(Array.isArray(decoded.notices)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('scheme and data attributes (the custom element)', () => {
  it('round-trips a scheme without the channel prefix', () => {
    fc.assert(
      fc.property(schemeArb, (scheme) => {
        expect(decodeSchemeParams(encodeSchemeParams(scheme), 'b')).toEqual({ scheme, notices: [] });
      }),
    );
  });

  it('reads a short hand-written scheme and names a bad key without its prefix', () => {
    expect(decodeSchemeParams('bits=4&gran=row', 'a').scheme).toEqual({
      ...DEFAULT_SCHEME_A,
      bits: 4,
      granularity: { kind: 'row' },
    });
    const bad = decodeSchemeParams('bits=1', 'a');
    expect(bad.notices).toEqual([expect.stringMatching(/^Field bits=1 ignored/)]);
  });

  it('reads generator parameters', () => {
    expect(decodeDataParams('gen=normal&rows=64&cols=32&seed=7').data).toEqual({
      kind: 'generate',
      params: { ...DEFAULT_GENERATOR, distribution: 'normal', rows: 64, cols: 32, seed: 7 },
    });
  });
});
