/**
 * Handler group `open` / `load`: files and Hugging Face models → resident datasets. All parsing runs here in
 * the worker (io/ over ByteSources); the page only sends File handles or a model id and receives the tensor
 * list, progress messages and a DatasetSummary. Opened sources are kept in a small cache so picking a tensor
 * after listing does not read the headers again.
 */
import { createTensor, createTensorCache, summarizeTensor } from '../core';
import { type FetchLike, loadTensor, ParseError } from '../io';
import { datasetIdFor } from './datasetStore';
import type { EngineStore } from './handlers';
import { createProgressReporter, withReadProgress } from './loadProgress';
import {
  type LoadedTensorInfo,
  loadRecipeOf,
  MAX_LOAD_VALUES,
  type OpenResult,
  type OpenSource,
  sourceKeyOf,
} from './loadProtocol';
import { type OpenedSource, openSource } from './openSource';
import type { CallContext, DatasetSummary, Handlers } from './protocol';

export interface LoadHandlerOptions {
  /** fetch for Hub requests (tests); default globalThis.fetch. */
  fetch?: FetchLike;
  /** Value limit above which rows are sampled (default MAX_LOAD_VALUES). */
  maxValues?: number;
  /** Opened sources kept (default 4). */
  maxOpened?: number;
  /** Minimum time between progress messages (default 50 ms). */
  progressIntervalMs?: number;
}

/** `open` lists, `load` makes a tensor resident. The Hub token is used for requests only, never stored in a result. */
export function createLoadHandlers(
  store: EngineStore,
  options: LoadHandlerOptions = {},
): Pick<Handlers, 'open' | 'load'> {
  const maxValues = options.maxValues ?? MAX_LOAD_VALUES;
  const maxOpened = options.maxOpened ?? 4;
  const opened = new Map<string, OpenedSource>(); // insertion order = recency

  const remember = (key: string, value: OpenedSource) => {
    opened.delete(key);
    opened.set(key, value);
    while (opened.size > maxOpened) opened.delete(opened.keys().next().value as string);
  };

  async function openCached(
    source: OpenSource,
    signal: AbortSignal | undefined,
  ): Promise<OpenedSource | Extract<OpenResult, { kind: 'choose' }>> {
    const key = sourceKeyOf(source);
    const hit = opened.get(key);
    if (hit) {
      remember(key, hit);
      return hit;
    }
    const result = await openSource(source, { signal, fetch: options.fetch });
    if ('sources' in result) remember(key, result);
    return result;
  }

  return {
    async open(source, context?: CallContext) {
      const result = await openCached(source, context?.signal);
      if (!('sources' in result)) return result;
      return { kind: 'opened', label: result.label, listing: result.listing };
    },

    async load(source, tensor, context?: CallContext) {
      const recipe = loadRecipeOf(source, tensor);
      const id = datasetIdFor(recipe);
      if (store.has(id)) return store.get(id).summary;
      const signal = context?.signal;
      const result = await openCached(source, signal);
      if (!('sources' in result)) {
        throw new ParseError({
          format: 'hub',
          code: 'bad-value',
          fileName: result.modelId,
          message: 'the repository has several weight files and none was chosen',
          hint: 'Pick one of the weight files first.',
        });
      }
      const reporter = context
        ? createProgressReporter(
            (loaded, total) => context.progress({ loaded, total }),
            options.progressIntervalMs,
          )
        : null;
      // Network reads are split into pieces so the bar moves within a read; local reads are fast enough.
      const sources =
        source.kind === 'hub' && reporter
          ? result.sources.map((s) => withReadProgress(s, reporter.onBytes))
          : result.sources;
      const loaded = await loadTensor(sources, result.listing, tensor, {
        signal,
        onProgress: reporter?.onLoad,
        maxValues,
      });
      const data = createTensor(loaded.rows, loaded.cols, loaded.data);
      const info: LoadedTensorInfo = {
        name: loaded.name,
        dtype: loaded.dtype,
        shape: loaded.shape,
        format: result.listing.format,
        sourceLabel: result.label,
        sampled: loaded.sampled,
        maxValues,
      };
      const summary: DatasetSummary = { id, summary: summarizeTensor(data), recipe, loaded: info };
      store.put(id, { tensor: data, cache: createTensorCache(data), summary });
      return summary;
    },
  };
}
