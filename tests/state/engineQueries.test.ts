import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { DEFAULT_LLM_INT8_PARAMS } from '../../src/core/llmInt8View';
import { DEFAULT_SCHEME_A } from '../../src/core/scheme';
import { DEFAULT_VIEW } from '../../src/core/view';
import { createEngineQueries, shouldRetry } from '../../src/state/engineQueries';
import { type EngineClient, EngineCrashedError } from '../../src/worker/engineClient';
import { connect, fakeHandlers } from '../worker/fakeEngine';

let client: EngineClient | null = null;
afterEach(() => client?.dispose());

describe('engineQueries', () => {
  it('keys a quantView by dataset, scheme and view, and never marks it stale', () => {
    client = connect(fakeHandlers());
    const q = createEngineQueries(client).quantView('d1', DEFAULT_SCHEME_A, DEFAULT_VIEW, 'a');
    expect(q.queryKey).toEqual(['quantView', 'd1', DEFAULT_SCHEME_A, DEFAULT_VIEW]);
    expect(q.staleTime).toBe(Infinity);
    expect(q.structuralSharing).toBe(false);
    expect(q.placeholderData).toBeTypeOf('function');
  });

  it('keys clipThresholds by dataset, base scheme and group, and asks only with both a dataset and a scheme', () => {
    client = connect(fakeHandlers());
    const queries = createEngineQueries(client);
    const q = queries.clipThresholds('d1', DEFAULT_SCHEME_A, 2, 'a');
    expect(q.queryKey).toEqual(['clipThresholds', 'd1', DEFAULT_SCHEME_A, 2]);
    expect(q.enabled).toBe(true);
    expect(q.staleTime).toBe(Infinity);
    expect(q.structuralSharing).toBe(false);
    expect(queries.clipThresholds(undefined, DEFAULT_SCHEME_A, 0, 'a').enabled).toBe(false);
    expect(queries.clipThresholds('d1', null, 0, 'a').enabled).toBe(false);
  });

  it('keys llmInt8 by dataset and parameters, and asks only with a dataset', () => {
    client = connect(fakeHandlers());
    const queries = createEngineQueries(client);
    const q = queries.llmInt8('d1', DEFAULT_LLM_INT8_PARAMS);
    expect(q.queryKey).toEqual(['llmInt8', 'd1', DEFAULT_LLM_INT8_PARAMS]);
    expect(q.enabled).toBe(true);
    expect(q.gcTime).toBe(5 * 60_000);
    expect(queries.llmInt8(undefined, DEFAULT_LLM_INT8_PARAMS).enabled).toBe(false);
  });

  it('fetches through the client: generate, then quantize the generated dataset', async () => {
    client = connect(fakeHandlers());
    const queries = createEngineQueries(client);
    const signal = new AbortController().signal;
    const dataset = await (
      queries.dataset(DEFAULT_GENERATOR).queryFn as unknown as (c: {
        signal: AbortSignal;
      }) => Promise<{ id: string }>
    )({ signal });
    const view = await (
      queries.quantView(dataset.id, DEFAULT_SCHEME_A, DEFAULT_VIEW, 'a').queryFn as unknown as (c: {
        signal: AbortSignal;
      }) => Promise<{ scheme: unknown }>
    )({ signal });
    expect(view.scheme).toEqual(DEFAULT_SCHEME_A);
  });
});

describe('shouldRetry', () => {
  it('retries a call cut off by a crash, at most 3 times, and nothing else', () => {
    const crash = new EngineCrashedError('boom');
    expect(shouldRetry(0, crash)).toBe(true);
    expect(shouldRetry(2, crash)).toBe(true);
    expect(shouldRetry(3, crash)).toBe(false);
    expect(shouldRetry(0, new Error('bits must be 2..16'))).toBe(false);
  });
});
