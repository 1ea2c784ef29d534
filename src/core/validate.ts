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
  const kind = oneOf(`${field}.kind`, v.kind, ['tensor', 'row', 'column', 'group'] as const);
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
  const kind = oneOf('rounding.kind', v.kind, ['halfEven', 'halfAway', 'floor', 'stochastic'] as const);
  if (kind === 'stochastic') return { kind, seed: int('rounding.seed', v.seed, 0, 0xffffffff) };
  return { kind };
}

function validateClipping(v: unknown): Clipping {
  if (!isObj(v)) return fail('clipping', 'clipping must be an object with a kind');
  const kind = oneOf('clipping.kind', v.kind, [
    'none',
    'manual',
    'percentile',
    'mseOptimal',
    'kl',
    'octav',
  ] as const);
  switch (kind) {
    case 'manual': {
      const lo = float32('clipping.lo', v.lo);
      const hi = float32('clipping.hi', v.hi);
      if (!(hi > lo)) fail('clipping.hi', `the manual range needs lo < hi (got ${lo} .. ${hi})`);
      return { kind, lo, hi };
    }
    case 'percentile': {
      const p = v.percentile;
      if (typeof p !== 'number' || !(p > 0 && p <= 100)) {
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
  const kind = oneOf('kind', input.kind, [
    'integer',
    'float',
    'block',
    'kmeans',
    'binary',
    'ternary',
  ] as const);
  switch (kind) {
    case 'integer': {
      const method = oneOf('method', input.method, ['absmax', 'zeroPoint'] as const);
      const bits = input.bits;
      if (typeof bits !== 'number' || !Number.isInteger(bits) || !((bits >= 2 && bits <= 8) || bits === 16)) {
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
        scaling: oneOf('scaling', input.scaling, ['none', 'tensor', 'row', 'group'] as const),
        groupSize: int('groupSize', input.groupSize ?? 32, 1, 1 << 24),
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
      return {
        kind,
        bits: int('bits', input.bits, 1, 8),
        granularity: g.kind === 'row' ? { kind: 'row' } : { kind: 'tensor' },
        maxIterations: int('maxIterations', input.maxIterations ?? 50, 1, 1000),
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
