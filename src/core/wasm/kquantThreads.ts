/**
 * The Q4_K / Q6_K searches shared out between this thread and helper threads. Their rows are independent (a
 * super-block never spans two rows), so the rows are split into one part per thread and every split gives the same
 * bits: this thread quantizes the first part itself (in place in the fused kernel's memory where the caller gives
 * `inPlace`) and helpers the others, each on its own instance of the k-quant kernel, through one SharedArrayBuffer
 * (helper parts' input rows copied in, their outputs copied out).
 *
 * The caller stays synchronous and never depends on a helper: a part is posted as a message, and a helper claims
 * it by an atomic compare-and-swap on its control word before running it. When this thread has done its own part
 * it takes back every part no helper has claimed yet (a helper still starting up, or busy) and runs it itself, and
 * waits (Atomics.wait) only for parts already running. A helper that fails reports it and its part is run here; one
 * that stays silent past `timeoutMs` is dropped for good (and the shared buffer replaced, as it may still write).
 *
 * Helpers are registered by whoever can make threads (src/worker/engine.worker.ts: Web Workers when the page is
 * cross-origin isolated; src/node/kquantThreads.ts: worker_threads for the bench and tests). Without any, or where
 * SharedArrayBuffer is missing, `quantizeKRows` is `quantizeKRowsOnKernel`.
 */

import type { DeqRange } from '../formats/formatOutput';
import type { MeasureJob } from '../measureThreads';
import { kernelOnShared, rangeOn, type SharedTensor } from './fusedKernel';
import type { ScratchPointers } from './kernelLayout';
import {
  copyRowsInto,
  type KquantType,
  type KRowsOutput,
  kquantKernelAvailable,
  outputsAt,
  quantizeKRowsInPlace,
  quantizeKRowsOnKernel,
} from './kquantKernel';
import { sharedMemoryAvailable, type WasmMemory } from './wasmModule';

/** One part of a job, as posted to a helper (structured-cloneable: the buffer is shared, not copied). */
export interface KquantJob {
  buffer: SharedArrayBuffer;
  /** The helper's control word (an Int32Array index into the buffer's first bytes). */
  slot: number;
  id: number;
  type: KquantType;
  rows: number;
  cols: number;
  subSize: number;
  /** Byte offsets into the buffer: x (f32), codes (i16), dequantized (f32), A and B (f32 per sub-block). */
  x: number;
  codes: number;
  deq: number;
  a: number;
  b: number;
  /**
   * Where the tensor is in a shared kernel memory (fusedKernel.ts `SharedTensor`): the part's rows are quantized
   * there in place, and only A and B go through the buffer (x, codes and deq above are unused).
   */
  inPlace?: InPlaceRows;
}

/** A part's rows in a shared kernel memory: byte offsets of its first row, and the helper's scratch there. */
export interface InPlaceRows {
  memory: WasmMemory;
  sharedId: number;
  x: number;
  codes: number;
  deq: number;
  scratch: ScratchPointers;
}

/**
 * A helper thread as this thread sees it: something that delivers a job to `runHelperJob` over there. The same
 * helpers run parts of the measuring pass (src/core/measureThreads.ts).
 */
export interface KquantHelper {
  post(job: KquantJob | MeasureJob): void;
  /**
   * Ends the thread, where it can be (a Worker's terminate): called when the helper is dropped, so that one gone
   * silent in a part cannot wake later and write into a tensor's memory in place (or a shared buffer) after this
   * thread has run the part again.
   */
  stop?(): void;
}

/**
 * A part's phases. Its control word holds job id * 8 + phase, so a stale message (an older id) can never claim a
 * newer job. Exported for the tests that play a misbehaving helper.
 */
export const KQUANT_PHASE = { posted: 1, running: 2, done: 3, failed: 4, takenBack: 5 } as const;
const { posted: POSTED, running: RUNNING, done: DONE, failed: FAILED, takenBack: TAKEN_BACK } = KQUANT_PHASE;
/** Control words 16 apart (64 bytes): helpers writing their own word do not share a cache line. */
export const WORDS_PER_SLOT = 16;
/**
 * Below this many values the search stays on one thread: it takes a few milliseconds, about what a message to an
 * idle Web Worker can take to arrive, so a helper would rarely claim its part in time.
 */
