/**
 * computeQuantView: one scheme on one tensor -> everything the page draws (metrics, histograms, the grid of
 * a chosen group, per-row MSE, the error heatmap). The big arrays stay in the TensorCache; the returned
 * QuantView holds only small arrays that own their buffers, so the worker can transfer them.
 */

import { assertNoFloat32Overflow } from './float32Limits';
import { prepareFormat } from './formatBridge';
import { copyView, forgetOutput } from './formatMemo';
import { ACC, type PassContext, type PassShape, runSegment } from './fusedPass';
import { groupMinMaxInto } from './groupStats';
import { groupCount, groupExtent, groupsPerRow } from './groups';
import { binOf, createBinner, createEdges } from './histogram';
import { dequantizeCode } from './integer';
import { computeIntegerParams, type ParamOptions } from './integerParams';
import { errorMetricsOf } from './pairMetrics';
import { createRng } from './random';
import { ROUND_MAGIC, roundHalfAway, roundHalfEven, roundingCode } from './rounding';
import {
  type Granularity,
  type IntegerScheme,
  integerOverheadBits,
  integerStorageWords,
  type Scheme,
} from './scheme';
import { createTensor, type Tensor2D } from './tensor';
import {
  createTensorCache,
  kernelFor,
  originalHistogram,
  type RowSink,
  selectOutputOf,
  type TensorCache,
} from './tensorCache';
import { measureSplit } from './threads/measureJob';
import { validateScheme, validateView } from './validate';
import type { ClipReport, GroupInfo, Heatmap, Metrics, QuantView, Reuse, ViewParams } from './view';
import { groupMinMaxWasm, runPassWasm } from './wasmPass';

const f = Math.fround;

/** What a scheme contributes to the pass, whatever its family. */
export interface Prepared {
  granularity: Granularity;
  groups: number;
  step: Float32Array;
  zero: Float64Array;
  lo: Float32Array;
  hi: Float32Array;
  /** Integer schemes quantize inside the fused pass; other formats have filled codes/dequantized already. */
  integer: { qmin: number; qmax: number; rounding: number; seed: number } | null;
  levelsOf(group: number): Float32Array;
  /** Range of the dequantized values and a bound on |x_hat - x| (for the histogram edges). */
  deqMin: number;
  deqMax: number;
  errBound: number;
  bitsPerWeight: number;
  storage: string;
  levelsTotal: number;
  clipReport: ClipReport | null;
  /** FormatOutput.codeRange (0: not promised; integer schemes count their levels themselves). */
  codeRange: number;
  /** Formats whose values are a function of the code within a group (FormatOutput.valueOfCode); else null. */
  valueOfCode: ((group: number, pattern: number) => number) | null;
  /** FormatOutput.threads (1 for integer schemes). */
  threads: number;
  /** 'quantization': a format's codes and values kept from an earlier call with the same scheme (formatMemo.ts). */
  reused: Reuse;
}

/**
 * Optional clipping searches (KL, OCTAV) supplied by clipSearch/, and `channel`: the scheme panel asking ('a',
 * 'b'), whose own output region keeps its format's quantization for view changes (formatMemo.ts).
 */
export type SearchOptions = Omit<ParamOptions, 'reportGroup'> & { channel?: string };

/**
 * Quantizes `tensor` with `scheme` and measures it for display. `cache` (from createTensorCache) carries the
 * slider-independent work and the reusable buffers between calls on the same tensor.
 */
export function computeQuantView(
  tensor: Tensor2D,
  scheme: Scheme,
  view: ViewParams,
  cache: TensorCache = createTensorCache(tensor, { keepFormats: false }),
  options: SearchOptions = {},
): QuantView {
  return runQuantization(tensor, scheme, view, cache, options).view;
}

/** The full result with the large arrays, for tests, the worked example and exports. */
export interface QuantResult {
  /** Integer codes (signed view) or the format's bit patterns / indices. */
  codes: Int16Array;
  dequantized: Float32Array;
  groupCount: number;
  granularity: Granularity;
  /** Per group: step Delta (or block scale), zero point, clipping range. */
  scale: Float32Array;
  zeroPoint: Float64Array;
  lo: Float32Array;
  hi: Float32Array;
  metrics: Metrics;
  levelsOf(group: number): Float32Array;
  view: QuantView;
}

