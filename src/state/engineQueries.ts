/**
 * react-query options for engine results (ARCHITECTURE.md §7): every input is in the key, results are a
 * pure function of it (never stale), previous data stays on screen while the next computes, and typed
 * arrays skip structural sharing. A late reply can only fill the entry of the request that made it.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { GeneratorParams } from '../core/generators.types';
import type { Scheme } from '../core/scheme';
import type { ViewParams } from '../core/view';
import type { EngineClient } from '../worker/engineClient';
import type { Channel } from './schemesSlice';

/** Retries only a call cut off by a worker crash (the restarted worker answers it); other errors show. */
export function shouldRetry(failureCount: number, error: Error): boolean {
  return error.name === 'EngineCrashedError' && failureCount < 3;
}

/** Query option factories bound to one client. */
export function createEngineQueries(client: EngineClient) {
  return {
    /** Generates (or finds resident) the dataset for `params`. */
    dataset: (params: GeneratorParams) =>
      queryOptions({
        queryKey: ['dataset', params] as const,
        queryFn: ({ signal }) => client.call('generate', [params], { signal, channel: 'data' }),
        staleTime: Infinity,
        gcTime: 10 * 60_000,
        placeholderData: keepPreviousData,
        structuralSharing: false,
        retry: shouldRetry,
        retryDelay: 50,
      }),
    /** Quantizes a resident dataset; `channel` coalesces the calls of one scheme panel. */
    quantView: (datasetId: string, scheme: Scheme, view: ViewParams, channel: Channel) =>
      queryOptions({
        queryKey: ['quantView', datasetId, scheme, view] as const,
        queryFn: ({ signal }) => client.call('quantize', [datasetId, scheme, view], { signal, channel }),
        staleTime: Infinity,
        gcTime: 5 * 60_000,
        placeholderData: keepPreviousData,
        structuralSharing: false,
        retry: shouldRetry,
        retryDelay: 50,
      }),
  };
}

export type EngineQueries = ReturnType<typeof createEngineQueries>;
