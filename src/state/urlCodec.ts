/**
 * The URL codec (ARCHITECTURE.md §7): the shareable state as readable query keys (`a.bits=4&a.gran=group&a.gs=128`)
 * with a version key `v=1`. Pure: no DOM, no store. Decoding never throws: every field is read on its own and a
 * missing one takes its default silently, while an invalid or tampered one takes its default with a notice that
 * names the key, the bad value and the rule it broke.
 *
 * Keys (v=1), stable forever because links live in blog posts and course pages:
 * - data: `src=gen|hub`; generator `gen rows cols seed scale shift df outliers ofactor spikes`;
 *   Hub tensor `model rev file tensor`.
 * - schemes, prefix `a.` / `b.`: `kind`; integer `method bits gran gs round rseed clip lo hi pct full zero`;
 *   float `fmt scaling gs sat`; block `fmt dq up`; k-means `bits gran iter`.
 * - view: `view=compare|a|b`, `y=linear|log`, `bins`, `range=lo,hi`, `a.group`, `b.group`, `tab=explore|sweep|llmInt8`.
 * - LLM.int8() view: `llm.tokens llm.outliers llm.mag llm.thr llm.seed`.
 * - model lab: `lab.*` (labUrl.ts); Language model tab: `lm.model lm.text lm.prompt lm.scope` (lmUrl.ts), each
 *   written only when it differs from its default.
 * - teaching: `lesson=<id>&step=<1-based>`, `wx=<comma-separated worked-example values>`.
 * - page: `theme=light|dark|system`, `embed=1`, `charts=hist,error,heatmap,rows,metrics,formula,mapping,worked`.
 */
import { familyDefault } from '../core/formats';
import { DEFAULT_GENERATOR, type Distribution, type GeneratorParams } from '../core/generators.types';
import type { LlmInt8Params } from '../core/llmInt8View';
import type {
  BlockFormatId,
  BlockScheme,
  Clipping,
  FloatFormatId,
  FloatScheme,
  Granularity,
  IntegerScheme,
  Rounding,
  Scheme,
} from '../core/scheme';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, SCALE_STORAGES, ZERO_POINT_STORAGES } from '../core/scheme';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS, float32ValueProblem, validateScheme } from '../core/validate';
import { decodeLabParams, encodeLabParams } from './labUrl';
import { decodeLmParams, encodeLmParams } from './lmUrl';
import type { Channel } from './schemesSlice';
import {
  type DataSource,
  DEFAULT_EMBED_CHARTS,
  DEFAULT_SHAREABLE_STATE,
  DEFAULT_VIEW_STATE,
  EMBED_CHARTS,
  type EmbedChart,
  type EmbedOptions,
  type LessonPosition,
  MAX_WORKED_LENGTH,
  type ShareableState,
  type ShareableView,
  type ThemePreference,
} from './shareableState';
import { WORKSPACE_TAB_IDS } from './workspaceSlice';

/** The version this codec writes; links without `v` are read as version 1. */
export const URL_VERSION = 1;

/** Mirrors core/generators.ts MAX_GENERATED_VALUES (kept here so the codec does not pull in the generators). */
const MAX_VALUES = 8192 * 8192;
const MAX_SIDE = 8192;

/** An embed frame's own options: about the frame, not the state a link shares. */
export interface FrameOptions {
  /** `theme=inherit`: follow the page that embeds the frame (told by postMessage); until it speaks, the system's. */
  inheritTheme: boolean;
  /** `bg=transparent`: no background of its own (the post's shows through). */
  transparent: boolean;
}

export const NO_FRAME_OPTIONS: FrameOptions = { inheritTheme: false, transparent: false };

/** Everything a link carries besides the explorer state. */
export interface UrlPageOptions {
  /** null: the full explorer; otherwise the compact embed with these charts. */
  embed: EmbedOptions | null;
  /** null: no override (the reader's own preference applies, or the host page's with `frame.inheritTheme`). */
  theme: ThemePreference | null;
  frame: FrameOptions;
}

export interface DecodedUrl extends UrlPageOptions {
  state: ShareableState;
  /** One sentence per field that was ignored, naming its key; empty for a clean link. */
  notices: string[];
}