/**
 * Quantizes into freshly allocated arrays (convenient, not for the hot path: use computeQuantView with a cache).
 * `cache`, where given (createTensorCache over `tensor`, keepFormats false), is used instead: its codes and
 * dequantized values are then the returned arrays, overwritten by the cache's next use (the language model reuses
 * one cache's memory for the same tensor of every block, not a fresh kernel memory per tensor).
 */
export function quantize(
  tensor: Tensor2D,
  scheme: Scheme,
  view: Partial<ViewParams> = {},
  options: SearchOptions = {},
  cache: TensorCache = createTensorCache(tensor, { keepFormats: false }),
): QuantResult {
  const { view: v, prepared } = runQuantization(
    tensor,
    scheme,
    { ...QUANTIZE_VIEW, ...view },
    cache,
    options,
  );
  return {
    codes: cache.codes,
    dequantized: cache.dequantized,
    groupCount: prepared.groups,
    granularity: prepared.granularity,
    scale: prepared.step,
    zeroPoint: prepared.zero,
    lo: prepared.lo,
    hi: prepared.hi,
    metrics: v.metrics,
    levelsOf: prepared.levelsOf,
    view: v,
  };
}

const QUANTIZE_VIEW: ViewParams = { bins: 64, range: null, errorBins: 32, group: 0, heatmapMaxCells: 32 };

/** What `quantizeValues` returns: the dequantized values and each group's clipping range. */
export interface QuantizedValues {
  dequantized: Float32Array;
  granularity: Granularity;
  lo: Float32Array;
  hi: Float32Array;
}

/**
 * The dequantized values of `quantize(tensor, scheme)`, bit for bit, without measuring them for display: the same
 * parameters (computeIntegerParams / prepareFormat) and the same arithmetic, but no metrics, histograms, levels or
 * heatmap. For callers that quantize many small tensors and read only the values: the model lab's accuracy-against-
 * bits sweep and its QAT forward, which quantize every weight matrix at every step.
 *
 * Integer schemes with a deterministic rounding take a lean path (integerValuesInto): the group ranges, the
 * parameters and one loop writing x̂, with no tensor cache (its summary, moments and output buffers), no pass
 * context and no code counts. The other schemes go through the engine's own preparation and pass. `out` (length
 * rows × cols), where given, receives the values and is returned as `dequantized`, so a caller quantizing the same
 * shapes again and again (the sweep) allocates nothing per call.
 */
export function quantizeValues(tensor: Tensor2D, schemeInput: Scheme, out?: Float32Array): QuantizedValues {
  createTensor(tensor.rows, tensor.cols, tensor.data);
  const scheme = validateScheme(schemeInput);
  const { rows, cols } = tensor;
  if (out !== undefined && out.length !== rows * cols)
    throw new RangeError(`out has ${out.length} values, the tensor ${rows * cols}`);
  if (scheme.kind === 'integer' && scheme.rounding.kind !== 'stochastic')
    return integerValuesInto(tensor, scheme, out ?? new Float32Array(rows * cols));
  const cache = createTensorCache(tensor, { keepFormats: false });
  const prepared =
    scheme.kind === 'integer'
      ? prepareInteger(tensor, scheme, cache, { reportGroup: 0 })
      : prepareFormat(tensor, scheme, cache, null);
  if (prepared.integer !== null) {
    const codeSpan = codeSpanOf(prepared);
    cache.codeCounts.fill(0, 0, codeSpan);
    const ctx: PassContext = {
      x: tensor.data,
      codes: cache.codes,
      deq: cache.dequantized,
      step: prepared.step,
      zero: prepared.zero,
      lo: prepared.lo,
      hi: prepared.hi,
      qmin: prepared.integer.qmin,
      qmax: prepared.integer.qmax,
      rounding: prepared.integer.rounding,
      rng: prepared.integer.rounding === 3 ? createRng(prepared.integer.seed) : null,
      codeCounts: cache.codeCounts,
      codeOffset: prepared.integer.qmin,
      deqHist: new Uint32Array(1),
      segCounts: null,
      deqEdges: createEdges(
        Math.min(cache.summary.count > 0 ? cache.summary.min : 0, prepared.deqMin),
        Math.max(cache.summary.count > 0 ? cache.summary.max : 0, prepared.deqMax),
        1,
      ),
      errHist: new Uint32Array(1),
      errEdges: createEdges(-prepared.errBound, prepared.errBound, 1),
      rowSse: new Float64Array(rows),
      heat: new Float64Array(1),
      colsPerCell: cols,
      acc: new Float64Array(8),
    };
    const shape: PassShape = {
      integer: true,
      granularity: prepared.granularity,
      groups: prepared.groups,
      rows,
      cols,
      rowsPerCell: rows,
      gridCols: 1,
      codeRange: prepared.codeRange,
    };
    const kernel = kernelFor(cache, tensor);
    if (kernel === null || runPassWasm(ctx, kernel, shape, measureSplit) === 0) runAllSegments(ctx, shape);
  }
  if (out !== undefined) out.set(cache.dequantized);
  return {
    dequantized: out ?? cache.dequantized,
    granularity: prepared.granularity,
    lo: prepared.lo,
    hi: prepared.hi,
  };
}

