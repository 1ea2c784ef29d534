/**
 * Helper threads for the Q4_K / Q6_K searches in Node (the bench and the tests; the app makes Web Workers in
 * src/worker/engine.worker.ts): starts `count` worker_threads running kquantHelper.ts, waits until each has
 * compiled its kernel, and registers them with src/core/wasm/kquantThreads.ts. The returned function unregisters
 * and stops them. The workers load TypeScript through tsx, as the bench itself does.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { setKquantHelpers } from '../core/wasm/kquantThreads';

/** One helper per core beyond this one, at most three (the split's gain flattens while its copies do not). */
export function defaultHelperCount(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

export async function startKquantThreads(count = defaultHelperCount()): Promise<() => Promise<void>> {
  const entry = new URL('./kquantHelperEntry.mjs', import.meta.url);
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
  setKquantHelpers(workers.map((worker) => ({ post: (job) => worker.postMessage(job) })));
  return async () => {
    setKquantHelpers([]);
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
}
