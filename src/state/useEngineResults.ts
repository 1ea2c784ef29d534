/**
 * Hooks that read worker results for the current choices: the dataset summary and each scheme's QuantView.
 * They ask for what the user chose, on every change; the pacing is the engine client's (a scheme panel's calls
 * share its channel: one in flight, and only the newest choice waits, so a drag sends at most one request in flight
 * plus the latest). What a panel shows is the newest result among those it asked for, so a drag shows each result as
 * it lands and a late reply never replaces a newer one. A choice whose result is cached is shown at once.
 */
import { hashKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shallow } from 'zustand/shallow';
import type { Scheme } from '../core/scheme';
import type { QuantView, ViewParams } from '../core/view';
import { isAbortError } from '../worker/engineClient';
import type { DatasetSummary } from '../worker/protocol';
import { useAppStore, useAppStoreApi } from './appStore';
import { useEngine, useEngineQueries } from './engineContext';
import { shouldRetry } from './engineQueries';
import { computeNow } from './sameFrame';
import type { Channel } from './schemesSlice';
import { selectViewParams } from './selectors';

export interface DatasetResult {
  /** The newest dataset summary available (the previous one while a new dataset generates). */
  dataset: DatasetSummary | undefined;
  /** True while the dataset for the current generator parameters is being made. */
  generating: boolean;
  error: Error | null;
}

/** The dataset for the current generator parameters. */
export function useDataset(): DatasetResult {
  const queries = useEngineQueries();
  const generator = useAppStore((s) => s.generator);
  const query = useQuery(queries.dataset(generator));
  const last = useRef<DatasetSummary | undefined>(undefined);
  if (query.data) last.current = query.data;
  const error: Error | null = query.error !== null && !isAbortError(query.error) ? query.error : null;
  const dataset = last.current;
  const generating = query.isFetching || query.isPlaceholderData;
  // A stable object while nothing changed, so memoised panels skip re-rendering.
  return useMemo(() => ({ dataset, generating, error }), [dataset, generating, error]);
}

export type ResultStatus = 'idle' | 'computing' | 'ready' | 'error';

export interface QuantResultState {
  /** The newest result on screen (kept while the next computes, and after an error). */
  view: QuantView | undefined;
  /** `ready`: `view` answers the current choices; `computing`: a newer result is on its way. */
  status: ResultStatus;
  /** The engine's error for the current choices (e.g. "group size must be ≥ 1"). */
  error: (Error & { field?: string }) | null;
  /** The scheme and view that `view` answers. */
  requested: { scheme: Scheme; view: ViewParams } | null;
}

interface Request {
  datasetId: string;
  scheme: Scheme;
  view: ViewParams;
}

/** A request asked of the engine, by its query hash (the react-query cache's key). */
interface Asked {
  hash: string;
  request: Request;
}

/** The QuantView of one channel for the current dataset, scheme and view. */
export function useQuantView(
  channel: Channel,
  datasetId: string | undefined,
  enabled = true,
): QuantResultState {
  const queries = useEngineQueries();
  const scheme = useAppStore((s) => s.schemes[channel]);
  const viewParams = useAppStore(useShallow((s) => selectViewParams(s, channel)));
  const wanted = useMemo<Request | null>(
    () => (datasetId === undefined ? null : { datasetId, scheme, view: viewParams }),
    [datasetId, scheme, viewParams],
  );
  const options = queries.quantView(wanted?.datasetId ?? '', scheme, viewParams, channel);
  const query = useQuery({ ...options, enabled: enabled && wanted !== null });
  useEarlyRequest(channel, datasetId, enabled);
  const shown = useNewestAsked(
    wanted && enabled ? { hash: hashKey(options.queryKey), request: wanted } : null,
  );

  const error =
    query.error && !isAbortError(query.error) ? (query.error as Error & { field?: string }) : null;
  let status: ResultStatus = 'idle';
  if (!enabled || !wanted) status = 'idle';
  else if (query.isFetching || query.isPlaceholderData || (query.isPending && !error)) status = 'computing';
  else if (error) status = 'error';
  else if (query.isSuccess) status = 'ready';

  // A stable object while nothing changed, so a memoised panel skips re-rendering.
  return useMemo(
    () => ({
      view: shown?.view,
      status,
      error,
      requested: shown ? { scheme: shown.request.scheme, view: shown.request.view } : null,
    }),
    [shown, status, error],
  );
}

