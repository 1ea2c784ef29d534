/**
 * The LLM.int8() result for the current dataset and parameters (react-query, keyed by both). Parameters settle
 * for 150 ms before a call, so a threshold drag sends the latest value rather than every step; the previous
 * result stays on screen meanwhile.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LlmInt8Params } from '../../core/llmInt8View';
import { useEngineQueries } from '../../state/engineContext';
import { isAbortError } from '../../worker/engineClient';

/** `value` once it has stayed the same for `ms`. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function useLlmInt8(datasetId: string | undefined, params: LlmInt8Params) {
  const queries = useEngineQueries();
  const settled = useSettled(params, 150);
  const query = useQuery(queries.llmInt8(datasetId, settled));
  const error =
    query.error && !isAbortError(query.error) ? (query.error as Error & { field?: string }) : null;
  return {
    view: query.data,
    computing: query.isFetching || settled !== params,
    error,
  };
}
