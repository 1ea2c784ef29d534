/**
 * Q4_K / Q6_K searches split over helper threads (src/core/threads/kquantJob.ts): whatever the helpers do — run
 * their part on real worker_threads, run it at once, never answer, claim it and go silent, fail, refuse the
 * message — the codes, dequantized values and sub-block parameters are the bits one thread gives, and the caller
 * never waits on a helper that has not claimed its part.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_SCHEME_A,
  DEFAULT_VIEW,
  generateTensor,
} from '../../src/core';
import { JOB_PHASE } from '../../src/core/threads/control';
import { runHelperJob } from '../../src/core/threads/helper';
import type { KquantJob, MeasureJob } from '../../src/core/threads/jobs';
import { quantizeKRows, runKquantJob } from '../../src/core/threads/kquantJob';
import { type Helper, PARTS_PER_HELPER, setHelpers, threadCount } from '../../src/core/threads/pool';
import {
  KQUANT_TYPE,
  type KquantType,
  type KRowsOutput,
  kquantKernelAvailable,
  quantizeKRowsOnKernel,
} from '../../src/core/wasm/kquantKernel';
import { startHelperThreads } from '../../src/node/helperThreads';

const SUB = { [KQUANT_TYPE.q4_k]: 32, [KQUANT_TYPE.q6_k]: 16 } as const;

/** A matrix with NaN, ±Inf, zeros and a constant row among random values (seeded, so failures repeat). */
function matrix(rows: number, cols: number, seed: number): Float32Array {
  const data = new Float32Array(rows * cols);
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < data.length; i++) data[i] = (next() - 0.5) * (next() < 0.01 ? 40 : 2);
  data[3] = Number.NaN;
  data[data.length - 5] = Number.POSITIVE_INFINITY;
  data[Math.floor(data.length / 2)] = Number.NEGATIVE_INFINITY;
  data.fill(0, cols, cols + 300);
  if (rows > 3) data.fill(0.25, 2 * cols, 3 * cols);
  return data;
}

function outputs(rows: number, cols: number, type: KquantType): KRowsOutput {
  const groups = rows * Math.ceil(cols / SUB[type]);
  return {
    codes: new Int16Array(rows * cols),
    dequantized: new Float32Array(rows * cols),
    A: new Float32Array(groups),
    B: new Float32Array(groups),
  };
}

/** Bit patterns (every NaN as one: its sign and payload are unspecified). */
const bits = (a: Float32Array) =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (b, i) =>
    Number.isNaN(a[i]) ? 0x7fc00000 : b,
  );

function expectSameBits(got: KRowsOutput, want: KRowsOutput): void {
  expect(Array.from(got.codes)).toEqual(Array.from(want.codes));
  expect(bits(got.dequantized)).toEqual(bits(want.dequantized));
  expect(bits(got.A)).toEqual(bits(want.A));
  expect(bits(got.B)).toEqual(bits(want.B));
}

/** quantizeKRows against one thread on the same matrix; returns the threads it reports. */
function splitMatchesOneThread(type: KquantType, rows: number, cols: number, seed = 7): number {
  const data = matrix(rows, cols, seed);
  const alone = outputs(rows, cols, type);
  expect(quantizeKRowsOnKernel(type, data, rows, cols, SUB[type], alone)).toBe(true);
  const split = outputs(rows, cols, type);
  const threads = quantizeKRows(type, data, rows, cols, SUB[type], split);
  expectSameBits(split, alone);
  return threads;
}

/** Bit patterns, so that -0 and +0 (and NaN payloads) differ. */
const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** A helper that does nothing with its messages, keeping them for the test. */
function silentHelper(kept: KquantJob[] = []): Helper {
  return { post: (job) => kept.push(kquantJob(job)) };
}

/** The k-quant job a test helper is posted (these tests post no measuring parts: no computeQuantView here). */
function kquantJob(job: KquantJob | MeasureJob): KquantJob {
  if (job.kind === 'measure') throw new Error('a measuring part was posted to a k-quant test helper');
  return job;
}

const controlOf = (job: KquantJob) => new Int32Array(job.buffer, 0, job.slot + 1);

afterEach(() => setHelpers([]));

