/**
 * Hooks that read worker results for the current choices: the dataset summary and each scheme's
 * QuantView. A scheme's requests are paced by its results: while one is computing, newer choices wait
 * and only the newest is sent when it lands. So a drag shows every result as soon as it arrives, and no
 * result ever arrives after a newer request was made (it would be stale). A choice whose result is
 * already cached is shown at once.
 */
import { hashKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Scheme } from '../core/scheme';
import type { QuantView, ViewParams } from '../core/view';
import { isAbortError } from '../worker/engineClient';
import type { DatasetSummary } from '../worker/protocol';
import { useAppStore } from './appStore';
import { useEngineQueries } from './engineContext';
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

/** The QuantView of one channel for the current dataset, scheme and view. */
export function useQuantView(
  channel: Channel,
  datasetId: string | undefined,
  enabled = true,
): QuantResultState {
  const queries = useEngineQueries();
  const queryClient = useQueryClient();
  const scheme = useAppStore((s) => s.schemes[channel]);
  const viewParams = useAppStore(useShallow((s) => selectViewParams(s, channel)));
  const wanted = useMemo<Request | null>(
    () => (datasetId === undefined ? null : { datasetId, scheme, view: viewParams }),
    [datasetId, scheme, viewParams],
  );

  const [requested, setRequested] = useState<Request | null>(wanted);
  const options = requested
    ? queries.quantView(requested.datasetId, requested.scheme, requested.view, channel)
    : queries.quantView('', scheme, viewParams, channel);
  const query = useQuery({ ...options, enabled: enabled && requested !== null });

  const wantedHash = wanted
    ? hashKey(queries.quantView(wanted.datasetId, wanted.scheme, wanted.view, channel).queryKey)
    : '';
  const requestedHash = requested ? hashKey(options.queryKey) : '';
  const upToDate = wantedHash === requestedHash;

  useEffect(() => {
    if (upToDate || !wanted) return;
    const cached =
      queryClient.getQueryData(
        queries.quantView(wanted.datasetId, wanted.scheme, wanted.view, channel).queryKey,
      ) !== undefined;
    // Pace: send the newest choice only when the previous request has answered (or it is cached).
    if (!query.isFetching || cached || requested === null) {
      // Start the request now rather than when the next render's useQuery subscribes: that render (the whole
      // panel) would otherwise sit between the key press and the message to the worker.
      if (!cached)
        void queryClient.prefetchQuery(
          queries.quantView(wanted.datasetId, wanted.scheme, wanted.view, channel),
        );
      setRequested(wanted);
    }
  }, [upToDate, wanted, requested, query.isFetching, queryClient, queries, channel]);

  const last = useRef<{ view: QuantView; requested: Request } | null>(null);
  if (
    query.data &&
    requested &&
    !query.isPlaceholderData &&
    (last.current?.view !== query.data || last.current.requested !== requested)
  ) {
    last.current = { view: query.data, requested };
  }

  const error =
    query.error && !isAbortError(query.error) ? (query.error as Error & { field?: string }) : null;
  let status: ResultStatus = 'idle';
  if (!enabled || !wanted) status = 'idle';
  else if (!upToDate || query.isFetching || query.isPlaceholderData || (query.isPending && !error))
    status = 'computing';
  else if (error) status = 'error';
  else if (query.isSuccess) status = 'ready';

  const shown = last.current;
  const shownError = upToDate ? error : null;
  // A stable object while nothing changed, so a memoised panel skips re-rendering.
  return useMemo(
    () => ({
      view: shown?.view,
      status,
      error: shownError,
      requested: shown ? { scheme: shown.requested.scheme, view: shown.requested.view } : null,
    }),
    [shown, status, shownError],
  );
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