// A module-local copy, as in fusedPass.ts: an imported binding can cost a getter call in the hot loop.
const MAGIC: number = ROUND_MAGIC;

/**
 * What an integer scheme with a deterministic rounding quantizes a tensor with (quantizeValues' lean path, which
 * `integerValuesInto` applies): per group Δ (`step`) and z (`zero`), the code range and the rounding (0 half to
 * even, 1 half away from zero, 2 floor). Per value: q = clamp(round(fround(fround(x / Δ) + z))) and
 * x̂ = fround((q − z) · Δ), NaN where x is not finite.
 */
export interface LeanIntegerParams {
  granularity: Granularity;
  step: Float32Array;
  zero: Float64Array;
  qmin: number;
  qmax: number;
  rounding: 0 | 1 | 2;
  lo: Float32Array;
  hi: Float32Array;
}

/**
 * The parameters quantizeValues' lean path quantizes `tensor` with under `scheme`, or null where it takes the
 * engine's pass instead (not an integer scheme, or stochastic rounding). For a caller that applies them elsewhere
 * (the model lab's sweep, in the dense kernel: src/kernels/dense.as.ts quantizeTransposed).
 */
export function leanIntegerParams(tensor: Tensor2D, schemeInput: Scheme): LeanIntegerParams | null {
  createTensor(tensor.rows, tensor.cols, tensor.data);
  const scheme = validateScheme(schemeInput);
  if (scheme.kind !== 'integer' || scheme.rounding.kind === 'stochastic') return null;
  return integerParamsOf(tensor, scheme);
}

/**
 * Each group's finite range (per tensor the TensorCache summary's min and max, 0 when there is none; else
 * groupMinMaxInto), then computeIntegerParams: what the fused pass quantizes with.
 */
function integerParamsOf(t: Tensor2D, scheme: IntegerScheme): LeanIntegerParams {
  const { rows, cols, data } = t;
  const granularity = scheme.granularity;
  const groups = groupCount(granularity, rows, cols);
  const gMin = new Float32Array(groups);
  const gMax = new Float32Array(groups);
  if (granularity.kind === 'tensor') {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let count = 0;
    for (let i = 0; i < data.length; i++) {
      const x = data[i];
      if (x - x !== 0) continue;
      if (x < min) min = x;
      if (x > max) max = x;
      count++;
    }
    gMin[0] = count > 0 ? min : 0;
    gMax[0] = count > 0 ? max : 0;
  } else groupMinMaxInto(data, granularity, rows, cols, gMin, gMax);
  const params = computeIntegerParams(t, scheme, gMin, gMax, { reportGroup: 0 });
  return {
    granularity,
    step: params.step,
    zero: params.zero,
    qmin: params.range.qmin,
    qmax: params.range.qmax,
    rounding: roundingCode(scheme.rounding) as 0 | 1 | 2,
    lo: params.lo,
    hi: params.hi,
  };
}

/**
 * An integer scheme's x̂ into `out`, as the fused pass computes them (fusedPass.ts `quantizeSpan`; the kernel's pass
 * gives the same bits): integerParamsOf's parameters, then per value q = clamp(round(fround(fround(x / Δ) + z))) and
 * x̂ = fround((q − z) · Δ); a non-finite x gives NaN. Deterministic roundings only (0 half-even, 1 half-away, 2 floor):
 * stochastic rounding draws in the pass's order and stays on it.
 */
