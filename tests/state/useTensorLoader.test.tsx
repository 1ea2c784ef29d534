// @vitest-environment jsdom
/**
 * The Load workflow hook on the real engine in process (serve on a Node MessageChannel): listing, loading into
 * the store, react-query caching (a second pick makes no worker call), errors that keep what was on screen,
 * cancel reaching the worker, and single-tensor files loading at once.
 */
import { File as NodeFile } from 'node:buffer';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AppStore, AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { EngineProvider } from '../../src/state/engineContext';
import { describeFailure, type TensorLoader, useTensorLoader } from '../../src/state/useTensorLoader';
import type { EngineClient } from '../../src/worker/engineClient';
import { createHandlers } from '../../src/worker/handlers';
import type { CallContext, Handlers } from '../../src/worker/protocol';
import { bytesOf, safetensorsBytes } from '../helpers/writers';
import { connect } from '../worker/fakeEngine';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const model = safetensorsBytes([
  { name: 'w', dtype: 'F32', shape: [2, 3], data: bytesOf(Float32Array.of(1, -2, 3, -4, 5, -6)) },
  { name: 'b', dtype: 'F32', shape: [2], data: bytesOf(Float32Array.of(0.5, 0.25)) },
]);
/**
 * Node's File, not jsdom's: the in-process "worker" is a Node MessageChannel, which clones Node Blobs only.
 * (A browser clones its own File to a Web Worker the same way.)
 */
const fileOf = (parts: Array<string | Uint8Array>, name: string, lastModified = 1) =>
  new NodeFile(parts, name, { lastModified }) as unknown as File;
const modelFile = () => fileOf([new Uint8Array(model)], 'model.safetensors');

let root: Root | null = null;
let client: EngineClient | null = null;
afterEach(() => {
  act(() => root?.unmount());
  client?.dispose();
  root = null;
  client = null;
});

/** Renders the hook and hands its latest value to the test (a module-level component, as React expects). */
function Probe({ out }: { out: { latest: TensorLoader | null } }) {
  out.latest = useTensorLoader();
  return null;
}

/** Renders the hook under the providers; `current()` is the latest TensorLoader. */
function mount(handlers: Handlers) {
  client = connect(handlers);
  const store: AppStore = createAppStore();
  const probe: { latest: TensorLoader | null } = { latest: null };
  root = createRoot(document.createElement('div'));
  const engine = client;
  act(() =>
    root?.render(
      <QueryClientProvider client={new QueryClient()}>
        <AppStoreProvider store={store}>
          <EngineProvider client={engine}>
            <Probe out={probe} />
          </EngineProvider>
        </AppStoreProvider>
      </QueryClientProvider>,
    ),
  );
  const current = () => {
    if (!probe.latest) throw new Error('not rendered');
    return probe.latest;
  };
  return { store, current };
}

/** Real handlers with `load` calls counted (and optionally replaced). */
function countingHandlers(load?: Handlers['load']) {
  const real = createHandlers();
  const calls: string[] = [];
  const handlers: Handlers = {
    ...real,
    load: (source, tensor, context) => {
      calls.push(tensor);
      return (load ?? real.load)(source, tensor, context);
    },
  };
  return { handlers, calls };
}

