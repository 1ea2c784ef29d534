/**
 * The control word of one part of a job: how this thread and a helper agree, without locks, on who runs the part.
 * This thread marks it POSTED before the message goes out; a helper CLAIMS it (POSTED -> RUNNING) by an atomic
 * compare-and-swap before running it and FINISHES it (DONE or FAILED, waking this thread); this thread TAKES BACK a
 * part still POSTED (POSTED -> TAKEN_BACK) to run it itself. Exactly one of the two compare-and-swaps wins, so a part
 * runs once. A word holds job id * 8 + phase, so a stale message (an older id) never claims a newer job's part.
 */

/** A part's phases. Exported for the tests that play a misbehaving helper. */
export const JOB_PHASE = { posted: 1, running: 2, done: 3, failed: 4, takenBack: 5 } as const;
const { posted: POSTED, running: RUNNING, done: DONE, failed: FAILED, takenBack: TAKEN_BACK } = JOB_PHASE;

/** Control words 16 apart (64 bytes): helpers writing their own word do not share a cache line. */
export const WORDS_PER_SLOT = 16;

let nextId = 1;

/** A new job id (control words hold id * 8 + phase; ids wrap before that overflows). */
export function nextJobId(): number {
  const id = nextId;
  nextId = (nextId % 0x0fffffff) + 1;
  return id;
}

/** Marks a part as posted, before its message goes out. */
export function markPosted(control: Int32Array, slot: number, id: number): void {
  Atomics.store(control, slot, id * 8 + POSTED);
}

/** The helper side: claims a part if still posted (false: taken back, or a stale message). */
export function claimJob(control: Int32Array, slot: number, id: number): boolean {
  const posted = id * 8 + POSTED;
  return Atomics.compareExchange(control, slot, posted, id * 8 + RUNNING) === posted;
}

/** The helper side: reports a claimed part DONE or FAILED and wakes the thread waiting for it. */
export function finishJob(control: Int32Array, slot: number, id: number, ok: boolean): void {
  Atomics.store(control, slot, id * 8 + (ok ? DONE : FAILED));
  Atomics.notify(control, slot);
}

/** This thread's side: takes a posted part back (true) unless a helper has claimed it already. */
export function takeBackJob(control: Int32Array, slot: number, id: number): boolean {
  const posted = id * 8 + POSTED;
  return Atomics.compareExchange(control, slot, posted, id * 8 + TAKEN_BACK) === posted;
}