const MIN_PARALLEL_VALUES = 1 << 18;
/**
 * Each helper's share of the rows is posted as this many parts (each at least one row). When this thread has done
 * its own rows it takes back the parts not yet claimed, from the last, so a helper that started late or runs slower
 * (it also copies its rows in and out) leaves this thread waiting for at most about one part, not half its share.
 */
export const PARTS_PER_HELPER = 4;

interface Pool {
  helpers: KquantHelper[];
  timeoutMs: number;
  buffer: SharedArrayBuffer | null;
  nextId: number;
}

const pool: Pool = { helpers: [], timeoutMs: 10_000, buffer: null, nextId: 1 };

/**
 * Sets the helper threads (none: every search runs on this thread). `timeoutMs`: how long a claimed part may run
 * before its helper is dropped (tests make it short). The shared buffer is kept: between two searches no helper
 * writes to it (every part claimed was waited for, or its helper dropped along with the buffer).
 */
export function setKquantHelpers(
  helpers: readonly KquantHelper[],
  options: { timeoutMs?: number } = {},
): void {
  pool.helpers = [...helpers];
  pool.timeoutMs = options.timeoutMs ?? 10_000;
}

/** Threads a large search is split over now: this one plus the helpers still in the pool. */
export function kquantThreadCount(): number {
  return 1 + helperPool().length;
}

/** The helpers in the pool now (none where memory cannot be shared). */
export function helperPool(): readonly KquantHelper[] {
  return sharedMemoryAvailable() ? pool.helpers : [];
}

/** A new job id (control words hold id * 8 + phase; ids wrap before that overflows). */
export function nextJobId(): number {
  const id = pool.nextId;
  pool.nextId = (pool.nextId % 0x0fffffff) + 1;
  return id;
}

/** The helper side of any job: claims it if still posted (false: taken back, or a stale message). */
export function claimJob(control: Int32Array, slot: number, id: number): boolean {
  const posted = id * 8 + POSTED;
  return Atomics.compareExchange(control, slot, posted, id * 8 + RUNNING) === posted;
}

/** The helper side: reports a claimed job DONE or FAILED and wakes the thread waiting for it. */
export function finishJob(control: Int32Array, slot: number, id: number, ok: boolean): void {
  Atomics.store(control, slot, id * 8 + (ok ? DONE : FAILED));
  Atomics.notify(control, slot);
}

/** This thread's side: takes a posted job back (true) unless a helper has claimed it already. */
export function takeBackJob(control: Int32Array, slot: number, id: number): boolean {
  const posted = id * 8 + POSTED;
  return Atomics.compareExchange(control, slot, posted, id * 8 + TAKEN_BACK) === posted;
}

/** Marks a job as posted, before its message goes out. */
export function markPosted(control: Int32Array, slot: number, id: number): void {
  Atomics.store(control, slot, id * 8 + POSTED);
}

/**
 * The helper side: runs a posted part if it is still posted (claims it first), and reports DONE or FAILED on its
 * control word. Call it with every message a helper receives.
 */
export function runKquantJob(job: KquantJob): void {
  const control = new Int32Array(job.buffer, 0, job.slot + 1);
  if (!claimJob(control, job.slot, job.id)) return;
  let ok = false;
  try {
    const n = job.rows * job.cols;
    const groups = job.rows * Math.ceil(job.cols / job.subSize);
    if (job.inPlace) {
      const { a, b, inPlace } = job;
      ok = quantizeKRowsInPlace(job.type, inPlace, job.rows, job.cols, job.subSize, {
        A: new Float32Array(job.buffer, a, groups),
        B: new Float32Array(job.buffer, b, groups),
      });
      // the part's range while its rows are in cache (else this thread measures it)
      const fused = ok ? kernelOnShared(inPlace.sharedId, inPlace.memory) : null;
      const slot = rangeSlot(job);
      slot[3] = 0;
      if (fused) {
        const r = rangeOn(fused, inPlace.memory, inPlace.x, inPlace.deq, n, inPlace.scratch.acc);
        slot.set([r.deqMin, r.deqMax, r.maxErr, 1]);
      }
    } else
      ok = quantizeKRowsOnKernel(
        job.type,
        new Float32Array(job.buffer, job.x, n),
        job.rows,
        job.cols,
        job.subSize,
        outputsAt(job.buffer, job, n, groups),
      );
  } catch {
    ok = false;
  }
  finishJob(control, job.slot, job.id, ok);
}

