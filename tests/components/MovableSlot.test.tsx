// @vitest-environment jsdom
/**
 * The data panel moves between the side column (wide) and the explorer (narrow) when the window crosses the
 * breakpoint: what it holds (a model id being typed, a download) must survive the move. A full-page screenshot in
 * Chromium crossed it and wiped the Hub form mid-download before the panel was rendered once and moved.
 */
import { act, useState } from 'react';
import { createPortal } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { MovableSlot, useMovableNode } from '../../src/components/MovableSlot';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

let mounts = 0;
function Counter() {
  const [count, setCount] = useState(() => {
    mounts++;
    return 0;
  });
  return (
    <button type="button" onClick={() => setCount((c) => c + 1)}>
      {count}
    </button>
  );
}

function Page({ narrow }: { narrow: boolean }) {
  const node = useMovableNode('moved');
  return (
    <>
      <aside>{narrow ? null : <MovableSlot node={node} />}</aside>
      <main>{narrow ? <MovableSlot node={node} /> : null}</main>
      {createPortal(<Counter />, node)}
    </>
  );
}

describe('MovableSlot', () => {
  it('keeps the subtree mounted, with its state, while it moves from one place to the other and back', () => {
    mounts = 0;
    const container = document.createElement('div');
    document.body.append(container);
    act(() => {
      root = createRoot(container);
      root.render(<Page narrow={false} />);
    });
    const button = () => container.querySelector('button') as HTMLButtonElement;
    expect(button().closest('aside')).not.toBeNull();
    act(() => button().click());
    act(() => button().click());
    expect(button().textContent).toBe('2');

    act(() => root?.render(<Page narrow={true} />));
    expect(button().closest('main')).not.toBeNull();
    expect(container.querySelector('aside')?.childElementCount).toBe(0);
    expect(button().textContent).toBe('2');

    act(() => root?.render(<Page narrow={false} />));
    expect(button().closest('aside')).not.toBeNull();
    expect(button().textContent).toBe('2');
    expect(mounts).toBe(1);
    container.remove();
  });
});