export interface DecodeOptions {
  /** Number of steps of a known lesson, or undefined for an unknown id (the link's lesson is then dropped). */
  lessonSteps?(id: string): number | undefined;
}

const DISTRIBUTIONS: readonly Distribution[] = [
  'transformer',
  'normal',
  'uniform',
  'laplace',
  'studentT',
  'bimodal',
];
const SCHEME_KINDS = ['integer', 'float', 'block', 'kmeans', 'binary', 'ternary'] as const;
const GRANULARITY_KINDS = ['tensor', 'row', 'column', 'group'] as const;
const ROUNDING_KINDS = ['halfEven', 'halfAway', 'floor', 'stochastic'] as const;
const CLIPPING_KINDS = ['none', 'manual', 'percentile', 'mseOptimal', 'kl', 'octav'] as const;
const FLOAT_SCALINGS = ['none', 'tensor', 'row', 'group'] as const;
const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const HUB_MODEL = /^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/;
const HUB_REVISION = /^[\w.\-/]{1,128}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Defaults of a scheme kind when a link switches the kind but leaves out a field: the format registry's family
 * defaults (core/formats/registry.ts), except three keys whose absence v=1 links have always read differently from
 * the picker's start (float `scaling` per tensor, k-means `gran` per tensor with 50 `iter`). The app writes these
 * keys in every link, so only hand-written links leave them out; they keep meaning what they meant.
 */
const DEFAULT_FLOAT: FloatScheme = { ...familyDefault('float'), scaling: 'tensor' };
const DEFAULT_BLOCK: BlockScheme = familyDefault('block');
const DEFAULT_KMEANS = {
  bits: familyDefault('kmeans').bits,
  granularity: 'tensor' as const,
  maxIterations: 50,
};
const CHANNEL_DEFAULTS: Record<Channel, IntegerScheme> = { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B };
const TRACKING_KEY = /^(utm_|fbclid$|gclid$|mc_|ref$)/;

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/** Shortest string that reads back as the same number (`String` is round-trip exact; −0 keeps its sign). */
function num(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** encodeURIComponent, but leaving `, / : @` readable (allowed in a query by RFC 3986 §3.4). */
function encodeValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/%2C/g, ',')
    .replace(/%2F/g, '/')
    .replace(/%3A/g, ':')
    .replace(/%40/g, '@');
}

function encodeGranularity(prefix: string, g: Granularity, out: Array<[string, string]>): void {
  out.push([`${prefix}gran`, g.kind]);
  if (g.kind === 'group') out.push([`${prefix}gs`, num(g.size)]);
}

function encodeScheme(c: Channel, scheme: Scheme, out: Array<[string, string]>): void {
  const p = `${c}.`;
  out.push([`${p}kind`, scheme.kind]);
  switch (scheme.kind) {
    case 'integer': {
      out.push([`${p}method`, scheme.method], [`${p}bits`, num(scheme.bits)]);
      encodeGranularity(p, scheme.granularity, out);
      out.push([`${p}round`, scheme.rounding.kind]);
      if (scheme.rounding.kind === 'stochastic') out.push([`${p}rseed`, num(scheme.rounding.seed)]);
      const clip = scheme.clipping;
      out.push([`${p}clip`, clip.kind]);
      if (clip.kind === 'manual') out.push([`${p}lo`, num(clip.lo)], [`${p}hi`, num(clip.hi)]);
      if (clip.kind === 'percentile') out.push([`${p}pct`, num(clip.percentile)]);
      if (scheme.fullRange !== undefined) out.push([`${p}full`, scheme.fullRange ? '1' : '0']);
      if (scheme.includeZero !== undefined) out.push([`${p}zero`, scheme.includeZero ? '1' : '0']);
      if (scheme.scaleStorage !== undefined) out.push([`${p}sstore`, scheme.scaleStorage]);
      if (scheme.zeroPointStorage !== undefined) out.push([`${p}zstore`, scheme.zeroPointStorage]);
      return;
    }
    case 'float':
      out.push(
        [`${p}fmt`, scheme.format],
        [`${p}scaling`, scheme.scaling],
        [`${p}gs`, num(scheme.groupSize)],
        [`${p}sat`, scheme.saturate ? '1' : '0'],
      );
      return;
    case 'block':
      out.push([`${p}fmt`, scheme.format]);
      if (scheme.doubleQuant !== undefined) out.push([`${p}dq`, scheme.doubleQuant ? '1' : '0']);
      if (scheme.roundScaleUp !== undefined) out.push([`${p}up`, scheme.roundScaleUp ? '1' : '0']);
      return;
    case 'kmeans':
      out.push([`${p}bits`, num(scheme.bits)], [`${p}gran`, scheme.granularity.kind]);
      out.push([`${p}iter`, num(scheme.maxIterations)]);
      return;
    case 'binary':
    case 'ternary':
      return;
  }
}

