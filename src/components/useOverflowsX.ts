/**
 * Boxes that scroll sideways on a narrow screen (the metrics table, the worked example, a long formula) must be
 * reachable by keyboard while they scroll (WCAG 2.1.1; axe's scrollable-region-focusable), but a box that fits
 * should not add a Tab stop. These helpers say whether a box overflows and give it the attributes of a labelled,
 * focusable region only then.
 */
import { type RefObject, useEffect, useState } from 'react';

/** Whether `el` is wider inside than it shows. */
export function overflowsX(el: Element): boolean {
  return el.scrollWidth > el.clientWidth + 1;
}

/** Whether the box is wider inside than it shows (kept current on resize, and when `key` changes). */
export function useOverflowsX(ref: RefObject<HTMLElement | null>, key: unknown): boolean {
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    void key;
    const check = () => setOverflows(overflowsX(el));
    check();
    // An off-screen card with `content-visibility: auto` (styles.css) skips layout, and no resize is observed in
    // it: measure again when it is laid out.
    const card = el.closest('[aria-labelledby="worked-heading"], .chart-card');
    card?.addEventListener('contentvisibilityautostatechange', check);
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(check) : null;
    observer?.observe(el);
    const content = el.firstElementChild;
    if (content) observer?.observe(content);
    return () => {
      observer?.disconnect();
      card?.removeEventListener('contentvisibilityautostatechange', check);
    };
  }, [ref, key]);
  return overflows;
}

/** A scrolling box's attributes: a focusable region named `label` while it overflows, nothing otherwise. */
export function scrollRegionProps(
  overflowing: boolean,
  label: string,
): { tabIndex?: number; role?: 'region'; 'aria-label'?: string } {
  return overflowing ? { tabIndex: 0, role: 'region', 'aria-label': label } : {};
}

/** The same for a box whose DOM another library owns (KaTeX's display formulas): set or clear the attributes. */
export function markScrollRegion(el: HTMLElement, label: string): void {
  if (overflowsX(el)) {
    el.tabIndex = 0;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
  } else {
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
    el.removeAttribute('aria-label');
  }
}
