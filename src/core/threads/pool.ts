/**
 * The helper threads this thread may share work with, and waiting on them. Helpers are registered by whoever can
 * make threads (src/worker/helperWorkers.ts: Web Workers when the page is cross-origin isolated;
 * src/node/helperThreads.ts: worker_threads for the bench and the tests). Without any, or where SharedArrayBuffer is
 * missing, every job runs on this thread, with the same results.
 *
 * This thread never depends on a helper: it waits (Atomics.wait) only for a part a helper has claimed, and a helper
 * that stays silent past `timeoutMs` in a claimed part is dropped for good, and stopped where it can be.
 */
import { sharedMemoryAvailable } from '../wasm/wasmModule';
import { JOB_PHASE } from './control';
import type { HelperJob } from './jobs';

/** A helper thread as this thread sees it: something that delivers a part to `runHelperJob` (helper.ts) over there. */
export interface Helper {
  post(job: HelperJob): void;
  /**
   * Ends the thread, where it can be (a Worker's terminate): called when the helper is dropped, so that one gone
   * silent in a part cannot wake later and write into a tensor's memory in place (or a shared buffer) after this
   * thread has run the part again.
   */
  stop?(): void;
}

/**
 * Each helper's share of a job is posted as this many parts. When this thread has done its own share it takes back
 * the parts not yet claimed, from the last, so a helper that started late or runs slower leaves this thread waiting
 * for at most about one part, not its whole share.
 */
export const PARTS_PER_HELPER = 4;

const DEFAULT_TIMEOUT_MS = 10_000;

const pool: { helpers: Helper[]; timeoutMs: number } = { helpers: [], timeoutMs: DEFAULT_TIMEOUT_MS };

/**
 * Sets the helper threads (none: every job runs on this thread). `timeoutMs`: how long a claimed part may run
 * before its helper is dropped (tests make it short).
 */
export function setHelpers(helpers: readonly Helper[], options: { timeoutMs?: number } = {}): void {
  pool.helpers = [...helpers];
  pool.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** The helpers in the pool now (none where memory cannot be shared). */
export function helperPool(): readonly Helper[] {
  return sharedMemoryAvailable() ? pool.helpers : [];
}

/** Threads a large job is split over now: this one plus the helpers still in the pool. */
export function threadCount(): number {
  return 1 + helperPool().length;
}

/** A shared buffer kept from one job to the next while big enough (a new one costs its zeroed pages). */
export interface SharedBufferPool {
  /** A buffer of at least `bytes`: the kept one unless it is too small or over 4x too big; null if none can be had. */
  take(bytes: number): SharedArrayBuffer | null;
  /** Forgets the kept buffer (a helper may still write into it): the next job takes a new one. */
  discard(): void;
}

const bufferPools: SharedBufferPool[] = [];

/** A pool of one shared buffer, discarded with every other when a helper is dropped. */
export function sharedBufferPool(): SharedBufferPool {
  let kept: SharedArrayBuffer | null = null;
  const buffers: SharedBufferPool = {
    take(bytes) {
      // over 4x too big: a 4096² job followed by 1024² ones should not hold on to 80 MB
      if (kept && kept.byteLength >= bytes && kept.byteLength <= 4 * bytes) return kept;
      try {
        kept = new SharedArrayBuffer(bytes);
      } catch {
        kept = null;
      }
      return kept;
    },
    discard() {
      kept = null;
    },
  };
  bufferPools.push(buffers);
  return buffers;
}

/** Stops using a helper (it could not take a message, or went silent), and the buffers it may still write. */
export function dropHelper(helper: Helper): void {
  pool.helpers = pool.helpers.filter((h) => h !== helper);
  for (const buffers of bufferPools) buffers.discard();
  try {
    helper.stop?.();
  } catch {
    // already gone
  }
}

/**
 * Waits for a part a helper claimed: true once it is DONE, false if it FAILED, timed out (the helper is dropped) or
 * this thread cannot wait (a browser's main thread: the pool is emptied).
 */
export function awaitJob(helper: Helper, control: Int32Array, slot: number, id: number): boolean {
  const running = id * 8 + JOB_PHASE.running;
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
      setHelpers([]);
      return false;
    }
    state = Atomics.load(control, slot);
    if (outcome === 'timed-out' && state === running) {
      dropHelper(helper);
      return false;
    }
  }
  return state === id * 8 + JOB_PHASE.done;
}