function integerValuesInto(t: Tensor2D, scheme: IntegerScheme, out: Float32Array): QuantizedValues {
  const { rows, cols, data } = t;
  const { granularity, step, zero, qmin, qmax, rounding, lo, hi } = integerParamsOf(t, scheme);
  const perRow = groupsPerRow(granularity, cols);
  const size = granularity.kind === 'group' ? granularity.size : cols;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < perRow; j++) {
      const c0 = j * size;
      const c1 = Math.min(cols, c0 + size);
      const p0 = granularity.kind === 'tensor' || granularity.kind === 'column' ? 0 : r * perRow + j;
      const perColumn = granularity.kind === 'column';
      let d = step[p0];
      let z = zero[p0];
      for (let c = c0; c < c1; c++) {
        const i = base + c;
        if (perColumn) {
          d = step[c];
          z = zero[c];
        }
        const xi = data[i];
        if (xi - xi !== 0) {
          out[i] = Number.NaN;
          continue;
        }
        const s = f(f(xi / d) + z);
        let q: number;
        if (rounding === 0) q = s + MAGIC - MAGIC;
        else if (rounding === 1) q = s >= 0 ? Math.floor(s + 0.5) : -Math.floor(0.5 - s);
        else q = Math.floor(s);
        if (q < qmin) q = qmin;
        else if (q > qmax) q = qmax;
        out[i] = f((q - z) * d);
      }
    }
  }
  return { dequantized: out, granularity, lo, hi };
}

