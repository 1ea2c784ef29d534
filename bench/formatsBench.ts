/**
 * Bench rows for the non-integer formats (issue #5): one full recompute (computeQuantView, the same call the
 * worker makes for a panel) per format on the same tensor, median of several calls after a warm-up, with the
 * bits per weight the engine reports; and the sweep's total time (every scheme of defaultSweepSchemes on the
 * tensor, sampled to SWEEP_MAX_VALUES as the worker does). Targets (issue #5): each format at 1024^2 under
 * 16 ms, the sweep at 1024^2 under 2 s.
 */
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_SCHEME_A,
  DEFAULT_VIEW,
  defaultSweepSchemes,
  type FormatScheme,
  labelOf,
  type QuantView,
  runSweep,
  type Scheme,
  type Tensor2D,
  type TensorCache,
  type ViewParams,
} from '../src/core';
import { forgetFormats } from '../src/core/formatMemo';
import { type Helper, setHelpers } from '../src/core/threads/pool';

import { median, timeMedian } from './timing';

export interface FormatRow {
  name: string;
  /** Median and best ms of the repeats. */
  ms: number;
  bestMs: number;
  bitsPerWeight: number;
  /**
   * Median ms of a view change (another zoom and bin count) with the format's quantization kept (formatMemo.ts);
   * null for a cache that keeps nothing.
   */
  viewMs: number | null;
}

/**
 * A full recompute, as when a scheme's own setting changes: what the cache keeps for view changes (formatMemo.ts)
 * is forgotten first (a few field writes), or every call after the first on one scheme would be a kept one.
 */
export function fullRecompute(
  t: Tensor2D,
  scheme: Scheme,
  cache: TensorCache,
  view: ViewParams = DEFAULT_VIEW,
): QuantView {
  forgetFormats(cache.formatMemo);
  return computeQuantView(t, scheme, view, cache);
}

/** A view change as the bench makes it, after each recompute: another zoom range and bin count (a new measuring). */
const ZOOMED_VIEW = { ...DEFAULT_VIEW, bins: 80, range: [-0.05, 0.05] as [number, number] };

/** Every non-integer scheme the sweep tries, plus the raw casts (no scale) of the float formats. */
export function benchFormatSchemes(): FormatScheme[] {
  const sweep = defaultSweepSchemes().filter((s): s is FormatScheme => s.kind !== 'integer');
  const raw: FormatScheme[] = sweep
    .filter((s) => s.kind === 'float')
    .map((s) => ({ ...s, scaling: 'none' as const }));
  return [...sweep, ...raw];
}

/**
 * One row per format: median and best ms of a full recompute of `t` (the cache holds the per-tensor work, as in
 * the app). The schemes are timed in `rounds` passes over the whole list, so a slow spell of this shared VM
 * (seconds long) lands on one pass of a format, not on all of its calls.
 */
export function formatRows(
  t: Tensor2D,
  cache: TensorCache,
  repeats: number,
  schemes: Scheme[] = benchFormatSchemes(),
  rounds = 1,
): FormatRow[] {
  const times = schemes.map(() => [] as number[]);
  const viewTimes = schemes.map(() => [] as number[]);
  const bits = schemes.map(() => 0);
  const keeps = cache.formatMemo !== null;
  for (let round = 0; round < rounds; round++) {
    schemes.forEach((scheme, k) => {
      computeQuantView(t, scheme, DEFAULT_VIEW, cache); // warm-up
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        bits[k] = fullRecompute(t, scheme, cache).metrics.bitsPerWeight;
        times[k].push(performance.now() - t0);
        if (!keeps) continue;
        const t1 = performance.now();
        const zoomed = computeQuantView(t, scheme, ZOOMED_VIEW, cache);
        viewTimes[k].push(performance.now() - t1);
        if (zoomed.reused !== 'quantization')
          throw new Error(`${labelOf(scheme)}: a view change quantized again`);
      }
    });
  }
  return schemes.map((scheme, k) => ({
    name: labelOf(scheme),
    ms: median(times[k]),
    bestMs: Math.min(...times[k]),
    bitsPerWeight: bits[k],
    viewMs: keeps ? median(viewTimes[k]) : null,
  }));
}

/**
 * k-means keeps each tensor's sorted rows in its cache (tensorCache.ts `sortedGroupsOf`), so the rows above time a
 * recompute (a slider moved); this is the first k-means call on a tensor, sort included: median ms over `repeats`
 * fresh caches.
 */
export function kmeansFirstCallMs(t: Tensor2D, repeats: number): number {
  const scheme: Scheme = { kind: 'kmeans', bits: 4, granularity: { kind: 'row' }, maxIterations: 20 };
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cache = createTensorCache(t);
    const t0 = performance.now();
    computeQuantView(t, scheme, DEFAULT_VIEW, cache);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The sweep's total wall time on `t` (median of `repeats` runs after one warm-up run), and its size. */
export function sweepRow(t: Tensor2D, repeats: number): { ms: number; schemes: number; rowsUsed: number } {
  let schemes = 0;
  let rowsUsed = 0;
  const ms = timeMedian(() => {
    const steps = runSweep(t);
    let step = steps.next();
    while (!step.done) step = steps.next();
    schemes = step.value.points.length;
    rowsUsed = step.value.rowsUsed;
  }, repeats);
  return { ms, schemes, rowsUsed };
}

export interface SplitRow {
  name: string;
  /** Median and best ms of a full recompute on this thread alone, and with the helpers. */
  oneMs: number;
  oneBestMs: number;
  splitMs: number;
  splitBestMs: number;
  /** Threads the recomputes with helpers reported (the fewest: a helper may miss a part, which this thread runs). */
  threads: number;
  measuringThreads: number;
}

/** The schemes of the helper-threads table: the two split searches, two formats and an integer scheme. */
export const HELPER_SPLIT_SCHEMES: readonly Scheme[] = [
  { kind: 'block', format: 'q4_k' },
  { kind: 'block', format: 'q6_k' },
  { kind: 'block', format: 'mxfp4' },
  { kind: 'block', format: 'nf4' },
  { ...DEFAULT_SCHEME_A, granularity: { kind: 'row' } },
];

/**
 * Full recomputes with the helper threads registered and without (src/core/threads/kquantJob.ts: the Q4_K / Q6_K
 * searches; src/core/threads/measureJob.ts: the measuring pass of every scheme), alternated call by call so both columns
 * see the same moments of this VM. Leaves the helpers registered.
 */
export function helperSplitRows(
  t: Tensor2D,
  cache: TensorCache,
  repeats: number,
  helpers: readonly Helper[],
): SplitRow[] {
  return HELPER_SPLIT_SCHEMES.map((scheme) => {
    const one: number[] = [];
    const split: number[] = [];
    let threads = Number.POSITIVE_INFINITY;
    let measuringThreads = Number.POSITIVE_INFINITY;
    for (let i = 0; i <= repeats; i++) {
      setHelpers([]);
      let t0 = performance.now();
      fullRecompute(t, scheme, cache);
      if (i > 0) one.push(performance.now() - t0); // the first of each is a warm-up
      setHelpers(helpers);
      t0 = performance.now();
      const view = fullRecompute(t, scheme, cache);
      if (i > 0) split.push(performance.now() - t0);
      threads = Math.min(threads, view.threads);
      measuringThreads = Math.min(measuringThreads, view.measuringThreads);
    }
    return {
      name: labelOf(scheme),
      oneMs: median(one),
      oneBestMs: Math.min(...one),
      splitMs: median(split),
      splitBestMs: Math.min(...split),
      threads,
      measuringThreads,
    };
  });
}