function encodeData(data: DataSource, out: Array<[string, string]>): void {
  if (data.kind === 'hub') {
    out.push(['src', 'hub'], ['model', data.model]);
    if (data.revision !== null) out.push(['rev', data.revision]);
    if (data.file !== null) out.push(['file', data.file]);
    out.push(['tensor', data.tensor]);
    return;
  }
  const g = data.params;
  out.push(
    ['gen', g.distribution],
    ['rows', num(g.rows)],
    ['cols', num(g.cols)],
    ['seed', num(g.seed)],
    ['scale', num(g.scale)],
    ['shift', num(g.shift)],
    ['df', num(g.df)],
    ['outliers', num(g.outlierCols)],
    ['ofactor', num(g.outlierFactor)],
    ['spikes', num(g.spikeFraction)],
  );
}

function encodeView(view: ShareableView, out: Array<[string, string]>): void {
  out.push(['view', view.layout === 'compare' ? 'compare' : view.singleChannel]);
  out.push(['y', view.yScale], ['bins', num(view.bins)]);
  if (view.range) out.push(['range', `${num(view.range[0])},${num(view.range[1])}`]);
  out.push(['a.group', num(view.group.a)], ['b.group', num(view.group.b)], ['tab', view.tab]);
}

function encodeLlmInt8(p: LlmInt8Params, out: Array<[string, string]>): void {
  out.push(
    ['llm.tokens', num(p.tokens)],
    ['llm.outliers', num(p.outlierFeatures)],
    ['llm.mag', num(p.outlierMagnitude)],
    ['llm.thr', num(p.threshold)],
    ['llm.seed', num(p.seed)],
  );
}

/**
 * The query string (with its leading `?`) for a state and the page options, every field written, keys in a fixed
 * order. E.g. `?v=1&gen=transformer&rows=256&…&a.kind=integer&a.method=absmax&a.bits=8&a.gran=tensor&…`.
 */
export function encodeUrlState(state: ShareableState, page: Partial<UrlPageOptions> = {}): string {
  const out: Array<[string, string]> = [['v', String(URL_VERSION)]];
  encodeData(state.data, out);
  encodeScheme('a', state.schemes.a, out);
  encodeScheme('b', state.schemes.b, out);
  encodeView(state.view, out);
  encodeLlmInt8(state.llmInt8, out);
  encodeLabParams(state.lab, out);
  encodeLmParams(state.lm, out);
  if (state.lesson) out.push(['lesson', state.lesson.id], ['step', num(state.lesson.step + 1)]);
  if (state.worked) out.push(['wx', state.worked.map(num).join(',')]);
  if (page.theme) out.push(['theme', page.theme]);
  if (page.embed) out.push(['embed', '1'], ['charts', page.embed.charts.join(',')]);
  if (page.frame?.inheritTheme) out.push(['theme', 'inherit']);
  if (page.frame?.transparent) out.push(['bg', 'transparent']);
  return `?${out.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&')}`;
}

/**
 * A scheme alone as keys without the channel prefix (`kind=integer&method=absmax&bits=4…`): the custom element's
 * `scheme-a` / `scheme-b` attributes use this form.
 */