describe('useTensorLoader', () => {
  it('lists a file, loads the picked tensor into the store, and answers a second pick from the cache', async () => {
    const { handlers, calls } = countingHandlers();
    const { store, current } = mount(handlers);
    await act(() => current().open({ kind: 'files', files: [modelFile()] }, 'model.safetensors'));
    expect(current().busy).toBeNull();
    expect(current().opened?.listing.tensors.map((t) => t.name)).toEqual(['w', 'b']);
    expect(current().opened?.elapsedMs).toBeGreaterThanOrEqual(0);
    // Several tensors: the first 2-D one is on screen at once, and the loader says why.
    expect(current().autoOpened).toEqual({ name: 'w', reason: 'first 2-D' });
    const opened = store.getState().source;
    expect(opened.kind === 'loaded' && opened.dataset.loaded?.name).toBe('w');

    await act(() => current().load('w'));
    expect(current().autoOpened).toBeNull();
    const source = store.getState().source;
    expect(source.kind === 'loaded' && source.dataset.loaded?.name).toBe('w');
    expect(source.kind === 'loaded' && source.dataset.summary).toMatchObject({
      rows: 2,
      cols: 3,
      min: -6,
      max: 5,
    });

    await act(() => current().load('b'));
    await act(() => current().load('w')); // cached: no worker call
    expect(calls).toEqual(['w', 'b']);
    const again = store.getState().source;
    expect(again.kind === 'loaded' && again.dataset.loaded?.name).toBe('w');
  });

  it('shows a bad file’s error with its code and hint, keeping the previous listing and data', async () => {
    const { handlers } = countingHandlers();
    const { store, current } = mount(handlers);
    await act(() => current().open({ kind: 'files', files: [modelFile()] }, 'model.safetensors'));
    const shown = store.getState().source;
    expect(shown.kind).toBe('loaded');
    const broken = fileOf([new Uint8Array(model.subarray(0, 30))], 'broken.safetensors');
    await act(() => current().open({ kind: 'files', files: [broken] }, 'broken.safetensors'));
    const error = current().error;
    expect(error).toMatchObject({ during: 'open', code: 'truncated' });
    expect(error?.hint).toMatch(/again/);
    expect(current().opened?.listing.tensors).toHaveLength(2);
    expect(store.getState().source).toBe(shown);
    act(() => current().dismissError());
    expect(current().error).toBeNull();
  });

  it('loads a single-tensor file at once (nothing to pick)', async () => {
    const { handlers, calls } = countingHandlers();
    const { store, current } = mount(handlers);
    const csv = fileOf(['1, 2\n3, 4\n'], 'pasted numbers.csv', 3);
    await act(() => current().open({ kind: 'files', files: [csv] }, 'pasted numbers'));
    // One load, unasked. (Its name is the file's; Node's MessageChannel drops a File's name, a browser keeps it.)
    expect(calls).toHaveLength(1);
    const source = store.getState().source;
    expect(source.kind === 'loaded' && source.dataset.summary).toMatchObject({ rows: 2, cols: 2, max: 4 });
  });

  it('cancel stops the load in the worker, shows "cancelled" and no error, and keeps the data', async () => {
    let aborted = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const hanging: Handlers['load'] = (_source, _tensor, context?: CallContext) =>
      new Promise((_, reject) => {
        started();
        context?.signal.addEventListener('abort', () => {
          aborted = true;
          reject(context.signal.reason);
        });
      });
    const { handlers } = countingHandlers(hanging);
    const { store, current } = mount(handlers);
    // Opening loads the first 2-D tensor ('w') at once: that load hangs until cancelled.
    let loading: Promise<void> = Promise.resolve();
    act(() => {
      loading = current().open({ kind: 'files', files: [modelFile()] }, 'model.safetensors');
    });
    await running;
    await vi.waitFor(() => expect(current().busy).toMatchObject({ kind: 'load', tensor: 'w' }));
    act(() => current().cancel());
    await act(() => loading);
    expect(current().busy).toBeNull();
    expect(current().cancelled).toBe(true);
    expect(current().error).toBeNull();
    expect(store.getState().source).toEqual({ kind: 'generator' });
    await vi.waitFor(() => expect(aborted).toBe(true));
  });

  it('describes any failure with a message, and the hint and code when there are some', () => {
    expect(describeFailure(new Error('boom'), 'load')).toEqual({
      during: 'load',
      message: 'boom',
      hint: null,
      code: null,
      status: null,
    });
    const parse = Object.assign(new Error('x.npy: not a .npy file'), {
      hint: 'Check it.',
      code: 'bad-magic',
    });
    expect(describeFailure(parse, 'open')).toMatchObject({ code: 'bad-magic', hint: 'Check it.' });
    expect(describeFailure('plain text', 'open').message).toBe('plain text');
  });
});
