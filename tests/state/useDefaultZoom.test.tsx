// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { TensorSummary } from '../../src/core/generators.types';
import { AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { useDefaultZoom } from '../../src/state/useDefaultZoom';
import type { DatasetSummary } from '../../src/worker/protocol';
import { GEN } from '../worker/fakeEngine';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A dataset whose moments put mean ± 4σ at [mean − 4·std, mean + 4·std]. */
function dataset(id: string, moments: Partial<TensorSummary>): DatasetSummary {
  const summary: TensorSummary = {
    rows: 4,
    cols: 4,
    count: 16,
    nonFinite: 0,
    min: -3,
    max: 3,
    mean: 0,
    std: 0.125,
    absmax: 3,
    ...moments,
  };
  return { id, summary, recipe: { kind: 'generate', params: GEN } };
}

function Probe({ data }: { data: DatasetSummary | undefined }) {
  useDefaultZoom(data);
  return null;
}

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

function mount() {
  const store = createAppStore();
  const container = document.createElement('div');
  root = createRoot(container);
  const show = (data: DatasetSummary | undefined) =>
    act(() =>
      root?.render(
        <AppStoreProvider store={store}>
          <Probe data={data} />
        </AppStoreProvider>,
      ),
    );
  return { store, show };
}

describe('useDefaultZoom', () => {
  it('zooms a new matrix with outliers to mean ± 4σ (std 0.125 → [−0.5, 0.5])', () => {
    const { store, show } = mount();
    show(undefined);
    expect(store.getState().range).toBeNull();
    show(dataset('one', {}));
    expect(store.getState().range).toEqual([-0.5, 0.5]);
  });

  it('follows the data while the zoom is its own default, and clamps to [min, max]', () => {
    const { store, show } = mount();
    show(dataset('one', {}));
    // mean 1, std 0.5 → [−1, 3], clamped to min −0.5; max 10 is an outlier.
    show(dataset('two', { mean: 1, std: 0.5, min: -0.5, max: 10 }));
    expect(store.getState().range).toEqual([-0.5, 3]);
  });

  it('leaves the full range when mean ± 4σ covers the whole data (no outliers)', () => {
    const { store, show } = mount();
    show(dataset('one', {}));
    show(dataset('plain', { min: -0.3, max: 0.3 }));
    expect(store.getState().range).toBeNull();
  });

  it('keeps a zoom the user chose across data changes', () => {
    const { store, show } = mount();
    show(dataset('one', {}));
    act(() => store.getState().setRange([0.1, 0.2]));
    show(dataset('two', {}));
    show(dataset('three', { std: 0.25 }));
    expect(store.getState().range).toEqual([0.1, 0.2]);
  });

  it('does not re-apply the zoom for the same dataset after the user reset it', () => {
    const { store, show } = mount();
    const one = dataset('one', {});
    show(one);
    act(() => store.getState().setRange(null));
    show(one);
    expect(store.getState().range).toBeNull();
    // A new matrix opens on its central part again.
    show(dataset('two', {}));
    expect(store.getState().range).toEqual([-0.5, 0.5]);
  });
});
