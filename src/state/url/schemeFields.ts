/**
 * A scheme in a link, keys under `a.` / `b.` (or bare, in the custom element's `scheme-a` attribute): `kind`, then
 * the fields of that kind — integer `method bits gran gs round rseed clip lo hi pct full zero sstore zstore`, float
 * `fmt scaling gs sat`, block `fmt dq up`, k-means `bits gran iter`. The limits are core/validate.ts's, the formats
 * the registry's; a last check by the engine's own validator catches what fields cannot see alone (KL clipping is
 * per tensor), so a scheme read from a link is one the worker accepts.
 */
import { familyDefault } from '../../core/formats';
import type { BlockScheme, CodebookScheme, FloatScheme, IntegerScheme, Scheme } from '../../core/scheme';
import { SCALE_STORAGES, ZERO_POINT_STORAGES } from '../../core/scheme';
import {
  BLOCK_FORMAT_IDS,
  CLIPPING_KINDS,
  FLOAT_FORMAT_IDS,
  FLOAT_SCALINGS,
  GRANULARITY_KINDS,
  INTEGER_METHODS,
  isClippingPercentile,
  KMEANS_GRANULARITIES,
  ROUNDING_KINDS,
  SCHEME_KINDS,
  SCHEME_LIMITS,
  validateScheme,
} from '../../core/validate';
import { choice, flag, int, num, real, toNumber } from './codecs';
import { check, type FieldRow, field, type KeyReader, rule, type ValueCodec } from './fieldTable';

type Kind = Scheme['kind'];
type SchemeOf<K extends Kind> = Extract<Scheme, { kind: K }>;

/**
 * Where a link that switches the kind but leaves a field out starts: the format registry's family defaults
 * (core/formats/registry.ts), except three keys whose absence v=1 links have always read differently from the
 * picker's start (float `scaling` per tensor, k-means `gran` per tensor with 50 `iter`). The app writes these keys
 * in every link, so only hand-written links leave them out; they keep meaning what they meant.
 */
const FAMILY_START: Record<Exclude<Kind, 'integer'>, Scheme> = {
  float: { ...familyDefault('float'), scaling: 'tensor' },
  block: familyDefault('block'),
  kmeans: { ...familyDefault('kmeans'), granularity: { kind: 'tensor' }, maxIterations: 50 },
  binary: { kind: 'binary' },
  ternary: { kind: 'ternary' },
};
/** Starting values of a sub-field that a link switches on without giving it (`a.gran=group` without `a.gs`). */
const START_GROUP_SIZE = 128;
const START_STOCHASTIC_SEED = 1;
const START_PERCENTILE = 99.9;

interface KindFieldSpec<K extends Kind, T> {
  key: string;
  get(s: SchemeOf<K>): T | undefined;
  set(s: SchemeOf<K>, v: T): SchemeOf<K>;
  codec: ValueCodec<T>;
  matters?(s: SchemeOf<K>): boolean;
  fallback?: string;
  rejectedAs?: T;
}

/** A field of one kind of scheme: its key is read only when the scheme is of that kind. */
function of<K extends Kind, T>(kind: K, spec: KindFieldSpec<K, T>): FieldRow<Scheme> {
  const is = (s: Scheme): s is SchemeOf<K> => s.kind === kind;
  return field<Scheme, T>({
    key: spec.key,
    applies: is,
    matters: (s) => is(s) && (spec.matters?.(s) ?? true),
    get: (s) => (is(s) ? spec.get(s) : undefined),
    set: (s, v) => (is(s) ? spec.set(s, v) : s),
    codec: spec.codec,
    fallback: spec.fallback,
    rejectedAs: spec.rejectedAs,
  });
}

const integer = <T>(spec: KindFieldSpec<'integer', T>) => of('integer', spec);
const isMethod = (method: IntegerScheme['method']) => (s: IntegerScheme) => s.method === method;

/** `lo` and `hi` of a manual clipping range, only meaningful together: a bad pair drops the clipping. */
const manualBounds = rule<Scheme>({
  keys: ['lo', 'hi'],
  applies: (s) => s.kind === 'integer',
  matters: (s) => s.kind === 'integer' && s.clipping.kind === 'manual',
  write(s, out) {
    if (s.kind !== 'integer' || s.clipping.kind !== 'manual') return;
    out.put('lo', num(s.clipping.lo));
    out.put('hi', num(s.clipping.hi));
  },
  read(s, r) {
    if (s.kind !== 'integer') return s;
    const loRaw = r.raw('lo');
    const hiRaw = r.raw('hi');
    const lo = loRaw === undefined ? Number.NaN : toNumber(loRaw);
    const hi = hiRaw === undefined ? Number.NaN : toNumber(hiRaw);
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)
      return { ...s, clipping: { kind: 'manual', lo, hi } };
    const why = `needs finite ${r.fullKey('lo')} < ${r.fullKey('hi')} (got ${loRaw} .. ${hiRaw})`;
    r.reject('clip', 'manual', why, 'no clipping');
    return { ...s, clipping: { kind: 'none' } };
  },
});

