/**
 * A helper Web Worker (started by kquantHelpers.ts from the engine worker): warms the k-quant kernel and the
 * shared-memory measuring pass, then runs every part it is posted, of a Q4_K / Q6_K search or of a large tensor's
 * measuring pass (src/core/measureThreads.ts `runHelperJob`).
 */
import { type MeasureJob, runHelperJob } from '../core/measureThreads';
import type { KquantJob } from '../core/wasm/kquantThreads';
import { warmKquantKernel, warmMeasureKernel } from './helperWarmup';

warmKquantKernel();
warmMeasureKernel();
self.onmessage = (event: MessageEvent<KquantJob | MeasureJob>) => runHelperJob(event.data);