export function encodeSchemeParams(scheme: Scheme): string {
  const out: Array<[string, string]> = [];
  encodeScheme('a', scheme, out);
  return out.map(([k, v]) => `${k.slice(2)}=${encodeValue(v)}`).join('&');
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/** Reads keys off a parsed query, recording which were used and what was wrong with them. */
class Reader {
  private readonly used = new Set<string>();
  readonly notices: string[] = [];
  constructor(private readonly params: Map<string, string>) {}

  has(key: string): boolean {
    return this.params.has(key);
  }

  /** The raw value, marking the key as understood. */
  raw(key: string): string | undefined {
    if (!this.params.has(key)) return undefined;
    this.used.add(key);
    return this.params.get(key);
  }

  /** Marks a key as understood without reading it (a field that does not apply, e.g. `a.gs` per tensor). */
  ignore(key: string): void {
    if (this.params.has(key)) this.used.add(key);
  }

  /** Records that `key` was ignored: "Link field a.bits=99 ignored: … ; using 8." */
  reject(key: string, value: string, why: string, fallback: string): void {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    this.notices.push(`Link field ${key}=${shown} ignored: ${why}; using ${fallback}.`);
  }

  /** A value from a fixed list. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.reject(key, v, `expected one of ${allowed.join(', ')}`, fallback);
    return fallback;
  }

  /** A number passing `check` (which returns the rule broken, or null). */
  number(key: string, fallback: number, check: (v: number) => string | null): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    const n = v.trim() === '' ? Number.NaN : Number(v);
    const why = Number.isFinite(n) ? check(n) : 'not a finite number';
    if (why === null) return n;
    this.reject(key, v, why, num(fallback));
    return fallback;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    return this.number(key, fallback, (n) =>
      Number.isInteger(n) && n >= min && n <= max ? null : `expected a whole number in ${min}..${max}`,
    );
  }

  /** `1` / `0` (also `true` / `false`); undefined when absent. */
  flag(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
    this.reject(key, v, 'expected 1 or 0', 'the default');
    return undefined;
  }

  /** Keys nobody read (tracking parameters such as utm_* are skipped silently). */
  unknownKeys(): string[] {
    return [...this.params.keys()].filter((k) => !this.used.has(k) && !TRACKING_KEY.test(k));
  }
}

const positive = (n: number) => (n > 0 ? null : 'expected a number > 0');

function decodeGenerator(r: Reader): GeneratorParams {
  const d = DEFAULT_GENERATOR;
  const params: GeneratorParams = {
    distribution: r.oneOf('gen', DISTRIBUTIONS, d.distribution),
    rows: r.int('rows', d.rows, 1, MAX_SIDE),
    cols: r.int('cols', d.cols, 1, MAX_SIDE),
    seed: r.int('seed', d.seed, 0, 0xffffffff),
    scale: r.number('scale', d.scale, (n) => positive(n) ?? float32ValueProblem(n)),
    shift: r.number('shift', d.shift, float32ValueProblem),
    df: r.number('df', d.df, positive),
    outlierCols: r.int('outliers', d.outlierCols, 0, MAX_SIDE),
    outlierFactor: r.number('ofactor', d.outlierFactor, (n) => (n >= 0 ? null : 'expected a number ≥ 0')),
    spikeFraction: r.number('spikes', d.spikeFraction, (n) =>
      n >= 0 && n <= 1 ? null : 'expected a number in [0, 1]',
    ),
  };
  if (params.rows * params.cols > MAX_VALUES) {
    r.notices.push(
      `Link fields rows=${params.rows}, cols=${params.cols} ignored: more than ${MAX_VALUES.toLocaleString('en-US')} values; using ${d.rows} × ${d.cols}.`,
    );
    params.rows = d.rows;
    params.cols = d.cols;
  }
  return params;
}

function hubString(r: Reader, key: string, pattern: RegExp | null, maxLength: number): string | null {
  const v = r.raw(key);
  if (v === undefined) return null;
  const ok =
    v.length > 0 &&
    v.length <= maxLength &&
    !CONTROL.test(v) &&
    !LONE_SURROGATE.test(v) &&
    (pattern === null || pattern.test(v)) &&
    !v.split('/').includes('..');
  if (ok) return v;
  r.reject(
    key,
    v,
    'not a valid Hugging Face name',
    key === 'rev' ? 'the default branch' : 'the generated matrix',
  );
  return null;
}