const INTEGER_FIELDS: readonly FieldRow<Scheme>[] = [
  integer({
    key: 'method',
    get: (s) => s.method,
    set: (s, method) => ({ ...s, method }),
    codec: choice(INTEGER_METHODS),
  }),
  integer({
    key: 'bits',
    get: (s) => s.bits,
    set: (s, bits) => ({ ...s, bits }),
    codec: int(SCHEME_LIMITS.integerBits),
  }),
  integer({
    key: 'gran',
    get: (s) => s.granularity.kind,
    set: (s, kind) => {
      const g = s.granularity;
      const size = g.kind === 'group' ? g.size : START_GROUP_SIZE;
      return { ...s, granularity: kind === 'group' ? { kind, size } : { kind } };
    },
    codec: choice(GRANULARITY_KINDS),
  }),
  integer({
    key: 'gs',
    matters: (s) => s.granularity.kind === 'group',
    get: (s) => (s.granularity.kind === 'group' ? s.granularity.size : undefined),
    set: (s, size) => ({ ...s, granularity: { kind: 'group', size } }),
    codec: int(SCHEME_LIMITS.groupSize),
  }),
  integer({
    key: 'round',
    get: (s) => s.rounding.kind,
    set: (s, kind) => {
      const r = s.rounding;
      const seed = r.kind === 'stochastic' ? r.seed : START_STOCHASTIC_SEED;
      return { ...s, rounding: kind === 'stochastic' ? { kind, seed } : { kind } };
    },
    codec: choice(ROUNDING_KINDS),
  }),
  integer({
    key: 'rseed',
    matters: (s) => s.rounding.kind === 'stochastic',
    get: (s) => (s.rounding.kind === 'stochastic' ? s.rounding.seed : undefined),
    set: (s, seed) => ({ ...s, rounding: { kind: 'stochastic', seed } }),
    codec: int(SCHEME_LIMITS.seed),
  }),
  integer({
    key: 'clip',
    get: (s) => s.clipping.kind,
    set: (s, kind) => {
      if (kind === 'manual') return { ...s, clipping: { kind, lo: Number.NaN, hi: Number.NaN } };
      if (kind === 'percentile') return { ...s, clipping: { kind, percentile: START_PERCENTILE } };
      return { ...s, clipping: { kind } };
    },
    codec: choice(CLIPPING_KINDS),
  }),
  manualBounds,
  integer({
    key: 'pct',
    matters: (s) => s.clipping.kind === 'percentile',
    get: (s) => (s.clipping.kind === 'percentile' ? s.clipping.percentile : undefined),
    set: (s, percentile) => ({ ...s, clipping: { kind: 'percentile', percentile } }),
    codec: real((n) => (isClippingPercentile(n) ? null : 'expected a percentile in (0, 100]')),
  }),
  // SEMANTICS.md: fullRange is absmax-only and includeZero zero-point-only; the other one does not apply.
  integer({
    key: 'full',
    matters: isMethod('absmax'),
    get: (s) => s.fullRange,
    set: (s, fullRange) => ({ ...s, fullRange }),
    codec: flag,
  }),
  integer({
    key: 'zero',
    matters: isMethod('zeroPoint'),
    get: (s) => s.includeZero,
    set: (s, includeZero) => ({ ...s, includeZero }),
    codec: flag,
  }),
  // absent = today's default (FP16 scale, b-bit zero point), so older links decode as before
  integer({
    key: 'sstore',
    get: (s) => s.scaleStorage,
    set: (s, scaleStorage) => ({ ...s, scaleStorage }),
    codec: choice(SCALE_STORAGES),
    rejectedAs: 'fp16' as const,
  }),
  integer({
    key: 'zstore',
    matters: isMethod('zeroPoint'),
    get: (s) => s.zeroPointStorage,
    set: (s, zeroPointStorage) => ({ ...s, zeroPointStorage }),
    codec: choice(ZERO_POINT_STORAGES),
    rejectedAs: 'int' as const,
  }),
];

