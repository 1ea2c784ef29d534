// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IntegerScheme } from '../../src/core/scheme';
import { type AppStore, AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { EngineProvider } from '../../src/state/engineContext';
import { type QuantResultState, useDataset, useQuantView } from '../../src/state/useEngineResults';
import type { EngineClient } from '../../src/worker/engineClient';
import { connect, fakeHandlers, viewFor } from '../worker/fakeEngine';

/** A quantize handler that records each request's bits and answers only when the test releases it. */
function gatedEngine() {
  const seen: number[] = [];
  const waiting: Array<() => void> = [];
  const client = connect(
    fakeHandlers({
      quantize: async (_id, scheme) => {
        seen.push((scheme as IntegerScheme).bits);
        await new Promise<void>((resolve) => waiting.push(resolve));
        return viewFor(scheme);
      },
    }),
  );
  const release = () => {
    const next = waiting.shift();
    if (!next) throw new Error('no request is waiting');
    next();
  };
  return { client, seen, release, pending: () => waiting.length };
}

let root: Root | null = null;
let client: EngineClient | null = null;
afterEach(() => {
  root?.unmount();
  client?.dispose();
  root = null;
  client = null;
});

type Latest = { current: QuantResultState | null };

function Probe({ latest }: { latest: Latest }) {
  const { dataset } = useDataset();
  latest.current = useQuantView('a', dataset?.id);
  return null;
}

function mount(store: AppStore, engine: EngineClient): Latest {
  const latest: Latest = { current: null };
  const container = document.createElement('div');
  root = createRoot(container);
  root.render(
    <QueryClientProvider client={new QueryClient()}>
      <AppStoreProvider store={store}>
        <EngineProvider client={engine}>
          <Probe latest={latest} />
        </EngineProvider>
      </AppStoreProvider>
    </QueryClientProvider>,
  );
  return latest;
}

const bitsOf = (state: QuantResultState | null) => (state?.view?.scheme as IntegerScheme | undefined)?.bits;

describe('useQuantView', () => {
  it('paces a drag: while one request computes only the newest choice waits, and every shown result is the latest asked', async () => {
    const engine = gatedEngine();
    client = engine.client;
    const store = createAppStore();
    const latest = mount(store, engine.client);

    await vi.waitFor(() => expect(engine.pending()).toBe(1));
    expect(latest.current?.status).toBe('computing');
    for (const bits of [7, 6, 5, 4]) store.getState().setBits('a', bits);
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.seen).toEqual([8]); // nothing else is sent while 8 computes

    engine.release(); // 8 answers; it is shown at once, and 4 (the newest) is sent
    await vi.waitFor(() => expect(engine.seen).toEqual([8, 4]));
    expect(bitsOf(latest.current)).toBe(8);
    expect(latest.current?.status).toBe('computing');

    engine.release();
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'));
    expect(bitsOf(latest.current)).toBe(4);
    expect(latest.current?.requested?.scheme).toEqual(store.getState().schemes.a);
  });

  it('shows a cached result at once when the user goes back, without asking the engine again', async () => {
    const engine = gatedEngine();
    client = engine.client;
    const store = createAppStore();
    const latest = mount(store, engine.client);
    await vi.waitFor(() => expect(engine.pending()).toBe(1));
    engine.release();
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'));

    store.getState().setBits('a', 3);
    await vi.waitFor(() => expect(engine.pending()).toBe(1));
    engine.release();
    await vi.waitFor(() => expect(bitsOf(latest.current)).toBe(3));

    store.getState().setBits('a', 8);
    await vi.waitFor(() => expect(bitsOf(latest.current)).toBe(8));
    expect(latest.current?.status).toBe('ready');
    expect(engine.seen).toEqual([8, 3]);
  });

  it('reports an engine error for the current choice and keeps the last result on screen', async () => {
    client = connect(
      fakeHandlers({
        quantize: (_id, scheme) => {
          if ((scheme as IntegerScheme).bits === 2)
            throw Object.assign(new Error('bits too low'), { field: 'bits' });
          return viewFor(scheme);
        },
      }),
    );
    const store = createAppStore();
    const latest = mount(store, client);
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'));
    store.getState().setBits('a', 2);
    await vi.waitFor(() => expect(latest.current?.status).toBe('error'));
    expect(latest.current?.error).toMatchObject({ message: 'bits too low', field: 'bits' });
    expect(bitsOf(latest.current)).toBe(8);
  });
});
