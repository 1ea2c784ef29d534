/**
 * react-query options for opening sources and loading tensors (ARCHITECTURE.md §7). Keys hold what identifies
 * the source (file name, size and mtime; endpoint + model + file), never the token, so re-opening the same
 * files or model lists from the cache, and re-picking a tensor makes no request at all.
 */
import { queryOptions } from '@tanstack/react-query';
import type { EngineClient } from '../worker/engineClient';
import { type LoadProgress, type OpenSource, sourceKeyOf } from '../worker/loadProtocol';

/** Listings and loaded summaries are small (File handles, names, shapes): keep them a while. */
const KEEP_MS = 30 * 60_000;

export function createLoadQueries(client: EngineClient) {
  return {
    /** Lists the tensors of `source` (headers only, in the worker). */
    open: (source: OpenSource) =>
      queryOptions({
        queryKey: ['open', sourceKeyOf(source)] as const,
        queryFn: ({ signal }) => client.call('open', [source], { signal }),
        staleTime: Infinity,
        gcTime: KEEP_MS,
        structuralSharing: false,
        retry: false,
      }),
    /**
     * Makes `tensor` of `source` resident in the worker. `onProgress` hears about this fetch only (a cached
     * result answers at once, without progress). Not retried: a load that crashed the worker would again.
     */
    load: (source: OpenSource, tensor: string, onProgress?: (progress: LoadProgress) => void) =>
      queryOptions({
        queryKey: ['load', sourceKeyOf(source), tensor] as const,
        queryFn: ({ signal }) => client.call('load', [source, tensor], { signal, onProgress }),
        staleTime: Infinity,
        gcTime: KEEP_MS,
        structuralSharing: false,
        retry: false,
      }),
  };
}

export type LoadQueries = ReturnType<typeof createLoadQueries>;
