/** The Language model tab's engine client, on its own worker (spawned on first use, shared by the tab). */
import { EngineClient } from '../../worker/engineClient';
import { spawnLmWorker } from '../../worker/spawnLmWorker';

let client: EngineClient | null = null;

export function lmClient(): EngineClient {
  client ??= new EngineClient(spawnLmWorker);
  return client;
}

/** A failed call as the user should read it: the message, and what to do when the worker said. */
export function describeLmError(error: unknown): {
  message: string;
  hint: string | null;
  code: string | null;
} {
  const e = error as { message?: unknown; hint?: unknown; code?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(error),
    hint: typeof e?.hint === 'string' ? e.hint : null,
    code: typeof e?.code === 'string' ? e.code : null,
  };
}

export function formatMegabytes(bytes: number): string {
  return bytes >= 1e9
    ? `${(bytes / 1e9).toFixed(2)} GB`
    : `${(bytes / 1e6).toFixed(bytes >= 1e7 ? 0 : 2)} MB`;
}
