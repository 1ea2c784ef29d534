/**
 * Scheme: a plain JSON-serialisable description of one quantization recipe. It lives in the URL,
 * crosses the worker boundary and is a react-query key, so it holds no functions and no typed arrays.
 * Definitions and sources: shared guide SEMANTICS.md; the README's "Engine" section documents the shape.
 */
import type { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS } from './formats/formatIds';

/** How values are grouped so that each group gets its own scale (and zero point). */
export type Granularity =
  | { kind: 'tensor' }
  | { kind: 'row' }
  | { kind: 'column' }
  /** `size` consecutive values along a row; the last group of a row may be shorter. */
  | { kind: 'group'; size: number };

/** Rounding of the scaled value to an integer code. `stochastic` draws from a seeded generator. */
export type Rounding =
  | { kind: 'halfEven' }
  | { kind: 'halfAway' }
  | { kind: 'floor' }
  | { kind: 'stochastic'; seed: number };

/**
 * How the clipping range is chosen before quantizing, per group.
 * `manual`: for absmax the threshold is alpha = max(|lo|, |hi|) (a symmetric range); for zero-point [lo, hi].
 * `percentile` in (0, 100]: of |x| for absmax; the p-th and (100-p)-th of x for zero-point.
 */
export type Clipping =
  | { kind: 'none' }
  | { kind: 'manual'; lo: number; hi: number }
  | { kind: 'percentile'; percentile: number }
  | { kind: 'mseOptimal' }
  | { kind: 'kl' }
  | { kind: 'octav' };

export type IntegerMethod = 'absmax' | 'zeroPoint';

/** Uniform integer quantization: absmax (symmetric, restricted range) or zero-point (asymmetric). */
export interface IntegerScheme {
  kind: 'integer';
  method: IntegerMethod;
  /** 2..8 or 16. */
  bits: number;
  granularity: Granularity;
  rounding: Rounding;
  clipping: Clipping;
  /** Absmax only: clamp to [-2^(b-1), qmax] instead of the restricted [-qmax, qmax]. Default false. */
  fullRange?: boolean;
  /** Zero-point only: widen [lo, hi] to contain 0 (as PyTorch observers do). Default false. */
  includeZero?: boolean;
  /**
   * How each group's scale is stored, for bits per weight and the storage line: 'fp16' (default, as GPTQ / AWQ
   * exports keep it) or 'fp32'. The engine computes the step in float32 either way.
   */
  scaleStorage?: ScaleStorage;
  /**
   * Zero-point only: the zero point stored as a b-bit integer ('int', default, GPTQ's packed qzeros) or as FP16
   * ('fp16', as HQQ and some GPTQ exports keep it; the engine's integer zero point is exact in FP16).
   */
  zeroPointStorage?: ZeroPointStorage;
}

export type ScaleStorage = 'fp16' | 'fp32';
export type ZeroPointStorage = 'int' | 'fp16';
export const SCALE_STORAGES: readonly ScaleStorage[] = ['fp16', 'fp32'];
export const ZERO_POINT_STORAGES: readonly ZeroPointStorage[] = ['int', 'fp16'];

/** Bits of the per-group overhead an integer scheme stores: its scale and (zero-point method) its zero point. */
export function integerOverheadBits(scheme: IntegerScheme): { scale: number; zeroPoint: number } {
  const scale = scheme.scaleStorage === 'fp32' ? 32 : 16;
  if (scheme.method !== 'zeroPoint') return { scale, zeroPoint: 0 };
  return { scale, zeroPoint: scheme.zeroPointStorage === 'fp16' ? 16 : scheme.bits };
}

/** Plain words for what an integer scheme stores: "int4 + FP16 scale + FP16 zero point per group of 128". */
export function integerStorageWords(scheme: IntegerScheme, per: string): string {
  const { scale, zeroPoint } = integerOverheadBits(scheme);
  const zp =
    zeroPoint === 0
      ? ''
      : scheme.zeroPointStorage === 'fp16'
        ? ' + FP16 zero point'
        : ` + ${zeroPoint}-bit zero point`;
  return `int${scheme.bits} + FP${scale} scale${zp} per ${per}`;
}

/** Float element formats (OCP OFP8, OCP MX element types, IEEE half, bfloat16): formats/formatIds.ts. */
export type FloatFormatId = (typeof FLOAT_FORMAT_IDS)[number];

/**
 * A float element format, cast raw (`scaling: 'none'`) or scaled so each group's absmax maps to the
 * format's largest finite value (FP32 scale per tensor / row / group).
 */
export interface FloatScheme {
  kind: 'float';
  format: FloatFormatId;
  scaling: 'none' | 'tensor' | 'row' | 'group';
  /** Used when `scaling === 'group'`. */
  groupSize: number;
  /** Saturate values beyond max finite to +-max (default). false follows the plain cast (NaN / Inf). */
  saturate: boolean;
}

/** Block formats with a shared scale per block, each defined by its reference implementation: formats/formatIds.ts. */
export type BlockFormatId = (typeof BLOCK_FORMAT_IDS)[number];

export interface BlockScheme {
  kind: 'block';
  format: BlockFormatId;
  /** NF4 only: quantize the block absmax values again (8-bit, block 256). */
  doubleQuant?: boolean;
  /** MX only: round the shared scale up so no element clips (2^ceil(log2(amax / maxElem))). */
  roundScaleUp?: boolean;
}

/** k-means codebook (Deep Compression): 2^bits centroids, Lloyd iterations, linear initialisation. */
export interface CodebookScheme {
  kind: 'kmeans';
  bits: number;
  granularity: { kind: 'tensor' } | { kind: 'row' };
  maxIterations: number;
}

/** Binary (XNOR-Net, per-row mean |x| scale) or ternary (TWN, threshold 0.7 mean |x|), per row. */
export interface SignScheme {
  kind: 'binary' | 'ternary';
}

export type Scheme = IntegerScheme | FloatScheme | BlockScheme | CodebookScheme | SignScheme;

export const DEFAULT_SCHEME_A: IntegerScheme = {
  kind: 'integer',
  method: 'absmax',
  bits: 8,
  granularity: { kind: 'tensor' },
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
};

export const DEFAULT_SCHEME_B: IntegerScheme = { ...DEFAULT_SCHEME_A, method: 'zeroPoint' };
