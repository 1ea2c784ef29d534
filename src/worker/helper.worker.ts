/**
 * A helper Web Worker (started by helperWorkers.ts from the engine worker): warms the kernels and the shared-memory
 * measuring pass, then runs every part it is posted, of a Q4_K / Q6_K search or of a large tensor's measuring pass
 * (src/core/threads/helper.ts `runHelperJob`).
 */
import { runHelperJob } from '../core/threads/helper';
import type { HelperJob } from '../core/threads/jobs';
import { warmKquantKernel, warmMeasureKernel } from './helperWarmup';

warmKquantKernel();
warmMeasureKernel();
self.onmessage = (event: MessageEvent<HelperJob>) => runHelperJob(event.data);
