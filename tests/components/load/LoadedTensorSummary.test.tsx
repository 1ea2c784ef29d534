// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadedTensorSummary } from '../../../src/components/load/LoadedTensorSummary';
import { AppStoreProvider, createAppStore } from '../../../src/state/appStore';
import type { DatasetSummary } from '../../../src/worker/protocol';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// GPT-2's token embedding [50257, 768] under a limit of 64 Mi values would fit; a limit of 768 × 1000 values
// keeps 1,000 of its 50,257 rows.
const sampledDataset: DatasetSummary = {
  id: 'hub-00000001',
  summary: {
    rows: 1000,
    cols: 768,
    count: 768_000,
    nonFinite: 0,
    min: -1,
    max: 1,
    mean: 0,
    std: 0.1,
    absmax: 1,
  },
  recipe: {
    kind: 'hub',
    endpoint: 'https://huggingface.co',
    input: 'openai-community/gpt2',
    tensor: 'wte.weight',
  },
  loaded: {
    name: 'wte.weight',
    dtype: 'F32',
    shape: [50257, 768],
    format: 'safetensors',
    sourceLabel: 'openai-community/gpt2 · model.safetensors',
    sampled: { keptRows: 1000, totalRows: 50257 },
    maxValues: 768_000,
  },
};

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

function render(dataset: DatasetSummary | undefined) {
  const container = document.createElement('div');
  const store = createAppStore();
  root = createRoot(container);
  act(() =>
    root?.render(
      <AppStoreProvider store={store}>
        <LoadedTensorSummary dataset={dataset} />
      </AppStoreProvider>,
    ),
  );
  const text = (id: string) => container.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
  return { container, store, text };
}

describe('LoadedTensorSummary', () => {
  it('names the tensor, its source, dtype and shape, and says how many rows were sampled under which limit', () => {
    const { text } = render(sampledDataset);
    expect(text('loaded-name')).toBe('wte.weight');
    expect(text('loaded-source')).toBe('openai-community/gpt2 · model.safetensors');
    expect(text('loaded-dtype')).toBe('F32');
    expect(text('loaded-shape')).toBe('[50,257, 768]');
    expect(text('loaded-view')).toBeNull(); // a matrix already
    expect(text('loaded-sampled')).toBe(
      'Sampled: 1,000 of 50,257 rows (evenly spaced), to stay within 768,000 values.',
    );
  });

  it('shows nothing for a generated matrix, and its button goes back to the generator', () => {
    expect(render(undefined).container.textContent).toBe('');
    act(() => root?.unmount());
    const { container, store } = render(sampledDataset);
    act(() => store.getState().showLoaded(sampledDataset));
    const button = container.querySelector<HTMLButtonElement>('[data-testid="use-generator"]');
    act(() => button?.click());
    expect(store.getState().source).toEqual({ kind: 'generator' });
  });
});
