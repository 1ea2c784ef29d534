/**
 * Histogram bin edges and binning that reproduce `np.histogram(x_float32, bins=n, range=(lo, hi))`:
 * edges are `np.linspace(lo, hi, n + 1)` computed in float64 and stored as float32 (NumPy 2 keeps the
 * array's float32 dtype for the edges), and a value's bin is decided against those edges, bin i being
 * [edges[i], edges[i+1]) and the last bin closed (numpy/lib/_histograms_impl.py, `_search_sorted_inclusive` path).
 */

/** Bin edges for `bins` equal bins over [lo, hi]; a zero-width range widens to [lo - 0.5, hi + 0.5] as NumPy does. */
export function createEdges(lo: number, hi: number, bins: number): Float64Array {
  let first = lo;
  let last = hi;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = Math.fround(i * step + first);
  edges[bins] = Math.fround(last); // linspace sets the endpoint exactly
  return edges;
}

/**
 * Precomputed binning for one set of edges: `indexOf(v)` returns the bin of v, or -1 when v is outside
 * [edges[0], edges[bins]]. The first guess `floor((v - lo) * bins / (hi - lo))` can be off by one near an
 * edge, so it is corrected against the stored edges, as NumPy does.
 */
export interface Binner {
  readonly edges: Float64Array;
  readonly bins: number;
  readonly lo: number;
  readonly hi: number;
  readonly scale: number;
}

export function createBinner(edges: Float64Array): Binner {
  const bins = edges.length - 1;
  const lo = edges[0];
  const hi = edges[bins];
  return { edges, bins, lo, hi, scale: bins / (hi - lo) };
}

/** Bin of `v` under `binner`, or -1 when outside the range (or NaN). */
export function binOf(binner: Binner, v: number): number {
  if (!(v >= binner.lo && v <= binner.hi)) return -1;
  const { edges, bins } = binner;
  let b = Math.floor((v - binner.lo) * binner.scale);
  if (b >= bins) b = bins - 1;
  while (b > 0 && v < edges[b]) b--;
  while (b < bins - 1 && v >= edges[b + 1]) b++;
  return b;
}

/** Counts `values` into `out` (length bins) and returns how many fell outside the edges. NaN counts as outside. */
export function histogramInto(values: Float32Array, binner: Binner, out: Uint32Array): number {
  out.fill(0);
  const { edges, bins, lo, hi, scale } = binner;
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) {
      outside++;
      continue;
    }
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    if (b > 0 && v < edges[b]) b--;
    else if (b < bins - 1 && v >= edges[b + 1]) b++;
    out[b]++;
  }
  return outside;
}