function decodeData(r: Reader): DataSource {
  const src = r.oneOf('src', ['gen', 'hub'] as const, 'gen');
  if (src === 'hub') {
    const model = hubString(r, 'model', HUB_MODEL, 192);
    // An invalid revision falls back to the default branch (null), field by field like every other key.
    const revision = hubString(r, 'rev', HUB_REVISION, 128);
    // No file: the repository's only weight file (the loader asks when there are several).
    const file = hubString(r, 'file', null, 300);
    const tensor = hubString(r, 'tensor', null, 500);
    if (model !== null && tensor !== null) {
      // The generator keys may be present too (a hand-edited link): they are ignored.
      for (const key of [
        'gen',
        'rows',
        'cols',
        'seed',
        'scale',
        'shift',
        'df',
        'outliers',
        'ofactor',
        'spikes',
      ])
        r.ignore(key);
      return { kind: 'hub', model, revision, file, tensor };
    }
    r.notices.push(
      'The link names a Hugging Face tensor but lacks a valid model or tensor name; showing the generated matrix.',
    );
  }
  return { kind: 'generate', params: decodeGenerator(r) };
}

function decodeGranularity(r: Reader, p: string, fallback: Granularity): Granularity {
  const kind = r.oneOf(`${p}gran`, GRANULARITY_KINDS, fallback.kind);
  if (kind !== 'group') {
    r.ignore(`${p}gs`);
    return { kind };
  }
  const size = r.int(`${p}gs`, fallback.kind === 'group' ? fallback.size : 128, 1, 1 << 24);
  return { kind, size };
}

function decodeRounding(r: Reader, p: string, fallback: Rounding): Rounding {
  const kind = r.oneOf(`${p}round`, ROUNDING_KINDS, fallback.kind);
  if (kind !== 'stochastic') {
    r.ignore(`${p}rseed`);
    return { kind };
  }
  return {
    kind,
    seed: r.int(`${p}rseed`, fallback.kind === 'stochastic' ? fallback.seed : 1, 0, 0xffffffff),
  };
}

function decodeClipping(r: Reader, p: string, fallback: Clipping): Clipping {
  const kind = r.oneOf(`${p}clip`, CLIPPING_KINDS, fallback.kind);
  if (kind !== 'manual') {
    r.ignore(`${p}lo`);
    r.ignore(`${p}hi`);
  }
  if (kind !== 'percentile') r.ignore(`${p}pct`);
  switch (kind) {
    case 'manual': {
      const loRaw = r.raw(`${p}lo`);
      const hiRaw = r.raw(`${p}hi`);
      const lo = loRaw === undefined || loRaw.trim() === '' ? Number.NaN : Number(loRaw);
      const hi = hiRaw === undefined || hiRaw.trim() === '' ? Number.NaN : Number(hiRaw);
      if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) return { kind, lo, hi };
      r.reject(
        `${p}clip`,
        'manual',
        `needs finite ${p}lo < ${p}hi (got ${loRaw} .. ${hiRaw})`,
        'no clipping',
      );
      return { kind: 'none' };
    }
    case 'percentile': {
      const percentile = r.number(`${p}pct`, 99.9, (n) =>
        n > 0 && n <= 100 ? null : 'expected a percentile in (0, 100]',
      );
      return { kind, percentile };
    }
    default:
      return { kind };
  }
}

function decodeInteger(r: Reader, c: Channel): IntegerScheme {
  const p = `${c}.`;
  const d = CHANNEL_DEFAULTS[c];
  const method = r.oneOf(`${p}method`, ['absmax', 'zeroPoint'] as const, d.method);
  const scheme: IntegerScheme = {
    kind: 'integer',
    method,
    bits: r.number(`${p}bits`, d.bits, (n) =>
      Number.isInteger(n) && ((n >= 2 && n <= 8) || n === 16)
        ? null
        : 'expected a whole number in 2..8 or 16',
    ),
    granularity: decodeGranularity(r, p, d.granularity),
    rounding: decodeRounding(r, p, d.rounding),
    clipping: decodeClipping(r, p, d.clipping),
  };
  // SEMANTICS.md: fullRange is absmax-only and includeZero zero-point-only; the other one does not apply.
  const full = r.flag(`${p}full`);
  const zero = r.flag(`${p}zero`);
  if (method === 'absmax' && full !== undefined) scheme.fullRange = full;
  if (method === 'zeroPoint' && zero !== undefined) scheme.includeZero = zero;
  // absent = today's default (FP16 scale, b-bit zero point), so older links decode as before
  if (r.has(`${p}sstore`)) scheme.scaleStorage = r.oneOf(`${p}sstore`, SCALE_STORAGES, 'fp16');
  if (r.has(`${p}zstore`)) {
    const zstore = r.oneOf(`${p}zstore`, ZERO_POINT_STORAGES, 'int');
    if (method === 'zeroPoint') scheme.zeroPointStorage = zstore;
  }
  return scheme;
}

