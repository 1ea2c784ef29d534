/**
 * Helper threads for the thread pool of src/core/threads/ (the Q4_K / Q6_K searches and the measuring passes of
 * large tensors) in Node: the bench and the tests (the app makes Web Workers: src/worker/helperWorkers.ts). Starts
 * `count` worker_threads running helperThread.ts, waits until each has compiled and warmed its kernels, and registers
 * them with the pool; `stop` unregisters and ends them. The workers load TypeScript through tsx
 * (helperThreadEntry.mjs), as the bench itself does.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Helper, setHelpers } from '../core/threads/pool';

/** One helper per core beyond this one, at most three (the split's gain flattens while its copies do not). */
export function defaultHelperCount(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/** Started helpers: as registered, and how to unregister and stop them. */
export interface HelperThreads {
  helpers: Helper[];
  stop(): Promise<void>;
}

export async function startHelperThreads(count = defaultHelperCount()): Promise<HelperThreads> {
  const entry = new URL('./helperThreadEntry.mjs', import.meta.url);
  const workers = Array.from({ length: count }, () => new Worker(entry));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
    ),
  );
  const helpers: Helper[] = workers.map((worker) => ({
    post: (job) => worker.postMessage(job),
    stop: () => void worker.terminate(),
  }));
  setHelpers(helpers);
  return {
    helpers,
    async stop() {
      setHelpers([]);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
