// @vitest-environment jsdom
/**
 * The page's same-frame engine wired into the scheme panels' queries (state/sameFrame.ts, useEarlyRequest): once
 * the dataset is mirrored and the worker has measured a kind of scheme as cheap, a change of that kind is in the
 * cache when the store's change returns (before React renders, before any message), with no request to the worker,
 * and it is the worker's result to the bit; a kind the book says is slow still goes to the worker.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SAME_FRAME_BUDGET_MS } from '../../src/core/sameFrameCost';
import type { IntegerScheme, Scheme } from '../../src/core/scheme';
import type { QuantView } from '../../src/core/view';
import { type AppStore, AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { EngineProvider, useEngine } from '../../src/state/engineContext';
import { mirrorDataset, noteWorkerResult, useSameFrameMirror } from '../../src/state/sameFrame';
import { selectViewParams } from '../../src/state/selectors';
import { type QuantResultState, useDataset, useQuantView } from '../../src/state/useEngineResults';
import type { EngineClient } from '../../src/worker/engineClient';
import { createHandlers } from '../../src/worker/handlers';
import { connect } from '../worker/fakeEngine';

let root: Root | null = null;
let client: EngineClient | null = null;
afterEach(() => {
  root?.unmount();
  client?.dispose();
  root = null;
  client = null;
});

type Latest = { current: QuantResultState | null; datasetId: string | undefined };

function Probe({ latest }: { latest: Latest }) {
  const { dataset } = useDataset();
  useSameFrameMirror(useEngine(), dataset?.id);
  latest.datasetId = dataset?.id;
  latest.current = useQuantView('a', dataset?.id);
  return null;
}

/** The real engine in process, counting the quantize requests it is sent. */
function countingEngine() {
  const handlers = createHandlers();
  const counted = { quantize: 0 };
  const quantize = handlers.quantize;
  handlers.quantize = (...args) => {
    counted.quantize++;
    return quantize(...args);
  };
  return { client: connect(handlers), counted };
}

function mount(store: AppStore, engine: EngineClient, queryClient: QueryClient): Latest {
  const latest: Latest = { current: null, datasetId: undefined };
  root = createRoot(document.createElement('div'));
  root.render(
    <QueryClientProvider client={queryClient}>
      <AppStoreProvider store={store}>
        <EngineProvider client={engine}>
          <Probe latest={latest} />
        </EngineProvider>
      </AppStoreProvider>
    </QueryClientProvider>,
  );
  return latest;
}

/**
 * A result without what differs between two runs of one computation (its time, and where and how it ran), its typed
 * arrays as plain arrays: the worker's reply crossed a MessageChannel, so its arrays are of another realm.
 */
function bitsOf(view: QuantView): unknown {
  const { elapsedMs: _e, reused: _r, onPage: _o, ...rest } = view;
  return JSON.parse(
    JSON.stringify(rest, (_key, value) =>
      ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value,
    ),
  );
}

const bitsShown = (latest: Latest) => (latest.current?.view?.scheme as IntegerScheme | undefined)?.bits;

describe('same-frame changes', () => {
  it("answers a cheap change in the store's own call, with the worker's bits and no request; a slow kind still asks the worker", async () => {
    const engine = countingEngine();
    client = engine.client;
    const store = createAppStore();
    store.getState().setGenerator({ rows: 64, cols: 96 });
    const queryClient = new QueryClient();
    const latest = mount(store, engine.client, queryClient);

    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'), { timeout: 10_000 });
    const id = latest.datasetId as string;
    await vi.waitFor(async () => expect(await mirrorDataset(engine.client, id)).toBe(true), {
      timeout: 10_000,
    });
    const keyOf = (scheme: Scheme) => ['quantView', id, scheme, selectViewParams(store.getState(), 'a')];

    // The worker measured the per-tensor kind (the first result): a bits change is computed at once.
    const asked = engine.counted.quantize;
    store.getState().setBits('a', 4);
    const scheme = store.getState().schemes.a;
    const cached = queryClient.getQueryData<QuantView>(keyOf(scheme));
    expect(cached?.onPage).toBe(true);
    expect((cached?.scheme as IntegerScheme | undefined)?.bits).toBe(4);
    await vi.waitFor(() => expect(bitsShown(latest)).toBe(4));
    expect(latest.current?.status).toBe('ready');
    expect(latest.current?.view).toBe(cached);
    expect(engine.counted.quantize).toBe(asked);

    // The same change asked of the worker gives the same bits.
    const fromWorker = await engine.client.call('quantize', [
      id,
      scheme,
      selectViewParams(store.getState(), 'a'),
      'b',
    ]);
    expect(bitsOf(cached as QuantView)).toEqual(bitsOf(fromWorker));

    // A kind of scheme booked as slower than the budget goes to the worker, and shows its reply.
    const row: IntegerScheme = { ...(scheme as IntegerScheme), granularity: { kind: 'row' } };
    noteWorkerResult(engine.client, id, row, selectViewParams(store.getState(), 'a'), 'a', {
      ...fromWorker,
      elapsedMs: SAME_FRAME_BUDGET_MS + 1,
      reused: 'none',
    });
    const before = engine.counted.quantize;
    store.getState().setGranularity('a', { kind: 'row' });
    expect(queryClient.getQueryData(keyOf(store.getState().schemes.a))).toBeUndefined();
    await vi.waitFor(() => expect(engine.counted.quantize).toBe(before + 1));
    await vi.waitFor(() =>
      expect((latest.current?.view?.scheme as IntegerScheme | undefined)?.granularity.kind).toBe('row'),
    );
    expect(latest.current?.view?.onPage).toBeUndefined();
  });

  it('a change before the mirror arrives goes to the worker', async () => {
    const engine = countingEngine();
    client = engine.client;
    const store = createAppStore();
    const queryClient = new QueryClient();
    const latest = mount(store, engine.client, queryClient);
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'), { timeout: 10_000 });
    const before = engine.counted.quantize;
    store.getState().setBits('a', 3); // the mirror is asked for 300 ms after the dataset is shown
    await vi.waitFor(() => expect(bitsShown(latest)).toBe(3));
    expect(engine.counted.quantize).toBe(before + 1);
    expect(latest.current?.view?.onPage).toBeUndefined();
  });
});