function decodeScheme(r: Reader, c: Channel): Scheme {
  const p = `${c}.`;
  const kind = r.oneOf(`${p}kind`, SCHEME_KINDS, 'integer');
  let scheme: Scheme;
  switch (kind) {
    case 'integer':
      scheme = decodeInteger(r, c);
      break;
    case 'float':
      scheme = {
        kind,
        format: r.oneOf<FloatFormatId>(`${p}fmt`, FLOAT_FORMAT_IDS, DEFAULT_FLOAT.format),
        scaling: r.oneOf(`${p}scaling`, FLOAT_SCALINGS, DEFAULT_FLOAT.scaling),
        groupSize: r.int(`${p}gs`, DEFAULT_FLOAT.groupSize, 1, 1 << 24),
        saturate: r.flag(`${p}sat`) ?? DEFAULT_FLOAT.saturate,
      };
      break;
    case 'block': {
      const block: BlockScheme = {
        kind,
        format: r.oneOf<BlockFormatId>(`${p}fmt`, BLOCK_FORMAT_IDS, DEFAULT_BLOCK.format),
      };
      const dq = r.flag(`${p}dq`);
      const up = r.flag(`${p}up`);
      if (dq !== undefined) block.doubleQuant = dq;
      if (up !== undefined) block.roundScaleUp = up;
      scheme = block;
      break;
    }
    case 'kmeans':
      scheme = {
        kind,
        bits: r.int(`${p}bits`, DEFAULT_KMEANS.bits, 1, 8),
        granularity: { kind: r.oneOf(`${p}gran`, ['tensor', 'row'] as const, DEFAULT_KMEANS.granularity) },
        maxIterations: r.int(`${p}iter`, DEFAULT_KMEANS.maxIterations, 1, 1000),
      };
      break;
    default:
      scheme = { kind };
  }
  return checkScheme(r, c, scheme);
}

/**
 * A last check by the engine's own validator (cross-field rules such as "KL clipping is per tensor"), so a scheme
 * that passes here is one the worker accepts. The field the engine names falls back to its default.
 */
function checkScheme(r: Reader, c: Channel, scheme: Scheme): Scheme {
  const d = CHANNEL_DEFAULTS[c];
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      validateScheme(scheme);
      return scheme;
    } catch (error) {
      const field = (error as { field?: unknown }).field;
      const why = error instanceof Error ? error.message : String(error);
      const fallback =
        scheme.kind !== 'integer'
          ? null
          : typeof field === 'string' && field.startsWith('clipping')
            ? { ...scheme, clipping: d.clipping }
            : typeof field === 'string' && field.startsWith('granularity')
              ? { ...scheme, granularity: d.granularity }
              : typeof field === 'string' && field.startsWith('rounding')
                ? { ...scheme, rounding: d.rounding }
                : null;
      if (fallback === null) {
        r.notices.push(
          `Scheme ${c.toUpperCase()} in the link is not valid (${why}); using the default scheme.`,
        );
        return d;
      }
      r.notices.push(
        `Scheme ${c.toUpperCase()} in the link is not valid (${why}); its ${String(field).split('.')[0]} falls back to the default.`,
      );
      scheme = fallback;
    }
  }
  return d;
}

