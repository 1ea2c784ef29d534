// @vitest-environment jsdom
/** A file whose header lists no tensors says so, rather than 'No tensor name contains “”'. */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { TensorList } from '../../../src/components/load/TensorList';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

describe('an empty listing', () => {
  it('says the file holds no tensors', () => {
    const container = document.createElement('div');
    act(() => {
      root = createRoot(container);
      root.render(
        <TensorList
          label="empty.safetensors"
          listing={{ format: 'safetensors', fileName: 'empty.safetensors', tensors: [] }}
          elapsedMs={1}
          current={null}
          loading={null}
          onPick={() => {}}
        />,
      );
    });
    const none = container.querySelector('[data-testid="tensor-none"]');
    expect(none?.textContent).toMatch(/holds no tensors/);
    expect(container.textContent).not.toMatch(/No tensor name contains/);
  });
});
