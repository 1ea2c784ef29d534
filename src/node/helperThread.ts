/**
 * A helper thread for Node (worker_threads), started by helperThreads.ts: compiles and warms the kernels and the
 * shared-memory measuring pass, says it is ready, then runs every part it is posted, of a Q4_K / Q6_K search or of
 * a measuring pass (src/core/threads/helper.ts `runHelperJob`).
 */
import { parentPort } from 'node:worker_threads';
import { runHelperJob } from '../core/threads/helper';
import type { HelperJob } from '../core/threads/jobs';
import { warmKquantKernel, warmMeasureKernel } from '../worker/helperWarmup';

if (!parentPort) throw new Error('helperThread.ts runs as a worker thread');
const port = parentPort;
port.on('message', (job: HelperJob) => runHelperJob(job));
const ready = warmKquantKernel();
warmMeasureKernel();
port.postMessage({ ready });
