/**
 * The language-model tab's own Web Worker: the same handlers as the engine worker (so the same client and
 * protocol), but a separate thread, so a GPT-2 forward pass of several seconds never delays the explorer.
 * No k-quant helper threads: the tab's quantization runs on this thread.
 */
import { createHandlers } from './handlers';
import { type Port, serve } from './serve';

serve(self as unknown as Port, createHandlers());
