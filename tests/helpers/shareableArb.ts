/** fast-check arbitraries of valid, canonical shareable states (every field inside the URL codec's limits). */
import fc from 'fast-check';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS, type Scheme } from '../../src/core';
import type { GeneratorParams } from '../../src/core/generators.types';
import type { LmChoices } from '../../src/state/lmChoices';
import type { ShareableState } from '../../src/state/shareableState';
import { labSettingsArb } from './labArb';
import { wholeModelLinkArb } from './wholeModelArb';

// ---- arbitraries of valid, canonical states --------------------------------------------------------------------

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 });
const positive = fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-30, max: 1e30 });

export const generatorArb: fc.Arbitrary<GeneratorParams> = fc.record({
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

export const schemeArb: fc.Arbitrary<Scheme> = fc.oneof(
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
export const hubArb = fc.record({
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
export const lmChoicesArb: fc.Arbitrary<LmChoices> = fc.record({
  model: fc.oneof(
    fc.constantFrom('openai-community/gpt2', 'distilbert/distilgpt2', 'gpt2', 'org/model@v1.0'),
    fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,20}\/[A-Za-z0-9][\w.-]{0,20}$/),
    fc.webUrl({ withQueryParameters: true }).filter((u) => !/\s/.test(u) && u.length <= 300),
  ),
  text: fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
  prompt: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  scope: fc.constantFrom('all' as const, 'linear' as const),
});

export const stateArb: fc.Arbitrary<ShareableState> = fc.record({
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
  wholeModel: wholeModelLinkArb,
  lm: lmChoicesArb,
});
