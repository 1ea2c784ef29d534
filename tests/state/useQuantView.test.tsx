// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IntegerScheme } from '../../src/core/scheme';
import type { ViewParams } from '../../src/core/view';
import { type AppStore, AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { EngineProvider, SUPERSEDE_NOTICE } from '../../src/state/engineContext';
import { selectViewParams } from '../../src/state/selectors';
import { type QuantResultState, useDataset, useQuantView } from '../../src/state/useEngineResults';
import type { EngineClient } from '../../src/worker/engineClient';
import { connect, crashableEngine, fakeHandlers, viewFor } from '../worker/fakeEngine';

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

  it('sends at most one request in flight plus the latest during a burst of changes to the scheme and the view', async () => {
    const sent: Array<{ scheme: IntegerScheme; view: ViewParams }> = [];
    const waiting: Array<() => void> = [];
    let inFlight = 0;
    let mostInFlight = 0;
    client = connect(
      fakeHandlers({
        quantize: async (_id, scheme, view) => {
          sent.push({ scheme: scheme as IntegerScheme, view });
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await new Promise<void>((resolve) => waiting.push(resolve));
          inFlight--;
          return viewFor(scheme);
        },
      }),
    );
    const release = () => waiting.shift()?.();
    const store = createAppStore();
    const latest = mount(store, client);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    const asked = () => ({
      scheme: store.getState().schemes.a as IntegerScheme,
      view: selectViewParams(store.getState(), 'a'),
    });

    // A burst while the first computes: bits, granularity, rounding and the view's bins and range, 12 changes.
    const burst = (round: number) => {
      const s = store.getState();
      for (const bits of [7, 6, 5]) s.setBits('a', bits - round);
      s.setGranularity('a', { kind: 'group', size: 32 << round });
      s.setGranularity('a', { kind: 'row' });
      s.setRounding('a', { kind: 'halfAway' });
      for (const bins of [64, 80, 96]) s.setBins(bins + round);
      s.setRange([-1 - round, 1]);
      s.setRange(null);
      s.setBits('a', 4 - round);
    };
    burst(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toHaveLength(1); // nothing more is sent while the first computes

    release(); // the first answers: only the newest choice of the burst is sent
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual(asked());

    burst(1); // a second burst while the newest computes
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toHaveLength(2);
    release();
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    expect(sent[2]).toEqual(asked());
    release();
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'));
    expect(latest.current?.requested).toEqual(asked());
    expect(sent).toHaveLength(3);
    expect(mostInFlight).toBe(1);
  });

  it('asks again for a choice the user returns to after a newer one replaced its waiting request', async () => {
    const engine = gatedEngine();
    client = engine.client;
    const store = createAppStore();
    const latest = mount(store, engine.client);
    await vi.waitFor(() => expect(engine.pending()).toBe(1));
    const pause = () => new Promise((r) => setTimeout(r, 10));
    store.getState().setBits('a', 7); // waits behind 8
    await pause();
    store.getState().setBits('a', 6); // replaces 7, which is dropped
    await pause();
    store.getState().setBits('a', 7); // back to 7: asked again
    await pause();
    engine.release();
    await vi.waitFor(() => expect(engine.seen).toEqual([8, 7]));
    engine.release();
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'));
    expect(bitsOf(latest.current)).toBe(7);
    expect(latest.current?.error).toBeNull();
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

  it('stops a long computation for a newer choice: the worker restarts, the newest result shows, no error, a short status', async () => {
    // Each worker: quantize at 2 bits never answers, nor does any quantize after it (a synchronous pass for minutes).
    const generated: number[] = [];
    const engine = crashableEngine(
      () => {
        const worker = generated.push(0) - 1;
        const base = fakeHandlers();
        let stuck = false;
        return fakeHandlers({
          generate: (params) => {
            generated[worker] = (generated[worker] ?? 0) + 1;
            return base.generate(params);
          },
          quantize: (id, scheme, view) => {
            base.quantize(id, scheme, view);
            stuck ||= (scheme as IntegerScheme).bits === 2;
            return stuck ? new Promise(() => {}) : viewFor(scheme);
          },
        });
      },
      { supersedeMs: 150, watchdogMs: 60_000 },
    );
    client = engine.client;
    const store = createAppStore();
    const latest = mount(store, engine.client);
    await vi.waitFor(() => expect(latest.current?.status).toBe('ready'));

    store.getState().setBits('a', 2); // the long one
    await vi.waitFor(() => expect(latest.current?.status).toBe('computing'));
    await new Promise((r) => setTimeout(r, 20));
    const asked = Date.now();
    store.getState().setBits('a', 5); // the newer choice
    await vi.waitFor(() => expect(bitsOf(latest.current)).toBe(5), { timeout: 2000 });
    expect(Date.now() - asked).toBeLessThan(1500);
    expect(latest.current?.status).toBe('ready');
    expect(latest.current?.error).toBeNull();
    expect(engine.spawned.map((w) => w.terminated)).toEqual([true, false]);
    expect(generated).toEqual([1, 1]); // the dataset was made again in the new worker
    const notices = store.getState().notices;
    expect(notices.filter((n) => n.tone === 'error')).toEqual([]);
    expect(notices.map((n) => n.message)).toContain(SUPERSEDE_NOTICE);
  });
});
