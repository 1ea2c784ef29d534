/**
 * Hands the EngineClient to components (through a context, so tests pass an in-process one) and turns
 * engine crashes into notices in the store.
 */
import { createContext, type ReactNode, useContext, useEffect, useMemo } from 'react';
import type { EngineClient } from '../worker/engineClient';
import { useAppStoreApi } from './appStore';
import { createEngineQueries, type EngineQueries } from './engineQueries';

const EngineContext = createContext<EngineClient | null>(null);

export function EngineProvider({ client, children }: { client: EngineClient; children: ReactNode }) {
  const store = useAppStoreApi();
  useEffect(
    () =>
      client.onCrash((error) => {
        const restarted = !/not restarted/.test(error.message);
        store
          .getState()
          .pushNotice(
            'error',
            restarted
              ? `The engine worker crashed (${error.message.replace(/^the engine stopped unexpectedly /, '')}). It was restarted and your settings are kept; results are being recomputed.`
              : `The engine worker crashed repeatedly and was stopped (${error.message}). Reload the page to try again.`,
          );
      }),
    [client, store],
  );
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