function runQuantization(
  tensor: Tensor2D,
  schemeInput: Scheme,
  viewInput: ViewParams,
  cache: TensorCache,
  options: SearchOptions,
): { view: QuantView; prepared: Prepared } {
  const started = now();
  createTensor(tensor.rows, tensor.cols, tensor.data); // refuses empty or mis-shaped tensors, naming the field
  const scheme = validateScheme(schemeInput);
  const view = validateView(viewInput);
  const { rows, cols } = tensor;
  const { summary } = cache;
  const output = selectOutputOf(cache, tensor, options.channel ?? '');
  // Only the group shown changed: everything measured is the last call's (the clipping report, if any, is the
  // group's own search result, so that case is computed again).
  const measuredKey = output ? JSON.stringify([scheme, { ...view, group: 0 }]) : '';
  const measured = output?.measured;
  if (measured && measured.key === measuredKey && measured.prepared.clipReport === null) {
    const { prepared } = measured;
    const again: QuantView = copyView(measured.view);
    again.group = groupInfoOf(prepared, rows, cols, view.group);
    again.levels = prepared.levelsOf(again.group.index);
    again.elapsedMs = now() - started;
    again.threads = 1;
    again.measuringThreads = 1;
    again.reused = 'measuring';
    return { view: again, prepared };
  }
  if (cache.rowOutputs && scheme.kind !== 'integer')
    throw new Error(`a cache with one row of outputs measures integer schemes only, not ${scheme.kind}`);
  let prepared: Prepared;
  if (scheme.kind === 'integer') {
    if (output) forgetOutput(output); // the fused pass overwrites the region
    prepared = prepareInteger(tensor, scheme, cache, { ...options, reportGroup: view.group });
  } else prepared = prepareFormat(tensor, scheme, cache, output);

  // Histogram edges: the zoom range, or the union of the data and the dequantized values, so no bar is dropped.
  const hasData = summary.count > 0;
  const lo = view.range ? view.range[0] : hasData ? Math.min(summary.min, prepared.deqMin) : 0;
  const hi = view.range ? view.range[1] : hasData ? Math.max(summary.max, prepared.deqMax) : 0;
  const edges = createEdges(lo, hi, view.bins);
  const errEdges = createEdges(-prepared.errBound, prepared.errBound, view.errorBins);
  const binner = createBinner(edges);

  const grid = heatmapGrid(rows, cols, view.heatmapMaxCells);
  const { rowsPerCell, colsPerCell, gridRows, gridCols } = grid;

  // One group whose values follow from the codes: the dequantized histogram comes from the code counts afterwards.
  const perTensorCoded =
    prepared.groups === 1 && (prepared.integer !== null || prepared.valueOfCode !== null);
  // Only the scheme's own codes are counted (an integer's 2^b levels, a format's promised range), so a small tensor
  // does not pay for clearing and scanning all 65,536 counters on every call.
  const codeSpan = codeSpanOf(prepared);
  cache.codeCounts.fill(0, 0, codeSpan);
  const ctx: PassContext = {
    x: tensor.data,
    codes: cache.codes,
    deq: cache.dequantized,
    step: prepared.step,
    zero: prepared.zero,
    lo: prepared.lo,
    hi: prepared.hi,
    qmin: prepared.integer?.qmin ?? 0,
    qmax: prepared.integer?.qmax ?? 0,
    rounding: prepared.integer?.rounding ?? 0,
    rng: prepared.integer && prepared.integer.rounding === 3 ? createRng(prepared.integer.seed) : null,
    codeCounts: cache.codeCounts,
    codeOffset: prepared.integer?.qmin ?? 0,
    deqHist: perTensorCoded ? null : new Uint32Array(view.bins),
    segCounts: countsPerGroup(prepared, cols)
      ? new Uint32Array(prepared.integer!.qmax - prepared.integer!.qmin + 1)
      : null,
    deqEdges: edges,
    errHist: new Uint32Array(view.errorBins),
    errEdges,
    rowSse: new Float64Array(rows),
    heat: new Float64Array(gridRows * gridCols),
    colsPerCell,
    acc: new Float64Array(8),
  };
  const shape: PassShape = {
    integer: prepared.integer !== null,
    granularity: prepared.granularity,
    groups: prepared.groups,
    rows,
    cols,
    rowsPerCell,
    gridCols,
    codeRange: prepared.codeRange,
    rowOutputs: cache.rowOutputs,
  };
  const kernel = kernelFor(cache, tensor);
  // One row of outputs is one thread's: the pass is not split over helpers (their rows would share it).
  const split = cache.rowOutputs ? null : measureSplit;
  const passThreads = kernel === null ? 0 : runPassWasm(ctx, kernel, shape, split, cache.rowSink);
  if (passThreads === 0) runAllSegments(ctx, shape, cache.rowSink);

  const { counts: deqHist, outside: deqOutside } = ctx.deqHist
    ? { counts: ctx.deqHist, outside: ctx.acc[ACC.deqOutside] }
    : histogramOfCodes(
        cache.codeCounts.subarray(0, codeSpan),
        prepared,
        binner,
        view.bins,
        ctx.acc[ACC.deqOutside],
      );
  let levelsUsed = 0;
  for (let k = 0; k < codeSpan; k++) if (cache.codeCounts[k] !== 0) levelsUsed++;

  const original = originalHistogram(cache, binner);
  const metrics = buildMetrics(
    ctx.acc,
    summary.count,
    cache.sumSquares,
    summary.nonFinite,
    rows * cols,
    prepared,
    levelsUsed,
  );
  const groupInfo = groupInfoOf(prepared, rows, cols, view.group);
  const group = groupInfo.index;
  // Float element and block formats define overflow (±Infinity / NaN past their largest value, as the reference
  // encoders do, kernel and JS alike): shown as such, not refused. The integer, k-means, binary and ternary grids
  // have no such meaning, so a non-finite result there is float32 arithmetic overflowing.
  if (summary.count > 0 && scheme.kind !== 'float' && scheme.kind !== 'block') {
    assertNoFloat32Overflow({
      absmax: Math.max(Math.abs(summary.min), Math.abs(summary.max)),
      mse: metrics.mse,
      maxAbsError: metrics.maxAbsError,
      meanError: metrics.meanError,
      arrays: [edges, errEdges, prepared.levelsOf(group)],
    });
  }
  // Row outputs keep no dequantized tensor to measure a row's, column's or group's error from: no report there.
  const clipReport =
    prepared.clipReport && (prepared.granularity.kind === 'tensor' || !cache.rowOutputs)
      ? {
          ...prepared.clipReport,
          // per tensor the group is the whole tensor, whose MSE the fused pass already measured
          mse:
            prepared.granularity.kind === 'tensor'
              ? metrics.mse
              : groupMse(tensor, cache.dequantized, prepared.granularity, group),
        }
      : null;
  const rowMse = ctx.rowSse;
  for (let r = 0; r < rows; r++) rowMse[r] /= cols;

  const result: QuantView = {
    scheme,
    rows,
    cols,
    metrics,
    histogram: {
      edges,
      original: original.counts.slice(),
      dequantized: deqHist,
      outsideOriginal: original.outside,
      outsideDequantized: deqOutside,
    },
    errorHistogram: { edges: errEdges, counts: ctx.errHist, outside: ctx.acc[ACC.errOutside] },
    groupCount: prepared.groups,
    group: groupInfo,
    levels: prepared.levelsOf(group),
    clip: clipExtremes(prepared),
    clipReport,
    rowMse,
    heatmap: buildHeatmap(ctx.heat, rows, cols, grid),
    elapsedMs: now() - started,
    pass: passThreads > 0 ? 'wasm-simd' : 'js',
    threads: prepared.threads,
    measuringThreads: Math.max(1, passThreads),
    reused: prepared.reused,
  };
  if (output) output.measured = { key: measuredKey, prepared, view: copyView(result) };
  return { view: result, prepared };
}