describe.runIf(kquantKernelAvailable())('k-quant searches split over helper threads', () => {
  it('on real worker_threads: the same bits as one thread, and the helpers do take parts', async () => {
    const threads = await startHelperThreads(2);
    try {
      expect(threadCount()).toBe(3);
      // widths that are not multiples of 256, rows not divisible by three, a two-row matrix (one helper used)
      for (const [rows, cols] of [
        [267, 1100],
        [520, 520],
        [2, 140_000],
      ] as const) {
        for (const type of [KQUANT_TYPE.q4_k, KQUANT_TYPE.q6_k]) splitMatchesOneThread(type, rows, cols);
      }
      // A helper claims a part once it is idle in its event loop and gets the message before this thread has
      // done its own part (a few ms here): within some calls (on a loaded machine, not every one) both must
      // have claimed theirs in the same call.
      let most = 1;
      for (let call = 0; call < 60 && most < 3; call++) {
        most = Math.max(most, splitMatchesOneThread(KQUANT_TYPE.q4_k, 256, 2048, call));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(most).toBe(3);
    } finally {
      await threads.stop();
    }
  });

  it('helpers that run their part at once: every part comes from them', () => {
    setHelpers([{ post: runHelperJob }, { post: runHelperJob }]);
    expect(splitMatchesOneThread(KQUANT_TYPE.q4_k, 300, 1000)).toBe(3);
    expect(splitMatchesOneThread(KQUANT_TYPE.q6_k, 300, 1000)).toBe(3);
  });

  it('helpers that never answer: their parts are taken back and run here, with no waiting', () => {
    const kept: KquantJob[] = [];
    // A wait on a part no helper claimed would last the timeout (20 s), within the test's own limit (30 s).
    setHelpers([silentHelper(kept), silentHelper(kept)], { timeoutMs: 20_000 });
    const started = performance.now();
    expect(splitMatchesOneThread(KQUANT_TYPE.q6_k, 300, 1000)).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(kept).toHaveLength(2 * PARTS_PER_HELPER);
    for (const job of kept)
      expect(Atomics.load(controlOf(job), job.slot)).toBe(job.id * 8 + JOB_PHASE.takenBack);
    // The late messages arrive: a part already taken back is not run again (its control word stays).
    for (const job of kept) {
      runKquantJob(job);
      expect(Atomics.load(controlOf(job), job.slot)).toBe(job.id * 8 + JOB_PHASE.takenBack);
    }
    // Nor does a message of an earlier job claim the next job's part.
    const stale = kept[0];
    kept.length = 0;
    const data = matrix(300, 1000, 3);
    const out = outputs(300, 1000, KQUANT_TYPE.q4_k);
    setHelpers([
      {
        post: (job) => {
          kept.push(kquantJob(job));
          runKquantJob({ ...stale, buffer: job.buffer });
        },
      },
    ]);
    expect(quantizeKRows(KQUANT_TYPE.q4_k, data, 300, 1000, 32, out)).toBe(1);
    expect(Atomics.load(controlOf(kept[0]), kept[0].slot)).toBe(kept[0].id * 8 + JOB_PHASE.takenBack);
  });

  it('a helper that runs only the first part of its share: the rest is taken back and run here', () => {
    const kept: KquantJob[] = [];
    let ran = 0;
    const slow: Helper = {
      post: (job) => {
        if (ran++ === 0) runKquantJob(kquantJob(job));
        else kept.push(kquantJob(job));
      },
    };
    setHelpers([slow]);
    expect(PARTS_PER_HELPER).toBeGreaterThan(1);
    expect(splitMatchesOneThread(KQUANT_TYPE.q4_k, 300, 1000)).toBe(2);
    expect(kept).toHaveLength(PARTS_PER_HELPER - 1);
    // none of the parts is empty
    expect(kept.every((job) => job.rows >= 1)).toBe(true);
    for (const job of kept)
      expect(Atomics.load(controlOf(job), job.slot)).toBe(job.id * 8 + JOB_PHASE.takenBack);
  });

  it('a helper that claims its part and goes silent is dropped after the timeout, and stopped; its part runs here', () => {
    let stopped = 0;
    const claimOnly: Helper = {
      post: (job) => Atomics.store(controlOf(kquantJob(job)), job.slot, job.id * 8 + JOB_PHASE.running),
      stop: () => stopped++,
    };
    setHelpers([claimOnly, { post: runHelperJob }], { timeoutMs: 50 });
    expect(threadCount()).toBe(3);
    expect(splitMatchesOneThread(KQUANT_TYPE.q4_k, 300, 1000)).toBe(2);
    expect(threadCount()).toBe(2);
    // ended, so that it cannot wake later and write where this thread has run its part again
    expect(stopped).toBe(1);
    // the next call uses the helper left
    expect(splitMatchesOneThread(KQUANT_TYPE.q6_k, 300, 1000)).toBe(2);
  });

  it('a helper that fails, or cannot take the message: its part runs here, the results are the same', () => {
    const fails: Helper = {
      post: (job) => Atomics.store(controlOf(kquantJob(job)), job.slot, job.id * 8 + JOB_PHASE.failed),
    };
    const refuses: Helper = {
      post: () => {
        throw new Error('DataCloneError: SharedArrayBuffer transfer requires cross-origin isolation');
      },
    };
    setHelpers([fails, refuses]);
    expect(splitMatchesOneThread(KQUANT_TYPE.q4_k, 300, 1000)).toBe(1);
    // a failed part keeps its helper (the failure may be passing, e.g. memory); a refused message drops it
    expect(threadCount()).toBe(2);
  });

  it('an error on this thread leaves the shared buffer to the part still posted: the next search takes another', () => {
    const kept: KquantJob[] = [];
    setHelpers([silentHelper(kept)]);
    const data = matrix(300, 1000, 5);
    const out = outputs(300, 1000, KQUANT_TYPE.q4_k);
    const broken = () => {
      throw new Error('kernel trap');
    };
    expect(() => quantizeKRows(KQUANT_TYPE.q4_k, data, 300, 1000, 32, out, { inPlace: broken })).toThrow(
      'kernel trap',
    );
    expect(quantizeKRows(KQUANT_TYPE.q4_k, data, 300, 1000, 32, out)).toBe(1);
    const P = PARTS_PER_HELPER;
    expect(kept).toHaveLength(2 * P);
    expect(kept[P].buffer).not.toBe(kept[0].buffer);
    // without an error the buffer is kept from one search to the next
    expect(quantizeKRows(KQUANT_TYPE.q4_k, data, 300, 1000, 32, out)).toBe(1);
    expect(kept[2 * P].buffer).toBe(kept[P].buffer);
  });

  it('a small matrix is not split (helpers are not even asked)', () => {
    const kept: KquantJob[] = [];
    setHelpers([silentHelper(kept)]);
    expect(splitMatchesOneThread(KQUANT_TYPE.q4_k, 250, 1000)).toBe(1);
    expect(kept).toHaveLength(0);
  });

  it('on a shared kernel memory the helpers quantize in place: the same codes and values as one thread', async () => {
    const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 520, cols: 768, seed: 11 });
    // the last group shown: a helper's rows, whose A and B come back through the buffer
    const view = { ...DEFAULT_VIEW, group: 10 ** 9 };
    for (const format of ['q4_k', 'q6_k'] as const) {
      const scheme = { kind: 'block', format } as const;
      const aloneCache = createTensorCache(t, { keepFormats: false });
      const aloneView = computeQuantView(t, scheme, view, aloneCache);
      // a helper that runs its parts at once, keeping them to look at
      const kept: KquantJob[] = [];
      setHelpers([
        {
          post: (job) => {
            if (job.kind === 'kquant') kept.push(job);
            runHelperJob(job);
          },
        },
      ]);
      const cache = createTensorCache(t, { keepFormats: false });
      const split = computeQuantView(t, scheme, view, cache);
      expect(split.threads).toBe(2);
      expect(split.group).toEqual(aloneView.group);
      expect(split.group.index).toBe(aloneView.groupCount - 1);
      expect(Array.from(split.levels)).toEqual(Array.from(aloneView.levels));
      // the values' range, measured part by part on the way and merged, sets the same histogram edges
      expect(split.histogram).toEqual(aloneView.histogram);
      expect(split.errorHistogram).toEqual(aloneView.errorHistogram);
      expect(split.metrics).toEqual(aloneView.metrics);
      setHelpers([]);
      expect(kept.length).toBeGreaterThan(0);
      // in place: the parts point into the tensor's memory and carry no rows in their buffer
      for (const job of kept) {
        expect(job.inPlace).toBeDefined();
        expect(job.a).toBeLessThan(job.x + 64 + 4 * job.rows * job.cols);
      }
      expect(Array.from(cache.codes)).toEqual(Array.from(aloneCache.codes));
      expect(bitsOf(cache.dequantized)).toEqual(bitsOf(aloneCache.dequantized));
    }
    // and on real worker_threads
    const threads = await startHelperThreads(1);
    try {
      const scheme = { kind: 'block', format: 'q4_k' } as const;
      const alone = createTensorCache(t, { keepFormats: false });
      setHelpers([]);
      computeQuantView(t, scheme, DEFAULT_VIEW, alone);
      setHelpers(threads.helpers);
      let most = 1;
      for (let call = 0; call < 30 && most < 2; call++) {
        const cache = createTensorCache(t, { keepFormats: false });
        most = Math.max(most, computeQuantView(t, scheme, DEFAULT_VIEW, cache).threads);
        expect(Array.from(cache.codes)).toEqual(Array.from(alone.codes));
        expect(bitsOf(cache.dequantized)).toEqual(bitsOf(alone.dequantized));
      }
      expect(most).toBe(2);
    } finally {
      await threads.stop();
    }
  });

  it('the engine reports the threads in the view, with the metrics and histograms of one thread', () => {
    const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 512, cols: 1024 });
    const scheme = { kind: 'block', format: 'q4_k' } as const;
    const alone = computeQuantView(t, scheme, DEFAULT_VIEW);
    setHelpers([{ post: runHelperJob }]);
    const split = computeQuantView(t, scheme, DEFAULT_VIEW);
    expect(alone.threads).toBe(1);
    expect(split.threads).toBe(2);
    expect(split.metrics).toEqual(alone.metrics);
    expect(split.histogram).toEqual(alone.histogram);
    expect(split.errorHistogram).toEqual(alone.errorHistogram);
    // An integer scheme never splits.
    const integer = { ...DEFAULT_SCHEME_A, granularity: { kind: 'row' } } as const;
    expect(computeQuantView(t, integer, DEFAULT_VIEW).threads).toBe(1);
  });
});