function decodeView(r: Reader): ShareableView {
  const d = DEFAULT_VIEW_STATE;
  const choice = r.oneOf('view', ['compare', 'a', 'b'] as const, 'compare');
  let range: [number, number] | null = null;
  const rawRange = r.raw('range');
  if (rawRange !== undefined) {
    const parts = rawRange.split(',');
    const [lo, hi] = parts.map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
    const float32 = (n: number) => float32ValueProblem(n) === null;
    if (parts.length === 2 && float32(lo) && float32(hi) && hi > lo) range = [lo, hi];
    // No range is the default zoom: a new matrix opens on its central mean ± 4σ (state/useDefaultZoom.ts).
    else
      r.reject(
        'range',
        rawRange,
        'expected two finite numbers lo,hi with lo < hi',
        'the default zoom (mean ± 4σ)',
      );
  }
  return {
    layout: choice === 'compare' ? 'compare' : 'single',
    singleChannel: choice === 'b' ? 'b' : 'a',
    yScale: r.oneOf('y', ['linear', 'log'] as const, d.yScale),
    range,
    bins: r.int('bins', d.bins, 8, 1024),
    group: { a: r.int('a.group', 0, 0, 1 << 30), b: r.int('b.group', 0, 0, 1 << 30) },
    tab: r.oneOf('tab', WORKSPACE_TAB_IDS, d.tab),
  };
}

/** The LLM.int8() view's parameters, with core/llmInt8View.ts validateLlmInt8Params' ranges. */
function decodeLlmInt8(r: Reader): LlmInt8Params {
  const d = DEFAULT_SHAREABLE_STATE.llmInt8;
  return {
    tokens: r.int('llm.tokens', d.tokens, 1, 4096),
    // The upper bound is the matrix's column count, unknown here; the view says so if it is exceeded.
    outlierFeatures: r.int('llm.outliers', d.outlierFeatures, 0, 8192),
    outlierMagnitude: r.number('llm.mag', d.outlierMagnitude, (n) =>
      n > 0 && n <= 1e4 ? null : 'expected a number in (0, 10000]',
    ),
    threshold: r.number('llm.thr', d.threshold, positive),
    seed: r.int('llm.seed', d.seed, 0, 0xffffffff),
  };
}

function decodeLesson(r: Reader, options: DecodeOptions): LessonPosition | null {
  const id = r.raw('lesson');
  const stepRaw = r.raw('step');
  if (id === undefined) {
    if (stepRaw !== undefined) r.reject('step', stepRaw, 'no lesson named', 'no lesson');
    return null;
  }
  const steps = LESSON_ID.test(id) ? (options.lessonSteps ? options.lessonSteps(id) : 1 << 16) : undefined;
  if (steps === undefined) {
    r.reject('lesson', id, 'no lesson has this id', 'no lesson');
    return null;
  }
  let step = 0;
  if (stepRaw !== undefined) {
    const n = Number(stepRaw);
    if (Number.isInteger(n) && n >= 1 && n <= steps) step = n - 1;
    else r.reject('step', stepRaw, `expected a step number in 1..${steps}`, 'step 1');
  }
  return { id, step };
}

function decodeWorked(r: Reader): number[] | null {
  const raw = r.raw('wx');
  if (raw === undefined) return null;
  const values = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (values.length >= 1 && values.length <= MAX_WORKED_LENGTH && values.every(Number.isFinite))
    return values;
  r.reject(
    'wx',
    raw,
    `expected 1 to ${MAX_WORKED_LENGTH} comma-separated finite numbers`,
    'the default vector',
  );
  return null;
}

function decodeEmbed(r: Reader): EmbedOptions | null {
  const on = r.flag('embed');
  const chartsRaw = r.raw('charts');
  if (!on) return null;
  if (chartsRaw === undefined || chartsRaw.trim() === '') return { charts: [...DEFAULT_EMBED_CHARTS] };
  const charts: EmbedChart[] = [];
  const unknown: string[] = [];
  for (const part of chartsRaw.split(',')) {
    const id = part.trim();
    if ((EMBED_CHARTS as readonly string[]).includes(id)) {
      if (!charts.includes(id as EmbedChart)) charts.push(id as EmbedChart);
    } else if (id !== '') unknown.push(id);
  }
  if (unknown.length > 0) {
    r.notices.push(
      `Link field charts: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a chart' : 'are not charts'} (known: ${EMBED_CHARTS.join(', ')}); left out.`,
    );
  }
  return { charts: charts.length > 0 ? charts : [...DEFAULT_EMBED_CHARTS] };
}

