/** The Web Worker entry: serves the engine handlers on the worker's global scope. */
import { createHandlers } from './handlers';
import { type Port, serve } from './serve';

serve(self as unknown as Port, createHandlers());
