/**
 * The library's own engine worker: the worker bundle is inlined into the library file and started from a Blob
 * URL (Vite `?worker&inline`), so a page that embeds the explorer needs no worker file of its own and no
 * same-origin hosting of one (a worker script from a CDN could not be started cross-origin).
 */

import type { EnginePort } from '../worker/engineClient';
import EngineWorker from './libraryEngine.worker.ts?worker&inline';

export function spawnInlineWorker(): EnginePort {
  return new EngineWorker({ name: 'quant-engine' });
}
