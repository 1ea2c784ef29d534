/**
 * Hands the EngineClient to components (through a context, so tests pass an in-process one) and turns
 * engine crashes into notices in the store.
 */
import { createContext, type ReactNode, useContext, useEffect, useMemo } from 'react';
import type { EngineClient } from '../worker/engineClient';
import { useAppStoreApi } from './appStore';
import { createEngineQueries, type EngineQueries } from './engineQueries';

const EngineContext = createContext<EngineClient | null>(null);

/** The notice for a crash: what failed (the worker's own words) and what happens now. */
export function crashNotice(message: string): string {
  const detail = message.match(/\((.*)\)$/)?.[1] ?? message;
  if (/not restarted/.test(message)) {
    return `The engine worker crashed repeatedly and was stopped (${detail}). Reload the page to try again.`;
  }
  // The watchdog: a worker that exited without a word, or is stuck in a loop.
  if (/^no answer for /.test(detail)) {
    return `The engine worker stopped answering (${detail}, far longer than the work asked for) and was restarted with your settings kept; results are being recomputed.`;
  }
  return `The engine worker crashed (${detail}). It was restarted with your settings kept; results are being recomputed.`;
}

/** The status shown when a long computation was stopped so that the newer choice computes at once. */
export const SUPERSEDE_NOTICE = 'Stopped the long computation for your newer choice.';
/** The same, when it was stopped so that a file, Hub or URL tensor loads at once. */
export const SUPERSEDE_LOAD_NOTICE = 'Stopped the long computation to load the tensor you asked for.';
const SUPERSEDE_NOTICE_MS = 6000;

export function EngineProvider({ client, children }: { client: EngineClient; children: ReactNode }) {
  const store = useAppStoreApi();
  useEffect(
    () =>
      client.onCrash((error) => {
        store.getState().pushNotice('error', crashNotice(error.message));
      }),
    [client, store],
  );
  // A long computation stopped for a newer choice (EngineClient's supersession): a short status, not an error,
  // that goes by itself.
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const stop = client.onSupersede(({ reason }) => {
      const message = reason === 'load' ? SUPERSEDE_LOAD_NOTICE : SUPERSEDE_NOTICE;
      // Shown afresh each time (an identical notice would keep the first one's timer).
      const shown = store.getState().notices.find((n) => n.message === message);
      if (shown) store.getState().dismissNotice(shown.id);
      const id = store.getState().pushNotice('info', message);
      const timer = setTimeout(() => {
        timers.delete(timer);
        store.getState().dismissNotice(id);
      }, SUPERSEDE_NOTICE_MS);
      timers.add(timer);
    });
    return () => {
      stop();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [client, store]);
  return <EngineContext.Provider value={client}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineClient {
  const client = useContext(EngineContext);
  if (!client) throw new Error('useEngine must be used inside <EngineProvider>');
  return client;
}

/** Query option factories bound to the provided client. */
export function useEngineQueries(): EngineQueries {
  const client = useEngine();
  return useMemo(() => createEngineQueries(client), [client]);
}
