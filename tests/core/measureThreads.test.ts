/**
 * The measuring pass shared out with helper threads (src/core/threads/measureJob.ts): whatever the helpers do — run
 * their bands on a real worker_thread, run them at once, never answer, fail halfway through their share, claim a
 * part and go silent — every measured result is the bits one thread gives, and the caller never waits on a part no
 * helper has claimed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_VIEW,
  generateTensor,
  type QuantView,
  type Scheme,
  type ViewParams,
} from '../../src/core';
import type { Tensor2D } from '../../src/core/tensor';
import { JOB_PHASE } from '../../src/core/threads/control';
import { runHelperJob } from '../../src/core/threads/helper';
import type { KquantJob, MeasureJob } from '../../src/core/threads/jobs';
import { runMeasureJob, setMeasureSplit } from '../../src/core/threads/measureJob';
import { type Helper, PARTS_PER_HELPER, setHelpers, threadCount } from '../../src/core/threads/pool';
import { kernelAvailable } from '../../src/core/wasm/fusedKernel';
import { SHARED_MIN_VALUES } from '../../src/core/wasm/kernelLayout';
import { startHelperThreads } from '../../src/node/helperThreads';

/** 640 x 512 (above the split's bound), with NaN-free transformer-like values (seeded). */
const tensor: Tensor2D = generateTensor({ ...DEFAULT_GENERATOR, rows: 640, cols: 512, seed: 7 });

/**
 * Schemes that take every way of counting: value by value with seen-marks (FP8, Q4_K), per group from recorded code
 * values (Q8_0: 32 values, up to 256 codes... NF4: 64 values, 16 codes), an integer scheme quantized in the pass,
 * per group (int4 group 64: counts per group) and per tensor (the histogram from the code counts afterwards).
 */
const SCHEMES: Scheme[] = [
  { kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true },
  { kind: 'block', format: 'nf4' },
  { kind: 'block', format: 'q4_k' },
  { kind: 'block', format: 'mxfp4' },
  {
    kind: 'integer',
    method: 'zeroPoint',
    bits: 4,
    granularity: { kind: 'group', size: 64 },
    rounding: { kind: 'halfEven' },
    clipping: { kind: 'none' },
  },
  {
    kind: 'integer',
    method: 'absmax',
    bits: 8,
    granularity: { kind: 'tensor' },
    rounding: { kind: 'halfAway' },
    clipping: { kind: 'none' },
  },
];

/** Heatmaps of 32 cells a side (20-row cells: bands of 60 rows), of 7 (92-row cells), and one cell per row. */
const VIEWS: ViewParams[] = [
  DEFAULT_VIEW,
  { ...DEFAULT_VIEW, heatmapMaxCells: 7, bins: 50 },
  { ...DEFAULT_VIEW, heatmapMaxCells: 1024, range: [-0.03, 0.05] },
];

