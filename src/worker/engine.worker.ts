/** The Web Worker entry: serves the engine handlers on the worker's global scope, with k-quant helper threads. */
import { createHandlers } from './handlers';
import { startKquantHelpers } from './kquantHelpers';
import { type Port, serve } from './serve';

startKquantHelpers();
serve(self as unknown as Port, createHandlers());
