/**
 * Helper threads for the Q4_K / Q6_K searches and the measuring passes of large tensors in Node (the bench and the tests; the app makes Web Workers in
 * src/worker/engine.worker.ts): starts `count` worker_threads running kquantHelper.ts, waits until each has
 * compiled and warmed its kernel, and registers them with src/core/wasm/kquantThreads.ts; `stop` unregisters and
 * ends them. The workers load TypeScript through tsx (kquantHelperEntry.mjs), as the bench itself does.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type KquantHelper, setKquantHelpers } from '../core/wasm/kquantThreads';

/** One helper per core beyond this one, at most three (the split's gain flattens while its copies do not). */
export function defaultHelperCount(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/** Started helpers: as registered, and how to unregister and stop them. */
export interface KquantThreads {
  helpers: KquantHelper[];
  stop(): Promise<void>;
}

export async function startKquantThreads(count = defaultHelperCount()): Promise<KquantThreads> {
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
  const helpers: KquantHelper[] = workers.map((worker) => ({
    post: (job) => worker.postMessage(job),
    stop: () => void worker.terminate(),
  }));
  setKquantHelpers(helpers);
  return {
    helpers,
    async stop() {
      setKquantHelpers([]);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