/**
 * The dequantized histogram of one group where every code has one dequantized value: the code counts (2^b of
 * them) binned, not the n values. `outside` starts from what the pass counted outside the edges.
 */
/**
 * How many code counters a pass can touch: counts are kept at `(code − qmin) & 0xffff` for integer schemes (2^b
 * levels) and at the code itself for formats, whose codes lie in [0, codeRange) where the format promises a range.
 */
function codeSpanOf(prepared: Prepared): number {
  if (prepared.integer) return prepared.integer.qmax - prepared.integer.qmin + 1;
  return prepared.codeRange > 0 ? prepared.codeRange : 1 << 16;
}

function histogramOfCodes(
  codeCounts: Uint32Array,
  prepared: Prepared,
  binner: ReturnType<typeof createBinner>,
  bins: number,
  outside: number,
): { counts: Uint32Array; outside: number } {
  const counts = new Uint32Array(bins);
  const qmin = prepared.integer?.qmin ?? 0;
  const d = prepared.step[0];
  const z = prepared.zero[0];
  const valueOfCode = prepared.valueOfCode;
  for (let k = 0; k < codeCounts.length; k++) {
    const count = codeCounts[k];
    if (count === 0) continue;
    const v = valueOfCode ? valueOfCode(0, k) : dequantizeCode(k + qmin, d, z);
    const b = binOf(binner, v);
    if (b < 0) outside += count;
    else counts[b] += count;
  }
  return { counts, outside };
}

/** The widest clipping range over the groups. */
function clipExtremes(prepared: Prepared): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let g = 0; g < prepared.groups; g++) {
    if (prepared.lo[g] < lo) lo = prepared.lo[g];
    if (prepared.hi[g] > hi) hi = prepared.hi[g];
  }
  return { lo, hi };
}

/** The group `requested` clamped to the scheme's groups: where it lies and its parameters. */
function groupInfoOf(prepared: Prepared, rows: number, cols: number, requested: number): GroupInfo {
  const group = Math.min(requested, prepared.groups - 1);
  return {
    index: group,
    ...groupExtent(prepared.granularity, rows, cols, group),
    scale: prepared.step[group],
    zeroPoint: prepared.zero[group],
    lo: prepared.lo[group],
    hi: prepared.hi[group],
  };
}

/** Per-group code counting pays off when a group has at least as many values as levels (see PassContext.segCounts). */
function countsPerGroup(p: Prepared, cols: number): boolean {
  if (p.integer === null || p.groups === 1 || p.granularity.kind === 'column') return false;
  const levels = p.integer.qmax - p.integer.qmin + 1;
  const groupSize = p.granularity.kind === 'group' ? Math.min(cols, p.granularity.size) : cols;
  return levels <= groupSize;
}

