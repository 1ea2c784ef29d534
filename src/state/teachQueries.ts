/**
 * react-query options for the teaching calls (issue #6): the worked example of a vector under a scheme. Like the
 * engine queries, every input is in the key and the result is a pure function of it (never stale).
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { Scheme } from '../core/scheme';
import type { WorkedOptions } from '../core/workedExample';
import type { EngineClient } from '../worker/engineClient';
import { shouldRetry } from './engineQueries';

export function createTeachQueries(client: EngineClient) {
  return {
    /** The step-by-step table of `values` under `scheme` (the vector as one group). */
    workedExample: (values: readonly number[], scheme: Scheme, options: WorkedOptions = {}) =>
      queryOptions({
        queryKey: ['workedExample', values, scheme, options] as const,
        queryFn: ({ signal }) => client.call('workedExample', [[...values], scheme, options], { signal }),
        staleTime: Infinity,
        gcTime: 5 * 60_000,
        placeholderData: keepPreviousData,
        retry: shouldRetry,
        retryDelay: 50,
      }),
  };
}