/**
 * Answers a scheme or view change from the store's change itself (e.g. the slider's key press), before React
 * renders it. When the same-frame engine can compute it at once (state/sameFrame.ts: a small tensor, a kind of
 * scheme that costs less than a frame's share), its result goes into the cache, so the render that shows the new
 * setting shows its histogram too, in the same frame. Otherwise the request is sent now: the engine then computes
 * while the page renders the new setting and paints it, instead of after. The render's query finds its result
 * cached, or its request in flight (same key) and waits for it.
 */
function useEarlyRequest(channel: Channel, datasetId: string | undefined, enabled: boolean): void {
  const store = useAppStoreApi();
  const queryClient = useQueryClient();
  const queries = useEngineQueries();
  const engine = useEngine();
  useEffect(() => {
    if (!enabled || datasetId === undefined) return;
    return store.subscribe((state, previous) => {
      const scheme = state.schemes[channel];
      const view = selectViewParams(state, channel);
      if (scheme === previous.schemes[channel] && shallow(view, selectViewParams(previous, channel))) return;
      const options = queries.quantView(datasetId, scheme, view, channel);
      if (queryClient.getQueryState(options.queryKey)?.fetchStatus === 'fetching') return;
      if (queryClient.getQueryData(options.queryKey) !== undefined) return;
      const now = computeNow(engine, datasetId, scheme, view, channel);
      if (now) {
        queryClient.setQueryData(options.queryKey, now);
        return;
      }
      // A request a newer change replaces before it runs is not retried (only a render's query asks again).
      void queryClient.prefetchQuery({ ...options, retry: shouldRetry });
    });
  }, [store, queryClient, queries, engine, channel, datasetId, enabled]);
}

/**
 * The newest result, among the requests this hook asked for, that the cache holds: the current request's once it
 * lands, else the latest earlier one that landed (each lands in the order asked, one channel). Nothing asked before
 * a shown result can replace it; the shown result is kept even after the cache drops it.
 */
function useNewestAsked(current: Asked | null): { view: QuantView; request: Request } | null {
  const queryCache = useQueryClient().getQueryCache();
  const asked = useRef<Asked[]>([]);
  const shown = useRef<{ view: QuantView; request: Request } | null>(null);
  const [, landed] = useReducer((n: number) => n + 1, 0);

  if (current && asked.current.at(-1)?.hash !== current.hash) {
    asked.current = [...asked.current.filter((a) => a.hash !== current.hash), current];
  }
  for (let i = asked.current.length - 1; i >= 0; i--) {
    const { hash, request } = asked.current[i];
    const view = queryCache.get<QuantView>(hash)?.state.data;
    if (view === undefined) continue;
    if (shown.current?.view !== view) shown.current = { view, request };
    asked.current = asked.current.slice(i);
    break;
  }

  // An earlier request's result lands while its query has no observer: render again to show it.
  useEffect(
    () =>
      queryCache.subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'success') return;
        if (asked.current.some((a) => a.hash === event.query.queryHash)) landed();
      }),
    [queryCache],
  );
  return shown.current;
}

/** True once `active` has stayed true for `delayMs` (a busy indicator that does not flicker on fast updates). */
export function useDelayedFlag(active: boolean, delayMs = 150): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!active) {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => setShown(true), delayMs);
    return () => clearTimeout(timer);
  }, [active, delayMs]);
  return shown && active;
}
