/** Spawns the language-model tab's worker (lm.worker.ts), bundled by Vite as an ES module. */
import type { EnginePort } from './engineClient';

export function spawnLmWorker(): EnginePort {
  return new Worker(new URL('./lm.worker.ts', import.meta.url), { type: 'module', name: 'quant-lm' });
}