/** `sink` (row outputs only): handed each row's outputs once the row is written (TensorCache.rowSink). */
function runAllSegments(ctx: PassContext, shape: PassShape, sink: RowSink | null = null): void {
  const { integer, granularity, rows, cols, rowsPerCell, gridCols } = shape;
  const perRow = groupsPerRow(granularity, cols);
  const data = ctx.x;
  const sinkParams =
    sink && shape.rowOutputs ? { step: ctx.step, zero: ctx.zero, qmin: ctx.qmin, qmax: ctx.qmax } : null;
  for (let r = 0; r < rows; r++) {
    let base = r * cols;
    if (shape.rowOutputs) {
      // One row of outputs (cols + 1 long): x viewed from the row's start, or one value before an odd start, so
      // the row's codes and values land at the same indices of the outputs and each index keeps its parity (the
      // span's two Σ error² accumulators alternate by index: the same sums as over the whole tensor).
      const lead = base & 1;
      ctx.x = data.subarray(base - lead, base + cols);
      base = lead;
    }
    const heatBase = Math.floor(r / rowsPerCell) * gridCols;
    switch (granularity.kind) {
      case 'tensor':
        runSegment(ctx, integer, r, base, base + cols, 0, 0, false, heatBase);
        break;
      case 'row':
        runSegment(ctx, integer, r, base, base + cols, 0, r, false, heatBase);
        break;
      case 'column':
        runSegment(ctx, integer, r, base, base + cols, 0, 0, true, heatBase);
        break;
      case 'group': {
        const size = granularity.size;
        for (let j = 0; j < perRow; j++) {
          const c0 = j * size;
          const c1 = Math.min(cols, c0 + size);
          runSegment(ctx, integer, r, base + c0, base + c1, c0, r * perRow + j, false, heatBase);
        }
        break;
      }
    }
    if (sink && sinkParams) sink(r, ctx.codes, ctx.deq, base, sinkParams);
  }
  ctx.x = data;
}

function prepareInteger(
  t: Tensor2D,
  scheme: IntegerScheme,
  cache: TensorCache,
  options: ParamOptions,
): Prepared {
  const { rows, cols } = t;
  const granularity = scheme.granularity;
  const groups = groupCount(granularity, rows, cols);
  const gMin = new Float32Array(groups);
  const gMax = new Float32Array(groups);
  if (granularity.kind === 'tensor') {
    gMin[0] = cache.summary.count > 0 ? cache.summary.min : 0;
    gMax[0] = cache.summary.count > 0 ? cache.summary.max : 0;
  } else {
    const kernel = kernelFor(cache, t);
    const onKernel = kernel !== null && groupMinMaxWasm(kernel, granularity, rows, cols, gMin, gMax);
    if (!onKernel) groupMinMaxInto(t.data, granularity, rows, cols, gMin, gMax);
  }
  const params = computeIntegerParams(t, scheme, gMin, gMax, options);
  const { qmin, qmax } = params.range;
  const rounding = roundingCode(scheme.rounding);
  // Where can x_hat land, and how far from x? Quantization is monotone in x, so each group's extremes map to its
  // extreme levels; inside the range the error is at most half a step (a whole step for floor / stochastic), plus
  // float32 rounding of x / Delta and of (q - z) * Delta.
  const roundDown = (t: number) =>
    rounding === 0 ? roundHalfEven(t) : rounding === 1 ? roundHalfAway(t) : Math.floor(t);
  const roundUp = (t: number) => (rounding === 3 ? Math.ceil(t) : roundDown(t));
  const clampQ = (q: number) => (q < qmin ? qmin : q > qmax ? qmax : q);
  let deqMin = Number.POSITIVE_INFINITY;
  let deqMax = Number.NEGATIVE_INFINITY;
  let errBound = 0;
  const interior = rounding <= 1 ? 0.5 : 1;
  for (let g = 0; g < groups; g++) {
    const d = params.step[g];
    const z = params.zero[g];
    const vLo = dequantizeCode(clampQ(roundDown(f(f(gMin[g] / d) + z))), d, z);
    const vHi = dequantizeCode(clampQ(roundUp(f(f(gMax[g] / d) + z))), d, z);
    if (vLo < deqMin) deqMin = vLo;
    if (vHi > deqMax) deqMax = vHi;
    const slack = (Math.abs(gMin[g]) + Math.abs(gMax[g]) + Math.abs(vLo) + Math.abs(vHi)) * 2 ** -22;
    const bound =
      Math.max(Math.abs(vLo - gMin[g]), Math.abs(vHi - gMax[g]), d * (interior + qmax * 2 ** -22)) + slack;
    if (bound > errBound) errBound = bound;
  }
  const overhead = integerOverheadBits(scheme);
  const overheadBits = overhead.scale + overhead.zeroPoint;
  const n = rows * cols;
  return {
    granularity,
    groups,
    step: params.step,
    zero: params.zero,
    lo: params.lo,
    hi: params.hi,
    integer: { qmin, qmax, rounding, seed: scheme.rounding.kind === 'stochastic' ? scheme.rounding.seed : 0 },
    levelsOf(g: number) {
      const levels = new Float32Array(qmax - qmin + 1);
      for (let q = qmin; q <= qmax; q++) levels[q - qmin] = dequantizeCode(q, params.step[g], params.zero[g]);
      return levels;
    },
    deqMin,
    deqMax,
    errBound,
    bitsPerWeight: scheme.bits + (groups * overheadBits) / n,
    storage: integerStorageWords(scheme, describeGroup(granularity)),
    levelsTotal: 2 ** scheme.bits - (qmin === -qmax ? 1 : 0),
    clipReport: params.clipReport,
    codeRange: 0,
    valueOfCode: null,
    threads: 1,
    reused: 'none',
  };
}

