/** React hook: the CSS-pixel width of an element, kept current with a ResizeObserver. */
import { type RefObject, useLayoutEffect, useState } from 'react';

/** Returns the element's content width (0 until measured); re-renders only when it changes by ≥ 1 px. */
export function useElementWidth(ref: RefObject<Element | null>, fallback = 0): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const next = Math.floor(element.getBoundingClientRect().width);
      setWidth((prev) => (Math.abs(prev - next) >= 1 ? next : prev));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
