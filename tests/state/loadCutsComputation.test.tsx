// @vitest-environment jsdom
/**
 * The Load workflow and the scheme panels together (useTensorLoader, useActiveDataset, useQuantView) while the
 * engine is stuck in a long computation (issue #18 item 5): opening a file stops the computation (the worker
 * restarts), the file's tensor shows and panel A's result is computed for it, with the scheme kept; the old
 * dataset is not remade; a file that fails to load leaves the previous dataset on screen and its result computed
 * again. The engine is fake (crashableEngine): its 2-bit quantize never answers, nor anything after it.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IntegerScheme } from '../../src/core/scheme';
import { type AppStore, AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { EngineProvider, SUPERSEDE_LOAD_NOTICE } from '../../src/state/engineContext';
import { useActiveDataset } from '../../src/state/useActiveDataset';
import { type QuantResultState, useQuantView } from '../../src/state/useEngineResults';
import { type TensorLoader, useTensorLoader } from '../../src/state/useTensorLoader';
import { datasetIdFor } from '../../src/worker/datasetStore';
import type { EngineClient } from '../../src/worker/engineClient';
import type { OpenSource } from '../../src/worker/loadProtocol';
import type { DatasetSummary } from '../../src/worker/protocol';
import { crashableEngine, fakeHandlers, GEN, viewFor } from '../worker/fakeEngine';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

/** The file's tensor: a small matrix (its dataset id differs from the generator's). */
const SMALL = { ...GEN, rows: 4, cols: 4 };
const SOURCE = { kind: 'files', files: [] } as unknown as OpenSource;

interface WorkerRecord {
  generated: number[];
  quantized: string[];
}

/**
 * Workers whose 2-bit quantize of the generator's matrix never ends (and which answer nothing after it); a load makes
 * SMALL resident, as a file's tensor.
 */
function stuckEngine(loadFails: boolean) {
  const workers: WorkerRecord[] = [];
  const engine = crashableEngine(
    () => {
      const record: WorkerRecord = { generated: [], quantized: [] };
      workers.push(record);
      const base = fakeHandlers();
      let stuck = false;
      const never = () => new Promise<never>(() => {});
      return fakeHandlers({
        generate: (params) => {
          if (stuck) return never();
          record.generated.push(params.rows);
          return base.generate(params) as DatasetSummary;
        },
        quantize: (id, scheme, view) => {
          if (stuck) return never();
          base.quantize(id, scheme, view);
          const bits = (scheme as IntegerScheme).bits;
          const file = id === datasetIdFor({ kind: 'generate', params: SMALL });
          record.quantized.push(`${file ? 'file' : 'generated'}:${bits}`);
          stuck = bits === 2 && !file; // 2 bits over the generator's matrix: minutes
          return stuck ? never() : viewFor(scheme);
        },
        open: async () => {
          if (stuck) return never();
          return {
            kind: 'opened',
            label: 'small.npy',
            listing: {
              format: 'npy',
              fileName: 'small.npy',
              tensors: [
                {
                  name: 'small',
                  dtype: '<f4',
                  shape: [4, 4],
                  byteSize: 64,
                  loadable: true,
                  location: {},
                },
              ],
            },
          } as never;
        },
        load: async () => {
          if (stuck) return never();
          if (loadFails) throw new Error('the file ends early');
          return base.generate(SMALL) as DatasetSummary;
        },
      });
    },
    { supersedeMs: 100, watchdogMs: 60_000 },
  );
  return { ...engine, workers };
}

interface Probed {
  loader: TensorLoader | null;
  dataset: DatasetSummary | undefined;
  a: QuantResultState | null;
}

function Probe({ out }: { out: Probed }) {
  out.loader = useTensorLoader();
  const { dataset } = useActiveDataset();
  out.dataset = dataset;
  out.a = useQuantView('a', dataset?.id);
  return null;
}

let root: Root | null = null;
let client: EngineClient | null = null;
afterEach(() => {
  act(() => root?.unmount());
  client?.dispose();
  root = null;
  client = null;
});

function mount(store: AppStore, engine: EngineClient): Probed {
  const out: Probed = { loader: null, dataset: undefined, a: null };
  root = createRoot(document.createElement('div'));
  root.render(
    <QueryClientProvider client={new QueryClient()}>
      <AppStoreProvider store={store}>
        <EngineProvider client={engine}>
          <Probe out={out} />
        </EngineProvider>
      </AppStoreProvider>
    </QueryClientProvider>,
  );
  return out;
}

const bitsOf = (state: QuantResultState | null) => (state?.view?.scheme as IntegerScheme | undefined)?.bits;

/** Mounts the panels on the generator's matrix and starts the never-ending 2-bit pass on it. */
async function startLongComputation(loadFails: boolean) {
  const engine = stuckEngine(loadFails);
  client = engine.client;
  const store = createAppStore();
  const out = mount(store, engine.client);
  await vi.waitFor(() => expect(out.a?.status).toBe('ready'));
  store.getState().setBits('a', 2);
  await vi.waitFor(() => expect(out.a?.status).toBe('computing'));
  await new Promise((r) => setTimeout(r, 250)); // past supersedeMs
  return { ...engine, store, out };
}

describe('opening a file during a long computation', () => {
  it('shows the file’s tensor and its result at once, the scheme kept, without remaking the old dataset', async () => {
    const { store, out, spawned, workers } = await startLongComputation(false);
    const generatorId = out.dataset?.id;
    const asked = Date.now();
    await out.loader?.open(SOURCE, 'small.npy');
    await vi.waitFor(() => expect(out.dataset?.summary.rows).toBe(4), { timeout: 3000 });
    await vi.waitFor(() => expect(out.a?.status).toBe('ready'), { timeout: 3000 });
    expect(Date.now() - asked).toBeLessThan(2500);
    expect(out.dataset?.id).not.toBe(generatorId);
    expect(bitsOf(out.a)).toBe(2); // the user's scheme, on the file's tensor
    expect(out.loader?.error).toBeNull();
    expect(spawned.map((w) => w.terminated)).toEqual([true, false]);
    // The new worker loaded the file and computed for it; the generator's matrix was not made again there.
    expect(workers[1]?.generated).toEqual([]);
    expect(workers[1]?.quantized.every((q) => q.startsWith('file:'))).toBe(true);
    const notices = store.getState().notices;
    expect(notices.filter((n) => n.tone === 'error')).toEqual([]);
    expect(notices.map((n) => n.message)).toContain(SUPERSEDE_LOAD_NOTICE);
    expect(store.getState().schemes.a).toMatchObject({ bits: 2 });
  });

  it('a file that fails to load leaves the previous dataset on screen and computes its result again', async () => {
    const { out, spawned, workers } = await startLongComputation(true);
    const generatorId = out.dataset?.id;
    await out.loader?.open(SOURCE, 'small.npy');
    await vi.waitFor(() => expect(out.loader?.error?.message).toMatch(/ends early/), { timeout: 3000 });
    expect(out.dataset?.id).toBe(generatorId);
    expect(spawned).toHaveLength(2);
    // The pass asked for is sent again to the new worker, which remade the generator's matrix for it.
    await vi.waitFor(() => expect(workers[1]?.quantized).toContain('generated:2'), { timeout: 3000 });
    expect(workers[1]?.generated).toHaveLength(1);
    expect(out.a?.status).toBe('computing'); // the long pass runs again: the user still asks for it
    expect(out.a?.error).toBeNull();
  });
});
