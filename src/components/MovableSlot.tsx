/**
 * A subtree that keeps its state while the layout moves it. The page places the data panel beside the workspace on
 * wide screens and inside the explorer, after the histograms, on narrow ones; rendering it in two places in the
 * React tree would unmount it at each crossing of the breakpoint (a window resize, a tablet turned, a full-page
 * screenshot's viewport change), losing what it holds: a Hub model id being typed, the tensor list, a download in
 * progress. Instead it is rendered once, through a portal, into one DOM node that the slot being shown adopts.
 */
import { useLayoutEffect, useRef, useState } from 'react';

/** The DOM node a movable subtree renders into (`createPortal(content, node)`), made once per component. */
export function useMovableNode(className: string): HTMLDivElement {
  const [node] = useState(() => {
    const div = document.createElement('div');
    div.className = className;
    return div;
  });
  return node;
}

/** Shows `node` here: appends it on mount, gives it back on unmount (the next slot takes it in its own effect). */
export function MovableSlot({ node, className }: { node: HTMLElement; className?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    element.appendChild(node);
    return () => {
      if (node.parentNode === element) element.removeChild(node);
    };
  }, [node]);
  return <div ref={host} className={className} data-testid="data-panel-slot" />;
}
