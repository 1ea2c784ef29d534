/**
 * The whole-model table's rows and its parameter-weighted totals. A row is plain JSON (it crosses the worker
 * boundary one tensor at a time, as a progress message), so the page can show the table while it fills.
 */
import type { SchemeError } from './analyseTensor';
import type { TensorKind } from './tensorKinds';
import type { TensorStats } from './tensorStats';

export interface WholeModelRow {
  /** Position of the tensor in the file's listing (the table's default order). */
  index: number;
  name: string;
  /** Full shape in the file, outermost first. */
  shape: number[];
  /** The dtype as the file names it ('F32', 'BF16', 'Q4_K'). */
  dtype: string;
  /** Values in the tensor (product of the shape). */
  params: number;
  kind: TensorKind;
  layer: number | null;
  /** The ggml type a quantized GGUF tensor was dequantized from (its float values were analysed), else null. */
  dequantizedFrom: string | null;
  /** Set when only evenly spaced rows were analysed (the tensor was over the loader's value limit). */
  sampled: null | { keptRows: number; totalRows: number };
  /** Bytes the tensor occupies in the file. */
  bytes: number;
  stats: TensorStats;
  /** One per scheme of the analysis, in its order. */
  errors: SchemeError[];
  elapsedMs: number;
}

export interface SchemeTotals {
  /** 10·log10(Σx² / Σ(x − x̂)²) over every analysed value of the model (the pooled signal and noise). */
  sqnrDb: number;
  /** Parameter-weighted mean of the tensors' RMSE / std. */
  relRmse: number;
  /** The largest |error| of any tensor. */
  maxAbsError: number;
  /** Parameter-weighted mean bits per weight: the model's size in bits over its parameters. */
  bitsPerWeight: number;
}

export interface ModelTotals {
  tensors: number;
  params: number;
  bytes: number;
  absmax: number;
  /** Parameter-weighted means. */
  std: number;
  kurtosis: number;
  beyond6Sigma: number;
  /** One per scheme. */
  schemes: SchemeTotals[];
}

/** Parameter-weighted totals of `rows` (e.g. the rows a filter kept). Schemes are the analysis's, by index. */
export function modelTotals(rows: readonly WholeModelRow[], schemeCount: number): ModelTotals {
  let params = 0;
  let bytes = 0;
  let absmax = 0;
  let std = 0;
  let kurtosis = 0;
  let beyond = 0;
  let weight = 0; // finite values counted: the weight of the means
  const signal = new Array<number>(schemeCount).fill(0);
  const noise = new Array<number>(schemeCount).fill(0);
  const rel = new Array<number>(schemeCount).fill(0);
  const maxErr = new Array<number>(schemeCount).fill(0);
  const bits = new Array<number>(schemeCount).fill(0);
  for (const row of rows) {
    const n = row.stats.count;
    params += row.params;
    bytes += row.bytes;
    absmax = Math.max(absmax, row.stats.absmax);
    std += n * row.stats.std;
    kurtosis += n * row.stats.kurtosis;
    beyond += n * row.stats.beyond6Sigma;
    weight += n;
    const sumSquares = n * (row.stats.std * row.stats.std + row.stats.mean * row.stats.mean);
    for (let s = 0; s < schemeCount; s++) {
      const e = row.errors[s];
      if (!e) continue;
      signal[s] += sumSquares;
      noise[s] += n * e.mse;
      rel[s] += n * e.relRmse;
      maxErr[s] = Math.max(maxErr[s], e.maxAbsError);
      bits[s] += n * e.bitsPerWeight;
    }
  }
  const mean = (x: number) => (weight > 0 ? x / weight : 0);
  return {
    tensors: rows.length,
    params,
    bytes,
    absmax,
    std: mean(std),
    kurtosis: mean(kurtosis),
    beyond6Sigma: mean(beyond),
    schemes: signal.map((sig, s) => ({
      sqnrDb: noise[s] > 0 ? 10 * Math.log10(sig / noise[s]) : Number.POSITIVE_INFINITY,
      relRmse: mean(rel[s]),
      maxAbsError: maxErr[s],
      bitsPerWeight: mean(bits[s]),
    })),
  };
}

/**
 * A name filter from what the user typed: a regular expression when it is one (`layers.1[0-9]`, `attn|mlp`),
 * else a plain substring (an invalid pattern like `h.1[` still filters). Case-insensitive. Empty: keep all.
 */
export function nameFilter(pattern: string): { test(name: string): boolean; invalid: boolean } {
  const text = pattern.trim();
  if (text === '') return { test: () => true, invalid: false };
  try {
    const re = new RegExp(text, 'i');
    return { test: (name) => re.test(name), invalid: false };
  } catch {
    const lower = text.toLowerCase();
    return { test: (name) => name.toLowerCase().includes(lower), invalid: true };
  }
}

/** The error the budget minimises for one tensor and scheme: parameters · (RMSE / σ)² (its share of relative noise). */
export function allocationErrorOf(row: WholeModelRow, scheme: number): number {
  const e = row.errors[scheme];
  if (!e) return Number.POSITIVE_INFINITY;
  return row.stats.count * e.relRmse * e.relRmse;
}
