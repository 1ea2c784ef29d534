/**
 * Parsing untrusted input (URL fields, lesson files, worker messages) into a Scheme or ViewParams.
 * The first bad field is named in an EngineError, e.g. `bits must be an integer in 2..8 or 16 (got 1)`.
 */
import { EngineError } from './engineError';
import { FLOAT32_MAX, float32ValueProblem } from './float32Limits';
import { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS } from './formats/formatIds';
import {
  type Clipping,
  type Granularity,
  type Rounding,
  SCALE_STORAGES,
  type Scheme,
  ZERO_POINT_STORAGES,
} from './scheme';
import type { ViewParams } from './view';

// The format ids live beside the format registry; re-exported here, where untrusted input is checked against them.
export { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, message: string): never {
  throw new EngineError(field, message);
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  return fail(field, `${field} must be one of ${allowed.join(', ')} (got ${show(v)})`);
}

function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  return fail(field, `${field} must be an integer in ${min}..${max} (got ${show(v)})`);
}

function finite(field: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return fail(field, `${field} must be a finite number (got ${show(v)})`);
}

export { FLOAT32_MAX, float32ValueProblem };

/**
 * The limits and choices a scheme's fields must keep: `validateScheme` checks them, and the URL codec's field tables
 * (state/url/) read them from here rather than restating them.
 */
export const SCHEME_KINDS = ['integer', 'float', 'block', 'kmeans', 'binary', 'ternary'] as const;
export const INTEGER_METHODS = ['absmax', 'zeroPoint'] as const;
export const GRANULARITY_KINDS = ['tensor', 'row', 'column', 'group'] as const;
export const ROUNDING_KINDS = ['halfEven', 'halfAway', 'floor', 'stochastic'] as const;
export const CLIPPING_KINDS = ['none', 'manual', 'percentile', 'mseOptimal', 'kl', 'octav'] as const;
export const FLOAT_SCALINGS = ['none', 'tensor', 'row', 'group'] as const;
export const KMEANS_GRANULARITIES = ['tensor', 'row'] as const;
/** Inclusive integer ranges; `also` is one more value allowed outside the range (16-bit integers). */
export const SCHEME_LIMITS = {
  integerBits: { min: 2, max: 8, also: 16 },
  /** A float scheme's group; a link's integer group size keeps the same bound. */
  groupSize: { min: 1, max: 1 << 24 },
  seed: { min: 0, max: 0xffffffff },
  kmeansBits: { min: 1, max: 8 },
  kmeansIterations: { min: 1, max: 1000 },
} as const;

/** Whether a clipping percentile is valid: in (0, 100]. */
export function isClippingPercentile(p: number): boolean {
  return p > 0 && p <= 100;
}

function float32(field: string, v: unknown): number {
  const n = finite(field, v);
  const problem = float32ValueProblem(n);
  if (problem) fail(field, `${field} ${problem} (got ${show(v)})`);
  return n;
}

function bool(field: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  return fail(field, `${field} must be true or false (got ${show(v)})`);
}

export function validateGranularity(v: unknown, field = 'granularity'): Granularity {
  if (!isObj(v)) return fail(field, `${field} must be an object with a kind`);
  const kind = oneOf(`${field}.kind`, v.kind, GRANULARITY_KINDS);
  if (kind === 'group') {
    const size = v.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      return fail(`${field}.size`, `group size must be an integer >= 1 (got ${show(size)})`);
    }
    return { kind, size };
  }
  return { kind };
}

function validateRounding(v: unknown): Rounding {
  if (!isObj(v)) return fail('rounding', 'rounding must be an object with a kind');
  const kind = oneOf('rounding.kind', v.kind, ROUNDING_KINDS);
  const { min, max } = SCHEME_LIMITS.seed;
  if (kind === 'stochastic') return { kind, seed: int('rounding.seed', v.seed, min, max) };
  return { kind };
}

function validateClipping(v: unknown): Clipping {
  if (!isObj(v)) return fail('clipping', 'clipping must be an object with a kind');
  const kind = oneOf('clipping.kind', v.kind, CLIPPING_KINDS);
  switch (kind) {
    case 'manual': {
      const lo = float32('clipping.lo', v.lo);
      const hi = float32('clipping.hi', v.hi);
      if (!(hi > lo)) fail('clipping.hi', `the manual range needs lo < hi (got ${lo} .. ${hi})`);
      return { kind, lo, hi };
    }
    case 'percentile': {
      const p = v.percentile;
      if (typeof p !== 'number' || !isClippingPercentile(p)) {
        return fail('clipping.percentile', `percentile must be in (0, 100] (got ${show(p)})`);
      }
      return { kind, percentile: p };
    }
    default:
      return { kind };
  }
}

