/**
 * Helper Web Workers for the thread pool of src/core/threads/ (the Q4_K / Q6_K searches and large tensors' measuring
 * passes), registered by the engine worker. They need SharedArrayBuffer, which a browser gives only to a
 * cross-origin isolated page (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`, as vite.config.ts
 * does); elsewhere (a static host without those headers) none are made and every search runs on the engine
 * worker, with the same results. The library's inlined worker (src/lib/libraryEngine.worker.ts) makes none.
 *
 * A helper is started on its first job, not with the engine: a session on small tensors (under 2^18 values, never
 * split) costs no thread. Its first parts are usually taken back by the engine (the helper is still loading), which
 * is correct.
 */
import { type Helper, setHelpers } from '../core/threads/pool';

/** How many helpers this context can use: one per core beyond the engine's, at most three; 0 if not isolated. */
export function helperWorkerCount(scope: {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}): number {
  if (scope.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') return 0;
  return Math.max(0, Math.min(3, (scope.navigator?.hardwareConcurrency ?? 1) - 1));
}

/**
 * A helper whose worker starts with its first job. A worker that fails to load (its script missing, a content
 * policy) would never claim a part; its next job throws instead, and the engine drops the helper.
 */
export function lazyHelper(): Helper {
  let worker: Worker | null = null;
  let failed = false;
  return {
    post(job) {
      if (failed) throw new Error('the helper worker failed to start');
      if (!worker) {
        worker = new Worker(new URL('./helper.worker.ts', import.meta.url), {
          type: 'module',
          name: 'engine-helper',
        });
        worker.addEventListener('error', () => {
          failed = true;
        });
      }
      worker.postMessage(job);
    },
    stop() {
      worker?.terminate();
      failed = true;
    },
  };
}

/** Registers the helpers this worker can use and returns their number. */
export function startHelperWorkers(): number {
  const count = helperWorkerCount(globalThis as Parameters<typeof helperWorkerCount>[0]);
  setHelpers(Array.from({ length: count }, lazyHelper));
  return count;
}