export function describeGroup(g: Granularity): string {
  switch (g.kind) {
    case 'tensor':
      return 'tensor';
    case 'row':
      return 'row';
    case 'column':
      return 'column';
    case 'group':
      return `group of ${g.size}`;
  }
}

function buildMetrics(
  acc: Float64Array,
  count: number,
  sumSquares: number,
  nonFinite: number,
  n: number,
  p: Prepared,
  levelsUsed: number,
): Metrics {
  return {
    ...errorMetricsOf(acc, count, sumSquares, nonFinite),
    levelsUsed,
    levelsTotal: p.levelsTotal,
    bitsPerWeight: p.bitsPerWeight,
    storage: p.storage,
    originalBytes: n * 4,
    quantizedBytes: Math.ceil((n * p.bitsPerWeight) / 8),
  };
}

/** Heatmap cells: how many rows and columns each covers, and how many there are down and across. */
interface HeatmapGrid {
  rowsPerCell: number;
  colsPerCell: number;
  gridRows: number;
  gridCols: number;
}

/** At most `maxCells` cells per side, each covering a whole number of rows / cols. */
function heatmapGrid(rows: number, cols: number, maxCells: number): HeatmapGrid {
  const rowsPerCell = Math.ceil(rows / Math.min(rows, maxCells));
  const colsPerCell = Math.ceil(cols / Math.min(cols, maxCells));
  return {
    rowsPerCell,
    colsPerCell,
    gridRows: Math.ceil(rows / rowsPerCell),
    gridCols: Math.ceil(cols / colsPerCell),
  };
}

function buildHeatmap(sums: Float64Array, rows: number, cols: number, grid: HeatmapGrid): Heatmap {
  const { gridRows, gridCols, rowsPerCell, colsPerCell } = grid;
  const meanAbsError = new Float32Array(gridRows * gridCols);
  let max = 0;
  for (let gr = 0; gr < gridRows; gr++) {
    const h = Math.min(rowsPerCell, rows - gr * rowsPerCell);
    for (let gc = 0; gc < gridCols; gc++) {
      const w = Math.min(colsPerCell, cols - gc * colsPerCell);
      const v = sums[gr * gridCols + gc] / (h * w);
      meanAbsError[gr * gridCols + gc] = v;
      if (v > max) max = v;
    }
  }
  return { gridRows, gridCols, rowsPerCell, colsPerCell, meanAbsError, max };
}

/** MSE over one group's finite elements (for the clipping report of a row, column or group). */
function groupMse(t: Tensor2D, deq: Float32Array, granularity: Granularity, g: number): number {
  const ext = groupExtent(granularity, t.rows, t.cols, g);
  let sse = 0;
  let n = 0;
  const add = (i: number) => {
    const x = t.data[i];
    if (x - x !== 0) return;
    const e = deq[i] - x;
    sse += e * e;
    n++;
  };
  if (granularity.kind === 'column') for (let r = 0; r < t.rows; r++) add(r * t.cols + g);
  else for (let c = ext.colStart; c < ext.colEnd; c++) add((ext.row ?? 0) * t.cols + c);
  return n > 0 ? sse / n : 0;
}

/** A monotonic clock without depending on DOM or Node typings (the core's tsconfig has neither). */
function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}
