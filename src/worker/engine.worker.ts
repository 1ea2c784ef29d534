/** The Web Worker entry: serves the engine handlers on the worker's global scope, with helper threads (src/core/threads/). */
import { createHandlers } from './handlers';
import { startHelperWorkers } from './helperWorkers';
import { type Port, serve } from './serve';

startHelperWorkers();
serve(self as unknown as Port, createHandlers());
