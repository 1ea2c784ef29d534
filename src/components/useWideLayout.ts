/**
 * Whether the page has the wide layout (Tailwind's `lg`, ≥ 1024 px: data panel beside the workspace, A and B side
 * by side). Below it the explorer reorders its DOM (not only its boxes, so the Tab order follows what is seen):
 * the histogram pair and its caption first, then the data panel, then each scheme's controls. Without
 * `matchMedia` (tests in jsdom) the layout is wide.
 */
import { useSyncExternalStore } from 'react';

export const WIDE_QUERY = '(min-width: 1024px)';

function subscribe(onChange: () => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const media = matchMedia(WIDE_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

function isWide(): boolean {
  return typeof matchMedia !== 'function' || matchMedia(WIDE_QUERY).matches;
}

export function useWideLayout(): boolean {
  return useSyncExternalStore(subscribe, isWide, () => true);
}