/** What the page draws, without how it was computed (time, threads, reuse). */
function drawn(v: QuantView) {
  const { elapsedMs: _e, threads: _t, measuringThreads: _m, reused: _r, heatmap, rowMse, ...rest } = v;
  // the large arrays as their bytes (a deep comparison element by element takes seconds on 327 K heatmap cells)
  const bytes = (a: Float32Array | Float64Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  return {
    ...rest,
    heatmap: { ...heatmap, meanAbsError: bytes(heatmap.meanAbsError) },
    rowMse: bytes(rowMse),
  };
}

const aloneViews = new Map<string, QuantView>();
const oneThreadCache = createTensorCache(tensor, { keepFormats: false });

/** One thread's view of each case (computed once, on a cache of its own). */
function alone(scheme: Scheme, view: ViewParams): QuantView {
  const key = JSON.stringify([scheme, view]);
  let v = aloneViews.get(key);
  if (!v) {
    setMeasureSplit(false);
    try {
      v = computeQuantView(tensor, scheme, view, oneThreadCache);
    } finally {
      setMeasureSplit(true);
    }
    aloneViews.set(key, v);
  }
  return v;
}

/** Every case split (with the helpers registered now) against one thread; returns the most threads seen. */
function splitMatchesOneThread(schemes = SCHEMES, views = VIEWS): number {
  let most = 0;
  const cache = createTensorCache(tensor, { keepFormats: false });
  for (const scheme of schemes)
    for (const view of views) {
      const split = computeQuantView(tensor, scheme, view, cache);
      expect(split.pass).toBe('wasm-simd');
      expect(drawn(split)).toEqual(drawn(alone(scheme, view)));
      most = Math.max(most, split.measuringThreads);
    }
  return most;
}

/** A helper that hands measuring parts to `onPart` and runs k-quant parts (Q4_K's search) at once. */
function measuringHelper(onPart: (job: MeasureJob) => void): Helper {
  return {
    post: (job: KquantJob | MeasureJob) => (job.kind === 'measure' ? onPart(job) : runHelperJob(job)),
  };
}

const controlOf = (job: MeasureJob) => new Int32Array(job.buffer, 0, job.slot + 1);

afterEach(() => {
  setHelpers([]);
  setMeasureSplit(true);
});

describe.runIf(kernelAvailable())('the measuring pass split over helper threads', () => {
  it('is above the split bound, and without helpers a pass is not split', () => {
    expect(tensor.rows * tensor.cols).toBeGreaterThanOrEqual(SHARED_MIN_VALUES);
    // Without helpers the split is not even tried: one thread.
    const v = computeQuantView(tensor, SCHEMES[0], DEFAULT_VIEW, createTensorCache(tensor));
    expect(v.measuringThreads).toBe(1);
  });

  it('on a real worker_thread: the same bits as one thread, and the helper does take bands', async () => {
    const threads = await startHelperThreads(1);
    try {
      expect(threadCount()).toBe(2);
      let most = splitMatchesOneThread();
      // A helper claims a part once its message arrives, usually before this thread has done its own bands; on a
      // loaded machine not every time, so a few more calls are allowed.
      for (let call = 0; call < 30 && most < 2; call++) {
        most = Math.max(most, splitMatchesOneThread([SCHEMES[call % SCHEMES.length]], [DEFAULT_VIEW]));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(most).toBe(2);
    } finally {
      await threads.stop();
    }
  });

  it('helpers that run their parts at once: every helper counts, the results are the same', () => {
    setHelpers([{ post: runHelperJob }, { post: runHelperJob }]);
    expect(splitMatchesOneThread()).toBe(3);
  });

  it('helpers that never answer: their parts are taken back and run here, with no waiting', () => {
    const kept: MeasureJob[] = [];
    const silent = measuringHelper((job) => kept.push(job));
    setHelpers([silent, silent], { timeoutMs: 20_000 });
    const started = performance.now();
    expect(splitMatchesOneThread(SCHEMES.slice(0, 2), [DEFAULT_VIEW])).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
    // two passes; each posted its helpers' parts (at most PARTS_PER_HELPER each)
    const passes = [...new Set(kept.map((job) => job.id))];
    expect(passes).toHaveLength(2);
    for (const id of passes) {
      const parts = kept.filter((job) => job.id === id);
      expect(parts.length).toBeGreaterThanOrEqual(2);
      expect(parts.length).toBeLessThanOrEqual(2 * PARTS_PER_HELPER);
      // parts of whole bands, none empty, covering the rest of the tensor in order, to its last band
      for (let k = 1; k < parts.length; k++) expect(parts[k].firstBand).toBe(parts[k - 1].endBand);
      expect(parts.every((job) => job.endBand > job.firstBand)).toBe(true);
      expect(parts[parts.length - 1].endBand).toBe(parts[0].layout.bands);
      expect(parts[0].firstBand).toBeGreaterThan(0);
    }
    for (const job of kept) {
      expect(Atomics.load(controlOf(job), job.slot)).toBe(job.id * 8 + JOB_PHASE.takenBack);
      // the late message is not run (its control word stays)
      runMeasureJob(job);
      expect(Atomics.load(controlOf(job), job.slot)).toBe(job.id * 8 + JOB_PHASE.takenBack);
    }
  });

  it('a helper that counts its first part and fails the next: all its parts run here, its counts ignored', () => {
    let pass = 0;
    const halfway = measuringHelper((part) => {
      // the first part of each pass is counted, the others fail
      if (part.id !== pass) {
        pass = part.id;
        runMeasureJob(part);
      } else Atomics.store(controlOf(part), part.slot, part.id * 8 + JOB_PHASE.failed);
    });
    setHelpers([halfway]);
    expect(splitMatchesOneThread()).toBe(1);
    // a failed part keeps its helper (the failure may be passing)
    expect(threadCount()).toBe(2);
  });

  it('a helper that claims its part and goes silent is dropped after the timeout; its bands run here', () => {
    const claimOnly = measuringHelper((part) =>
      Atomics.store(controlOf(part), part.slot, part.id * 8 + JOB_PHASE.running),
    );
    setHelpers([claimOnly, { post: runHelperJob }], { timeoutMs: 50 });
    expect(splitMatchesOneThread([SCHEMES[1]], [DEFAULT_VIEW])).toBe(2);
    expect(threadCount()).toBe(2);
  });

  it('a message of an earlier pass claims nothing of the next', () => {
    const kept: MeasureJob[] = [];
    setHelpers([measuringHelper((job) => kept.push(job))]);
    splitMatchesOneThread([SCHEMES[0]], [DEFAULT_VIEW]);
    const stale = kept[0];
    kept.length = 0;
    setHelpers([
      measuringHelper((part) => {
        kept.push(part);
        runMeasureJob({ ...stale, buffer: part.buffer });
      }),
    ]);
    expect(splitMatchesOneThread([SCHEMES[0]], [DEFAULT_VIEW])).toBe(1);
    for (const job of kept)
      expect(Atomics.load(controlOf(job), job.slot)).toBe(job.id * 8 + JOB_PHASE.takenBack);
  });

  it('a tensor below the bound is not split (helpers are not even asked)', () => {
    const kept: MeasureJob[] = [];
    setHelpers([measuringHelper((job) => kept.push(job))]);
    const small = generateTensor({ ...DEFAULT_GENERATOR, rows: 500, cols: 500 });
    const v = computeQuantView(small, SCHEMES[0], DEFAULT_VIEW, createTensorCache(small));
    expect(v.measuringThreads).toBe(1);
    expect(kept).toHaveLength(0);
  });
});
