/**
 * A helper thread's side of every job: call `runHelperJob` with every message the helper receives. A part is run
 * only if it is still posted (the helper claims it first), so a late or stale message does nothing.
 */
import type { HelperJob } from './jobs';
import { runKquantJob } from './kquantJob';
import { runMeasureJob } from './measureJob';

export function runHelperJob(job: HelperJob): void {
  if (job.kind === 'measure') runMeasureJob(job);
  else runKquantJob(job);
}
