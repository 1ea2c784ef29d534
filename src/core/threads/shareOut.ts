/**
 * How a job is shared out, the same for every kind of job: post each helper its parts, run this thread's own share,
 * then, from the last part back, take back and run every part no helper has claimed yet (a helper still starting,
 * or busy), wait only for the parts already running, and run here again every part whose helper failed or went
 * silent. The caller stays synchronous and its results never depend on which thread ran which part.
 */
import { markPosted, takeBackJob } from './control';
import type { HelperJob } from './jobs';
import { awaitJob, dropHelper, type Helper } from './pool';

/** One part of a job and the helper it is posted to (`helperIndex`: that helper's place among the job's helpers). */
export interface Part<J extends HelperJob = HelperJob> {
  helper: Helper;
  helperIndex: number;
  job: J;
}

/** What the job itself does with its parts. */
export interface ShareOutSteps<P extends Part> {
  /** This thread's own share, run while the helpers start on theirs. */
  runOwn(): void;
  /** Runs a part on this thread: one no helper claimed, or whose helper failed. */
  runHere(part: P): void;
  /** Takes in the results of a part a helper ran. */
  collect(part: P): void;
  /**
   * A helper's parts succeed or fail together (a measuring helper counts all its parts into one scratch, which a
   * failure leaves half counted): every part of a helper with a failed part runs here again.
   */
  failTogether?: boolean;
}

/** Shares `parts` out over their helpers and this thread; returns whether a helper failed or went silent in one. */
export function shareOut<P extends Part>(
  parts: readonly P[],
  control: Int32Array,
  steps: ShareOutSteps<P>,
): boolean {
  const posted = new Set<P>();
  for (const part of parts) {
    const { slot, id } = part.job;
    markPosted(control, slot, id);
    try {
      part.helper.post(part.job);
      posted.add(part);
    } catch {
      // this helper cannot take the message (no shared memory across threads here, a worker that failed to start):
      // its part runs here, and it is not asked again
      dropHelper(part.helper);
      takeBackJob(control, slot, id);
    }
  }
  steps.runOwn();
  const claimed: P[] = [];
  for (let k = parts.length - 1; k >= 0; k--) {
    const part = parts[k];
    if (posted.has(part) && !takeBackJob(control, part.job.slot, part.job.id)) claimed.unshift(part);
    else steps.runHere(part);
  }
  const failed = new Set<P>();
  for (const part of claimed)
    if (!awaitJob(part.helper, control, part.job.slot, part.job.id)) failed.add(part);
  const failedHelpers = new Set([...failed].map((part) => part.helperIndex));
  for (const part of claimed) {
    const again = failed.has(part) || (steps.failTogether === true && failedHelpers.has(part.helperIndex));
    if (again) steps.runHere(part);
    else steps.collect(part);
  }
  return failed.size > 0;
}
