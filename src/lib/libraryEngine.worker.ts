/**
 * The library's engine worker entry: the app's (src/worker/engine.worker.ts) without helper threads. It
 * is inlined and started from a Blob URL, from where a helper worker file could not be found, and the library
 * promises a page needs no file beside it: every search runs on this worker, with the same results.
 */
import { createHandlers } from '../worker/handlers';
import { type Port, serve } from '../worker/serve';

serve(self as unknown as Port, createHandlers());
