/** Parameters of the seeded generators (plain JSON: they live in the URL and are the dataset's recipe). */
export type Distribution = 'normal' | 'uniform' | 'laplace' | 'studentT' | 'bimodal' | 'transformer';

export interface GeneratorParams {
  distribution: Distribution;
  rows: number;
  cols: number;
  /** Unsigned 32-bit seed: the same seed and parameters give the same bytes on every machine. */
  seed: number;
  /** Spread: std for normal / transformer, half-width for uniform, b for Laplace, scale for Student-t, mode std for bimodal. */
  scale: number;
  /** Added to every value (shifted, e.g. all-positive data). */
  shift: number;
  /** Student-t degrees of freedom (> 0). */
  df: number;
  /** Transformer-like: number of outlier input columns, their scale factor, and the fraction of isolated spikes. */
  outlierCols: number;
  outlierFactor: number;
  spikeFraction: number;
}

/** Longest side of a generated matrix, and the most values it has: 8192 x 8192 (256 MiB of float32). */
export const MAX_GENERATED_SIDE = 8192;
export const MAX_GENERATED_VALUES = MAX_GENERATED_SIDE * MAX_GENERATED_SIDE;
/** Seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

export const DEFAULT_GENERATOR: GeneratorParams = {
  distribution: 'transformer',
  rows: 256,
  cols: 256,
  seed: 42,
  scale: 0.02,
  shift: 0,
  df: 3,
  outlierCols: 4,
  outlierFactor: 20,
  spikeFraction: 0.0005,
};

/** Shape and moments of a tensor, for the data panel. NaN/Inf are counted and left out of the moments. */
export interface TensorSummary {
  rows: number;
  cols: number;
  count: number;
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  absmax: number;
}
