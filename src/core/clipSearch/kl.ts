/**
 * KL-divergence (entropy) calibration of a symmetric clipping threshold, as NVIDIA TensorRT's
 * `tools/pytorch-quantization/pytorch_quantization/calib/histogram.py` does (`HistogramCalibrator.collect`
 * with torch_hist=True, then `_compute_amax_entropy`; the same code lives on in TensorRT-Model-Optimizer
 * `modelopt/torch/quantization/calib/histogram.py`). Pure ES2022.
 *
 * 1. Histogram of |x| over [0, amax] in 2048 bins, binned as `torch.histc` does on float32:
 *    bin = trunc(fround(|x| * 2048) / amax) in float32, the value amax going into the last bin.
 *    Bin edges as `torch.linspace(0, amax, 2049)` in float32.
 * 2. bins[0] = bins[1] (the reference discards the spike of zeros this way).
 * 3. For every candidate i = start .. 2048 (stride 1): the reference distribution is bins[0 .. i) with everything
 *    above folded into bin i - 1; the candidate is bins[0 .. i) merged into 2^(bits-1) chunks (source bin j goes
 *    to chunk floor(j * nbins / i), as `np.digitize(range(i), np.linspace(0, i, nbins + 1)) - 1` computes) and
 *    expanded back, each non-empty source bin receiving its chunk's mean over non-empty bins, empty bins 0.
 *    KL = scipy.stats.entropy(p, q): both normalised, sum of rel_entr(p, q) (x log(x / y), 0 where x = 0,
 *    +Inf where x > 0 = y), summed in NumPy's pairwise order.
 * 4. The threshold is edge i of the candidate with the smallest KL, the last one on ties (the reference takes
 *    argmin over the reversed list); a NaN KL wins as NumPy's argmin lets it.
 * TensorRT starts at bin 128 for int8 (128 = 2^(8-1), the number of target bins); here start = 2^(bits-1) in
 * general (at most 2048).
 */
import { numpySum } from './numpySum';

/** Histogram bins of |x| (TensorRT's default `num_bins`). */
export const KL_BINS = 2048;

export interface AbsHistogram {
  /** Largest finite |x| (0 when there is none). */
  amax: number;
  /** KL_BINS counts. */
  counts: Float64Array;
  /** KL_BINS + 1 float32 edges from 0 to amax. */
  edges: Float32Array;
  /** Finite values counted. */
  total: number;
}

/** `torch.linspace(0, end, steps)` in float32 with ATen's scalar CPU formula (symmetric from both ends). */
function linspaceFloat32(end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const e = Math.fround(end);
  const step = Math.fround(e / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    out[i] = i < halfway ? Math.fround(step * i) : Math.fround(e - Math.fround(step * (steps - 1 - i)));
  return out;
}

/** The 2048-bin histogram of |x| the entropy calibration starts from (non-finite values ignored). */
export function absHistogram(values: Float32Array): AbsHistogram {
  let amax = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a - a !== 0) continue;
    total++;
    if (a > amax) amax = a;
  }
  const counts = new Float64Array(KL_BINS);
  if (amax > 0) {
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (a - a !== 0) continue;
      let pos = Math.trunc(Math.fround(Math.fround(a * KL_BINS) / amax));
      if (pos >= KL_BINS) pos = KL_BINS - 1;
      counts[pos]++;
    }
  } else {
    counts[0] = total;
  }
  return { amax, counts, edges: linspaceFloat32(amax, KL_BINS + 1), total };
}

/** scipy.special.rel_entr. */
function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

export interface KlSearch {
  /** The chosen threshold (a histogram edge), 0 for an all-zero or empty input. */
  threshold: number;
  /** First candidate bin (2^(bits-1), at most 2048). */
  startBin: number;
  /** KL divergence of candidate i = startBin + k at index k (length 2048 - startBin + 1). */
  divergences: Float64Array;
  histogram: AbsHistogram;
}

/**
 * Runs the entropy calibration on a histogram (see the module notes). `bits` >= 2: the candidate distribution has
 * 2^(bits-1) levels, as TensorRT's `nbins = 1 << (num_bits - 1)` for signed quantization.
 */
export function klSearchHistogram(histogram: AbsHistogram, bits: number): KlSearch {
  const nbins = 2 ** (bits - 1);
  const startBin = Math.min(nbins, KL_BINS);
  const count = KL_BINS - startBin + 1;
  const divergences = new Float64Array(count);
  if (!(histogram.amax > 0)) return { threshold: 0, startBin, divergences, histogram };

  const bins = Float64Array.from(histogram.counts);
  bins[0] = bins[1];
  let total = 0;
  for (let j = 0; j < KL_BINS; j++) total += bins[j];
  // Suffix sums: what is folded into the last reference bin for each candidate.
  const above = new Float64Array(KL_BINS + 1);
  for (let j = KL_BINS - 1; j >= 0; j--) above[j] = above[j + 1] + bins[j];

  const chunkSum = new Float64Array(nbins);
  const chunkNonZero = new Int32Array(nbins);
  const chunkOf = new Int32Array(KL_BINS);
  const q = new Float64Array(KL_BINS);
  const vec = new Float64Array(KL_BINS);
  for (let k = 0; k < count; k++) {
    const i = startBin + k;
    chunkSum.fill(0);
    chunkNonZero.fill(0);
    for (let j = 0; j < i; j++) {
      const d = Math.floor((j * nbins) / i);
      chunkOf[j] = d;
      if (bins[j] !== 0) {
        chunkSum[d] += bins[j];
        chunkNonZero[d]++;
      }
    }
    for (let j = 0; j < i; j++) {
      const d = chunkOf[j];
      q[j] = bins[j] !== 0 ? chunkSum[d] / chunkNonZero[d] : 0;
    }
    const sumQ = numpySum(q, i);
    for (let j = 0; j < i; j++) {
      const ref = j === i - 1 ? bins[j] + above[i] : bins[j];
      vec[j] = relEntr((1.0 * ref) / total, q[j] / sumQ);
    }
    divergences[k] = numpySum(vec, i);
  }

  // last_argmin = len - 1 - np.argmin(divergences[::-1]): the last minimum; NaN propagates as in np.argmin.
  let best = count - 1;
  for (let k = count - 1; k >= 0; k--) {
    const v = divergences[k];
    if (Number.isNaN(v)) {
      best = k;
      break;
    }
    if (v < divergences[best]) best = k;
  }
  return { threshold: histogram.edges[startBin + best], startBin, divergences, histogram };
}

/**
 * KL (entropy) clipping threshold alpha for symmetric `bits`-bit quantization of `values`: TensorRT's
 * `_compute_amax_entropy` on the 2048-bin histogram of |x|. Non-finite values are ignored; 0 for an all-zero input.
 * E.g. klThreshold(gaussianSample, 8) is about 3 to 4 standard deviations.
 */
export function klThreshold(values: Float32Array, bits: number): number {
  return klSearchHistogram(absHistogram(values), bits).threshold;
}
