/**
 * A k-quant helper Web Worker (started by kquantHelpers.ts from the engine worker): warms the k-quant kernel, then
 * runs every part of a Q4_K / Q6_K search it is posted (src/core/wasm/kquantThreads.ts `runKquantJob`).
 */
import { type MeasureJob, runHelperJob, warmMeasureKernel } from '../core/measureThreads';
import { type KquantJob, warmKquantKernel } from '../core/wasm/kquantThreads';

warmKquantKernel();
warmMeasureKernel();
self.onmessage = (event: MessageEvent<KquantJob | MeasureJob>) => runHelperJob(event.data);