const FLOAT_FIELDS: readonly FieldRow<Scheme>[] = [
  of('float', {
    key: 'fmt',
    get: (s: FloatScheme) => s.format,
    set: (s, format) => ({ ...s, format }),
    codec: choice(FLOAT_FORMAT_IDS),
  }),
  of('float', {
    key: 'scaling',
    get: (s: FloatScheme) => s.scaling,
    set: (s, scaling) => ({ ...s, scaling }),
    codec: choice(FLOAT_SCALINGS),
  }),
  of('float', {
    key: 'gs',
    get: (s: FloatScheme) => s.groupSize,
    set: (s, groupSize) => ({ ...s, groupSize }),
    codec: int(SCHEME_LIMITS.groupSize),
  }),
  of('float', {
    key: 'sat',
    get: (s: FloatScheme) => s.saturate,
    set: (s, saturate) => ({ ...s, saturate }),
    codec: flag,
  }),
];

const BLOCK_FIELDS: readonly FieldRow<Scheme>[] = [
  of('block', {
    key: 'fmt',
    get: (s: BlockScheme) => s.format,
    set: (s, format) => ({ ...s, format }),
    codec: choice(BLOCK_FORMAT_IDS),
  }),
  of('block', {
    key: 'dq',
    get: (s: BlockScheme) => s.doubleQuant,
    set: (s, doubleQuant) => ({ ...s, doubleQuant }),
    codec: flag,
  }),
  of('block', {
    key: 'up',
    get: (s: BlockScheme) => s.roundScaleUp,
    set: (s, roundScaleUp) => ({ ...s, roundScaleUp }),
    codec: flag,
  }),
];

const KMEANS_FIELDS: readonly FieldRow<Scheme>[] = [
  of('kmeans', {
    key: 'bits',
    get: (s: CodebookScheme) => s.bits,
    set: (s, bits) => ({ ...s, bits }),
    codec: int(SCHEME_LIMITS.kmeansBits),
  }),
  of('kmeans', {
    key: 'gran',
    get: (s: CodebookScheme) => s.granularity.kind,
    set: (s, kind) => ({ ...s, granularity: { kind } }),
    codec: choice(KMEANS_GRANULARITIES),
  }),
  of('kmeans', {
    key: 'iter',
    get: (s: CodebookScheme) => s.maxIterations,
    set: (s, maxIterations) => ({ ...s, maxIterations }),
    codec: int(SCHEME_LIMITS.kmeansIterations),
  }),
];

/** The parts of an integer scheme the validator may name, each of which can fall back on its own. */
const REPAIRABLE = ['granularity', 'rounding', 'clipping'] as const;

/**
 * The engine's own validator over the scheme read (cross-field rules such as "KL clipping is per tensor"); the part
 * it names falls back to the channel's default, or the whole scheme when no part can.
 */
function validated(channelDefault: IntegerScheme, channel: string) {
  return (start: Scheme, r: KeyReader): Scheme => {
    let scheme = start;
    for (let attempt = 0; attempt <= REPAIRABLE.length; attempt++) {
      try {
        validateScheme(scheme);
        return scheme;
      } catch (error) {
        const named = String((error as { field?: unknown }).field ?? '').split('.')[0];
        const why = error instanceof Error ? error.message : String(error);
        const part = REPAIRABLE.find((p) => p === named);
        if (scheme.kind !== 'integer' || part === undefined) {
          r.notice(`Scheme ${channel} in the link is not valid (${why}); using the default scheme.`);
          return channelDefault;
        }
        r.notice(
          `Scheme ${channel} in the link is not valid (${why}); its ${part} falls back to the default.`,
        );
        scheme = { ...scheme, [part]: channelDefault[part] };
      }
    }
    return channelDefault;
  };
}

/**
 * The table of a scheme whose link starts from `channelDefault` (scheme A's or B's), named `channel` ("A") in the
 * notices of the last check.
 */
export function schemeFields(channelDefault: IntegerScheme, channel: string): readonly FieldRow<Scheme>[] {
  return [
    field<Scheme, Kind>({
      key: 'kind',
      get: (s) => s.kind,
      set: (s, kind) => (kind === s.kind ? s : kind === 'integer' ? channelDefault : FAMILY_START[kind]),
      codec: choice(SCHEME_KINDS),
    }),
    ...INTEGER_FIELDS,
    ...FLOAT_FIELDS,
    ...BLOCK_FIELDS,
    ...KMEANS_FIELDS,
    check(validated(channelDefault, channel)),
  ];
}
