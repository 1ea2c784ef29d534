// A worker thread's entry cannot be TypeScript, and the parent's tsx hooks do not reach the worker: register
// tsx here, then load the helper (helperThread.ts).
import { register } from 'tsx/esm/api';

register();
await import('./helperThread.ts');