/** A part of the rows (from `firstRow` on) and where its data sits in the shared buffer. */
interface Part {
  helper: KquantHelper;
  job: KquantJob;
  firstRow: number;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** The helpers' parts of rows [first, rows), laid out in one shared buffer after the control words. */
function layOutParts(
  type: KquantType,
  rows: number,
  cols: number,
  subSize: number,
  first: number,
  helpers: readonly KquantHelper[],
  inMemory: SharedTensor | null,
): Part[] | null {
  const groupsPerRow = Math.ceil(cols / subSize);
  const id = nextJobId();
  // each helper's share cut into parts of whole rows, none empty
  const perHelper = Math.max(1, Math.min(PARTS_PER_HELPER, Math.floor((rows - first) / helpers.length)));
  const shares = helpers.length * perHelper;
  let at = align(4 * WORDS_PER_SLOT * shares);
  let start = first;
  const layouts: Omit<KquantJob, 'buffer'>[] = [];
  const firstRows: number[] = [];
  for (let k = 0; k < shares; k++) {
    firstRows.push(start);
    const count = Math.floor((rows - start) / (shares - k));
    const n = inMemory ? 0 : count * cols;
    const groups = count * groupsPerRow;
    // x, codes, dequantized values (unless in place), A and B one after the other
    const x = at;
    const codes = x + align(4 * n);
    const deq = codes + align(2 * n);
    const a = deq + align(4 * n);
    const b = a + align(4 * groups);
    at = b + align(4 * groups);
    const layout: Omit<KquantJob, 'buffer'> = {
      slot: k * WORDS_PER_SLOT,
      id,
      type,
      rows: count,
      cols,
      subSize,
      x,
      codes,
      deq,
      a,
      b,
    };
    if (inMemory)
      layout.inPlace = {
        memory: inMemory.memory,
        sharedId: inMemory.sharedId,
        x: inMemory.x + 4 * start * cols,
        codes: inMemory.codes + 2 * start * cols,
        deq: inMemory.deq + 4 * start * cols,
        scratch: inMemory.helperScratch[Math.floor(k / perHelper)],
      };
    layouts.push(layout);
    start += count;
  }
  // A new buffer costs its zeroed pages: keep one big enough, unless it is over 4x too big (a 4096² search followed
  // by 1024² ones should not hold on to 80 MB).
  let buffer = pool.buffer;
  if (!buffer || buffer.byteLength < at || buffer.byteLength > 4 * at) {
    try {
      buffer = new SharedArrayBuffer(at);
    } catch {
      return null;
    }
    pool.buffer = buffer;
  }
  const shared = buffer;
  return layouts.map((layout, k) => ({
    helper: helpers[Math.floor(k / perHelper)],
    job: { ...layout, buffer: shared },
    firstRow: firstRows[k],
  }));
}

/** Stops using a helper (it failed to take a message, or went silent) and the buffer it may still write. */
export function dropHelper(helper: KquantHelper): void {
  pool.helpers = pool.helpers.filter((h) => h !== helper);
  pool.buffer = null;
  try {
    helper.stop?.();
  } catch {
    // already gone
  }
}

/**
 * Waits for a claimed part: true once it is DONE, false if it FAILED, timed out (the helper is dropped) or this
 * thread cannot wait (a browser's main thread: the pool is emptied).
 */
function awaitPart(part: Part, control: Int32Array): boolean {
  return awaitJob(part.helper, control, part.job.slot, part.job.id);
}

/**
 * Waits for a job a helper claimed: true once it is DONE, false if it FAILED, timed out (the helper is dropped) or
 * this thread cannot wait (a browser's main thread: the pool is emptied).
 */
export function awaitJob(helper: KquantHelper, control: Int32Array, slot: number, id: number): boolean {
  const running = id * 8 + RUNNING;
  const deadline = Date.now() + pool.timeoutMs;
  let state = Atomics.load(control, slot);
  while (state === running) {
    // a helper already dropped (silent in another part) is not waited for again: its part runs here
    if (!pool.helpers.includes(helper)) return false;
    const left = deadline - Date.now();
    let outcome: string;
    try {
      outcome = left > 0 ? Atomics.wait(control, slot, running, left) : 'timed-out';
    } catch {
      setKquantHelpers([]);
      return false;
    }
    state = Atomics.load(control, slot);
    if (outcome === 'timed-out' && state === running) {
      dropHelper(helper);
      return false;
    }
  }
  return state === id * 8 + DONE;
}

/** A row range [r0, r0 + count) of `out`, as quantizeKRowsOnKernel's output. */
function outputRows(
  out: KRowsOutput,
  r0: number,
  count: number,
  cols: number,
  groupsPerRow: number,
): KRowsOutput {
  return {
    codes: out.codes.subarray(r0 * cols, (r0 + count) * cols),
    dequantized: out.dequantized.subarray(r0 * cols, (r0 + count) * cols),
    A: out.A.subarray(r0 * groupsPerRow, (r0 + count) * groupsPerRow),
    B: out.B.subarray(r0 * groupsPerRow, (r0 + count) * groupsPerRow),
  };
}

/**
 * Runs rows [firstRow, firstRow + rows) on this thread where the data already is (fusedKernel.ts `kquantRows`:
 * the tensor and `out`'s codes and values in the fused kernel's memory), writing A and B to the arrays given.
 */
export type KquantInPlace = (firstRow: number, rows: number, A: Float32Array, B: Float32Array) => boolean;

/**
 * quantizeKRowsOnKernel (same arguments, same bits), split over this thread and the registered helpers when the
 * tensor is large enough. The rows done on this thread go through `inPlace` where given (no copies), else
 * through the kernel's own memory. Returns the number of threads that ran a part, 0 (nothing written) where the
 * kernel cannot run here.
 */
export function quantizeKRows(
  type: KquantType,
  data: Float32Array,
  rows: number,
  cols: number,
  subSize: number,
  out: KRowsOutput,
  inPlace?: KquantInPlace,
  shared: SharedTensor | null = null,
  rangeHere?: (firstRow: number, rows: number) => DeqRange,
): number {
  const groupsPerRow = Math.ceil(cols / subSize);
  // Helpers work in place only on the very memory `out` is in (the tensor's own rows there are `inPlace`'s).
  const inMemory =
    inPlace !== undefined &&
    shared !== null &&
    out.codes.buffer === shared.memory.buffer &&
    out.codes.byteOffset === shared.codes &&
    out.dequantized.byteOffset === shared.deq
      ? shared
      : null;
  /** Rows [r0, r0 + count) on this thread. */
  const runHere = (r0: number, count: number) => {
    const rowsOut = outputRows(out, r0, count, cols, groupsPerRow);
    if (inPlace?.(r0, count, rowsOut.A, rowsOut.B)) return true;
    const x = data.subarray(r0 * cols, (r0 + count) * cols);
    return quantizeKRowsOnKernel(type, x, count, cols, subSize, rowsOut);
  };
  const single = () => (runHere(0, rows) ? 1 : 0);
  const most = inMemory ? inMemory.helperScratch.length : Number.POSITIVE_INFINITY;
  const helpers = helperPool().slice(0, Math.max(0, Math.min(rows - 1, most)));
  if (helpers.length === 0 || rows * cols < MIN_PARALLEL_VALUES || !kquantKernelAvailable()) return single();
  const own = Math.ceil(rows / (helpers.length + 1));
  const parts = layOutParts(type, rows, cols, subSize, own, helpers, inMemory);
  if (!parts) return single();
  const control = new Int32Array(parts[0].job.buffer, 0, parts[parts.length - 1].job.slot + 1);
  const posted: Part[] = [];
  for (const part of parts) {
    const { job, firstRow } = part;
    if (!job.inPlace)
      new Float32Array(job.buffer, job.x, job.rows * cols).set(
        data.subarray(firstRow * cols, (firstRow + job.rows) * cols),
      );
    markPosted(control, job.slot, job.id);
    try {
      part.helper.post(job);
      posted.push(part);
    } catch {
      // this helper cannot take the message (no shared memory across threads here): its part runs below
      dropHelper(part.helper);
      Atomics.store(control, job.slot, job.id * 8 + TAKEN_BACK);
    }
  }
  try {
    return gatherParts(
      parts,
      posted,
      control,
      own,
      runHere,
      out,
      cols,
      groupsPerRow,
      inMemory ? (rangeHere ?? null) : null,
    );
  } catch (error) {
    // a part still posted may yet be claimed and written by its helper: the next search takes a new buffer
    pool.buffer = null;
    throw error;
  }
}

/**
 * This thread's own rows; then, from the last part back, every part no helper has claimed yet, run here; then the
 * claimed ones, copied out of the shared buffer where their helper ran them, run here where it failed or went
 * silent. Returns the threads that ran a part (this one and the helpers), 0 on failure.
 */
function gatherParts(
  parts: readonly Part[],
  posted: readonly Part[],
  control: Int32Array,
  own: number,
  runHere: (r0: number, count: number) => boolean,
  out: KRowsOutput,
  cols: number,
  groupsPerRow: number,
  rangeHere: ((r0: number, count: number) => DeqRange) | null,
): number {
  // each part's range (index 0: this thread's own rows), measured by whoever ran it, merged in row order below
  const ranges: (DeqRange | null)[] = [];
  const here = (index: number, r0: number, count: number) => {
    const ok = runHere(r0, count);
    if (ok && rangeHere) ranges[index] = rangeHere(r0, count);
    return ok;
  };
  let ok = here(0, 0, own);
  const claimed = parts.map(() => false);
  for (let k = parts.length - 1; k >= 0; k--) {
    const { job, firstRow } = parts[k];
    claimed[k] = posted.includes(parts[k]) && !takeBackJob(control, job.slot, job.id);
    if (!claimed[k] && ok) ok = here(k + 1, firstRow, job.rows);
  }
  const delivered = new Set<KquantHelper>();
  parts.forEach((part, k) => {
    if (!claimed[k]) return;
    const { job, firstRow } = part;
    if (awaitPart(part, control)) {
      if (!ok) return;
      const groups = job.rows * groupsPerRow;
      if (job.inPlace) {
        // codes and values are in place already
        out.A.set(new Float32Array(job.buffer, job.a, groups), firstRow * groupsPerRow);
        out.B.set(new Float32Array(job.buffer, job.b, groups), firstRow * groupsPerRow);
        if (rangeHere) ranges[k + 1] = rangeOfPart(job) ?? rangeHere(firstRow, job.rows);
      } else
        copyRowsInto(out, outputsAt(job.buffer, job, job.rows * cols, groups), firstRow, cols, groupsPerRow);
      delivered.add(part.helper);
    } else if (ok) ok = here(k + 1, firstRow, job.rows);
  });
  if (ok && rangeHere) out.range = mergeRanges(ranges);
  return ok ? 1 + delivered.size : 0;
}

/** Where a helper leaves its in-place part's range: three float64 after the part's control word (and a flag). */
function rangeSlot(job: KquantJob): Float64Array {
  return new Float64Array(job.buffer, 4 * job.slot + 8, 4);
}

/** The range a helper measured for its part, or null where it could not. */
function rangeOfPart(job: KquantJob): DeqRange | null {
  const [deqMin, deqMax, maxErr, measured] = rangeSlot(job);
  return measured === 1 ? { deqMin, deqMax, maxErr } : null;
}

/**
 * Parts' ranges in row order into the tensor's, as one scan in element order gives it: a later part's extreme
 * replaces only a strictly smaller (larger) one, so an equal one (+0 and -0) keeps the first part's sign.
 */
function mergeRanges(ranges: readonly (DeqRange | null)[]): DeqRange {
  let deqMin = Number.POSITIVE_INFINITY;
  let deqMax = Number.NEGATIVE_INFINITY;
  let maxErr = 0;
  for (const r of ranges) {
    if (!r) continue;
    if (r.deqMin < deqMin) deqMin = r.deqMin;
    if (r.deqMax > deqMax) deqMax = r.deqMax;
    if (r.maxErr > maxErr) maxErr = r.maxErr;
  }
  return { deqMin, deqMax, maxErr };
}