/** Checks every field of an untrusted scheme and returns a clean copy (unknown extra fields are dropped). */
export function validateScheme(input: unknown): Scheme {
  if (!isObj(input)) return fail('scheme', 'a scheme must be an object');
  const kind = oneOf('kind', input.kind, SCHEME_KINDS);
  switch (kind) {
    case 'integer': {
      const method = oneOf('method', input.method, INTEGER_METHODS);
      const bits = input.bits;
      const { min, max, also } = SCHEME_LIMITS.integerBits;
      if (
        typeof bits !== 'number' ||
        !Number.isInteger(bits) ||
        !((bits >= min && bits <= max) || bits === also)
      ) {
        return fail('bits', `bits must be an integer in 2..8 or 16 (got ${show(bits)})`);
      }
      const scheme: Scheme = {
        kind,
        method,
        bits,
        granularity: validateGranularity(input.granularity),
        rounding: validateRounding(input.rounding),
        clipping: validateClipping(input.clipping),
      };
      // TensorRT's entropy calibration builds a 2048-bin histogram and tries ~2000 thresholds: once per tensor it is
      // a fraction of a second, once per row or group it would be minutes. It calibrates per tensor, so do we.
      if (scheme.clipping.kind === 'kl' && scheme.granularity.kind !== 'tensor') {
        fail(
          'clipping.kind',
          'KL (entropy) calibration works per tensor, as TensorRT calibrates: choose per-tensor granularity',
        );
      }
      if (input.fullRange !== undefined) scheme.fullRange = bool('fullRange', input.fullRange, false);
      if (input.includeZero !== undefined) scheme.includeZero = bool('includeZero', input.includeZero, false);
      if (input.scaleStorage !== undefined)
        scheme.scaleStorage = oneOf('scaleStorage', input.scaleStorage, SCALE_STORAGES);
      // a zero point's storage means nothing to absmax (it has none): dropped there, as unknown fields are
      if (input.zeroPointStorage !== undefined && method === 'zeroPoint')
        scheme.zeroPointStorage = oneOf('zeroPointStorage', input.zeroPointStorage, ZERO_POINT_STORAGES);
      return scheme;
    }
    case 'float':
      return {
        kind,
        format: oneOf('format', input.format, FLOAT_FORMAT_IDS),
        scaling: oneOf('scaling', input.scaling, FLOAT_SCALINGS),
        groupSize: int(
          'groupSize',
          input.groupSize ?? 32,
          SCHEME_LIMITS.groupSize.min,
          SCHEME_LIMITS.groupSize.max,
        ),
        saturate: bool('saturate', input.saturate, true),
      };
    case 'block': {
      const scheme: Scheme = { kind, format: oneOf('format', input.format, BLOCK_FORMAT_IDS) };
      if (input.doubleQuant !== undefined) scheme.doubleQuant = bool('doubleQuant', input.doubleQuant, false);
      if (input.roundScaleUp !== undefined)
        scheme.roundScaleUp = bool('roundScaleUp', input.roundScaleUp, false);
      return scheme;
    }
    case 'kmeans': {
      const g = validateGranularity(input.granularity ?? { kind: 'tensor' });
      if (g.kind !== 'tensor' && g.kind !== 'row')
        fail('granularity.kind', 'k-means works per tensor or per row');
      const { kmeansBits, kmeansIterations } = SCHEME_LIMITS;
      return {
        kind,
        bits: int('bits', input.bits, kmeansBits.min, kmeansBits.max),
        granularity: g.kind === 'row' ? { kind: 'row' } : { kind: 'tensor' },
        maxIterations: int(
          'maxIterations',
          input.maxIterations ?? 50,
          kmeansIterations.min,
          kmeansIterations.max,
        ),
      };
    }
    case 'binary':
    case 'ternary':
      return { kind };
  }
}

/** Largest histogram bin count the engine accepts. */
export const MAX_BINS = 1024;

export function validateView(input: unknown): ViewParams {
  if (!isObj(input)) return fail('view', 'view parameters must be an object');
  const bins = int('bins', input.bins, 1, MAX_BINS);
  let range: [number, number] | null = null;
  if (input.range !== null && input.range !== undefined) {
    const r = input.range;
    if (!Array.isArray(r) || r.length !== 2) return fail('range', 'range must be [lo, hi] or null');
    const lo = float32('range', r[0]);
    const hi = float32('range', r[1]);
    if (!(hi > lo)) fail('range', `range needs lo < hi (got ${lo} .. ${hi})`);
    range = [lo, hi];
  }
  return {
    bins,
    range,
    errorBins: int('errorBins', input.errorBins, 1, MAX_BINS),
    group: int('group', input.group ?? 0, 0, Number.MAX_SAFE_INTEGER),
    heatmapMaxCells: int('heatmapMaxCells', input.heatmapMaxCells ?? 128, 1, 1024),
  };
}
