/** Spawns the engine Web Worker (MDN's bundler-friendly form; Vite bundles the worker as an ES module). */
import type { EnginePort } from './engineClient';

export function spawnEngineWorker(): EnginePort {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'quant-engine' });
}
