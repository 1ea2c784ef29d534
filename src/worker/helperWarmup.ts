/**
 * A helper thread's warm-up (the Web Worker's, src/worker/helper.worker.ts, and Node's, src/node/helperThread.ts):
 * runs the kernels and the measuring pass a few times on small made-up tensors when the helper starts, so that its
 * first real parts run in V8's optimising tier rather than its baseline one (about 1.5x slower). It drives the whole
 * engine (computeQuantView), which is why it lives here and not beside the thread protocol in core.
 */
import { computeQuantView } from '../core/quantView';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type Scheme } from '../core/scheme';
import { createTensorCache } from '../core/tensorCache';
import { DEFAULT_VIEW } from '../core/view';
import {
  KQUANT_TYPE,
  type KRowsOutput,
  kquantKernelAvailable,
  quantizeKRowsOnKernel,
  warmSharedKquantKernel,
} from '../core/wasm/kquantKernel';

/**
 * Runs both searches a few times on a small made-up tensor, so that a new helper's first real part runs in V8's
 * optimising tier rather than its baseline one (about 1.5x slower): call it once when a helper starts. False
 * where the kernel cannot run.
 */
export function warmKquantKernel(): boolean {
  if (!kquantKernelAvailable()) return false;
  const rows = 8;
  const cols = 512;
  const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
  // one set of outputs, big enough for Q6_K's sub-blocks of 16 (Q4_K uses the first half of A and B)
  const out: KRowsOutput = {
    codes: new Int16Array(rows * cols),
    dequantized: new Float32Array(rows * cols),
    A: new Float32Array((rows * cols) / 16),
    B: new Float32Array((rows * cols) / 16),
  };
  for (let round = 0; round < 30; round++) {
    quantizeKRowsOnKernel(KQUANT_TYPE.q4_k, data, rows, cols, 32, out);
    quantizeKRowsOnKernel(KQUANT_TYPE.q6_k, data, rows, cols, 16, out);
  }
  // the in-place parts run the shared-memory variant of the kernel, a module of its own
  warmSharedKquantKernel(data, rows, cols);
  return true;
}

/**
 * Runs the measuring pass a few times, in every way of counting, on a small made-up tensor in a shared memory, so
 * that a new helper's first real parts run in V8's optimising tiers (the shared-memory kernel is a module of its
 * own, and measureBands is JS): call it once when a helper starts.
 */
export function warmMeasureKernel(): void {
  const rows = 64;
  const cols = 512;
  const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
  const tensor = { rows, cols, data };
  const cache = createTensorCache(tensor, { wasm: true, keepFormats: false, sharedMemory: true });
  if (cache.kernel?.sharedId == null) return;
  for (let round = 0; round < 12; round++)
    for (const scheme of WARM_SCHEMES)
      computeQuantView(tensor, scheme, { ...DEFAULT_VIEW, bins: 60 + round }, cache);
}

const WARM_SCHEMES: Scheme[] = [
  { kind: 'block', format: 'mxfp4' },
  { kind: 'block', format: 'nf4' },
  { ...DEFAULT_SCHEME_B, bits: 4, granularity: { kind: 'group', size: 64 } },
  { ...DEFAULT_SCHEME_A, granularity: { kind: 'row' } },
];