/** Splits a query string into its first value per key (a repeated key keeps the first, with a notice). */
function parseQuery(search: string): { params: Map<string, string>; repeated: string[] } {
  const params = new Map<string, string>();
  const repeated: string[] = [];
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const [key, value] of new URLSearchParams(text)) {
    if (params.has(key)) {
      if (!repeated.includes(key)) repeated.push(key);
    } else params.set(key, value);
  }
  return { params, repeated };
}

function decodeUnsafe(search: string, options: DecodeOptions): DecodedUrl {
  const { params, repeated } = parseQuery(search);
  const r = new Reader(params);
  for (const key of repeated)
    r.notices.push(`Link field ${key} appears more than once; the first value is used.`);
  const version = r.raw('v');
  if (version !== undefined && version !== String(URL_VERSION)) {
    r.notices.push(
      `This link has version v=${version.slice(0, 12)}; this explorer reads v=${URL_VERSION}, so some fields may be ignored.`,
    );
  }
  const state: ShareableState = {
    data: decodeData(r),
    schemes: { a: decodeScheme(r, 'a'), b: decodeScheme(r, 'b') },
    view: decodeView(r),
    lesson: decodeLesson(r, options),
    worked: decodeWorked(r),
    llmInt8: decodeLlmInt8(r),
    lab: decodeLabParams(r),
    lm: decodeLmParams(r),
  };
  const themeRaw = r.raw('theme');
  let theme: ThemePreference | null = null;
  const inheritTheme = themeRaw === 'inherit';
  if (themeRaw !== undefined && !inheritTheme) {
    const allowed = ['system', 'light', 'dark'] as const;
    if ((allowed as readonly string[]).includes(themeRaw)) theme = themeRaw as ThemePreference;
    else r.reject('theme', themeRaw, `expected one of ${allowed.join(', ')}, inherit`, 'your own theme');
  }
  const bgRaw = r.raw('bg');
  const transparent = bgRaw === 'transparent';
  if (bgRaw !== undefined && !transparent)
    r.reject('bg', bgRaw, 'expected transparent', "the page's own background");
  const embed = decodeEmbed(r);
  const unknown = r.unknownKeys();
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((k) => (k.length > 24 ? `${k.slice(0, 24)}…` : k));
    r.notices.push(
      `Link field${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${unknown.length > 5 ? ', …' : ''} not recognised; ignored.`,
    );
  }
  return { state, embed, theme, frame: { inheritTheme, transparent }, notices: r.notices };
}

/**
 * Reads a query string (with or without `?`) into the state, page options and notices. Never throws: any field
 * that is missing takes its default, any that is invalid takes its default with a notice naming its key.
 * E.g. `?v=1&seed=7&a.bits=99` gives seed 7, scheme A with 8 bits, and one notice about `a.bits`.
 */
export function decodeUrlState(search: string, options: DecodeOptions = {}): DecodedUrl {
  try {
    return decodeUnsafe(typeof search === 'string' ? search : '', options);
  } catch (error) {
    // Defensive: no known input reaches this, but a link must never stop the page from opening.
    return {
      state: DEFAULT_SHAREABLE_STATE,
      embed: null,
      theme: null,
      frame: NO_FRAME_OPTIONS,
      notices: [
        `The link could not be read (${error instanceof Error ? error.message : String(error)}); showing the defaults.`,
      ],
    };
  }
}

/**
 * A scheme from the unprefixed keys of `encodeSchemeParams` (`bits=4&gran=group&gs=128`), missing fields from
 * the channel's default; notices name the unprefixed keys.
 */
export function decodeSchemeParams(text: string, channel: Channel): { scheme: Scheme; notices: string[] } {
  const prefixed = (text.startsWith('?') ? text.slice(1) : text)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => `${channel}.${part}`)
    .join('&');
  const decoded = decodeUrlState(prefixed);
  return {
    scheme: decoded.state.schemes[channel],
    notices: decoded.notices.map((n) => n.replace(`Link field ${channel}.`, 'Field ')),
  };
}

/** Generator parameters from keys such as `gen=normal&rows=64&cols=64&seed=7` (the custom element's `data`). */
export function decodeDataParams(text: string): { data: DataSource; notices: string[] } {
  const decoded = decodeUrlState(text);
  return { data: decoded.state.data, notices: decoded.notices };
}
