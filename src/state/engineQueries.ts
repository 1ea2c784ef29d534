/**
 * react-query options for engine results (ARCHITECTURE.md §7): every input is in the key, results are a
 * pure function of it (never stale), previous data stays on screen while the next computes, and typed
 * arrays skip structural sharing. A late reply can only fill the entry of the request that made it.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { GeneratorParams } from '../core/generators.types';
import type { LlmInt8Params } from '../core/llmInt8View';
import type { IntegerScheme, Scheme } from '../core/scheme';
import type { ViewParams } from '../core/view';
import type { EngineClient } from '../worker/engineClient';
import { noteWorkerResult } from './sameFrame';
import type { Channel } from './schemesSlice';

/** Retries only a call cut off by a worker crash (the restarted worker answers it); other errors show. */
export function shouldRetry(failureCount: number, error: Error): boolean {
  return error.name === 'EngineCrashedError' && failureCount < 3;
}

/**
 * Also retries a call that a newer one replaced while it waited, for the query asked again meanwhile (a query left
 * unobserved does not retry: react-query stops its retries when its last observer goes).
 */
export function retrySuperseded(failureCount: number, error: Error): boolean {
  return shouldRetry(failureCount, error) || (error.name === 'AbortError' && failureCount < 3);
}

/**
 * What every engine query shares: a result is a pure function of its key (never stale), the previous one stays on
 * screen while the next computes, typed arrays skip structural sharing, and only a crash-interrupted call retries.
 */
const ENGINE_RESULT = {
  staleTime: Infinity,
  placeholderData: keepPreviousData,
  structuralSharing: false,
  retry: shouldRetry,
  retryDelay: 50,
} as const;

/** Query option factories bound to one client. */
export function createEngineQueries(client: EngineClient) {
  return {
    /** Generates (or finds resident) the dataset for `params`. */
    dataset: (params: GeneratorParams) =>
      queryOptions({
        queryKey: ['dataset', params] as const,
        queryFn: ({ signal }) => client.call('generate', [params], { signal, channel: 'data' }),
        ...ENGINE_RESULT,
        gcTime: 10 * 60_000,
      }),
    /**
     * Quantizes a resident dataset. `channel` paces the calls of one scheme panel (the client's coalescing: one in
     * flight, a newer call replaces the waiting one). No abort signal: a call already running finishes and fills its
     * entry when the panel has moved on, so a drag shows each result as it lands (useQuantView), unless it has kept
     * the worker busy for 1.5 s with a newer call waiting: then the client stops it (EngineClient's supersession)
     * and it rejects with an AbortError, retried by `retrySuperseded` only if the panel asks for it again.
     */
    quantView: (datasetId: string, scheme: Scheme, view: ViewParams, channel: Channel) =>
      queryOptions({
        queryKey: ['quantView', datasetId, scheme, view] as const,
        queryFn: async () => {
          const result = await client.call('quantize', [datasetId, scheme, view, channel], { channel });
          noteWorkerResult(client, datasetId, scheme, view, channel, result);
          return result;
        },
        ...ENGINE_RESULT,
        retry: retrySuperseded,
        gcTime: 5 * 60_000,
      }),
    /**
     * The three clipping searches' ranges for `group` of a resident dataset. `base` is the scheme with its
     * clipping set aside (null: it clips with none of them, so nothing is asked); `panel` names the chart
     * panel, whose calls coalesce on their own channel.
     */
    clipThresholds: (
      datasetId: string | undefined,
      base: IntegerScheme | null,
      group: number,
      panel: string,
    ) =>
      queryOptions({
        queryKey: ['clipThresholds', datasetId, base, group] as const,
        // Only runs when enabled, i.e. with a dataset and a scheme, so the fallbacks are never sent.
        queryFn: ({ signal }) =>
          client.call('clipThresholds', [datasetId ?? '', base as IntegerScheme, group], {
            signal,
            channel: `clip-thresholds-${panel}`,
          }),
        enabled: base !== null && datasetId !== undefined,
        ...ENGINE_RESULT,
        gcTime: 5 * 60_000,
      }),
    /** The LLM.int8() result for a resident dataset (one channel: a newer parameter set replaces a waiting one). */
    llmInt8: (datasetId: string | undefined, params: LlmInt8Params) =>
      queryOptions({
        queryKey: ['llmInt8', datasetId, params] as const,
        // Only runs when enabled, i.e. with a dataset, so the fallback is never sent.
        queryFn: ({ signal }) =>
          client.call('llmInt8', [datasetId ?? '', params], { signal, channel: 'llm-int8' }),
        enabled: datasetId !== undefined,
        ...ENGINE_RESULT,
        gcTime: 5 * 60_000,
      }),
  };
}

export type EngineQueries = ReturnType<typeof createEngineQueries>;
