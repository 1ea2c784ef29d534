/**
 * A helper thread for Node (worker_threads), started by kquantThreads.ts: compiles and warms the k-quant kernel and
 * the shared-memory measuring pass, says it is ready, then runs every part it is posted, of a Q4_K / Q6_K search or
 * of a measuring pass (src/core/measureThreads.ts `runHelperJob`).
 */
import { parentPort } from 'node:worker_threads';
import { type MeasureJob, runHelperJob } from '../core/measureThreads';
import type { KquantJob } from '../core/wasm/kquantThreads';
import { warmKquantKernel, warmMeasureKernel } from '../worker/helperWarmup';

if (!parentPort) throw new Error('kquantHelper.ts runs as a worker thread');
const port = parentPort;
port.on('message', (job: KquantJob | MeasureJob) => runHelperJob(job));
const ready = warmKquantKernel();
warmMeasureKernel();
port.postMessage({ ready });
