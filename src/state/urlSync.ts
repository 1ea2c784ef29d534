/**
 * The URL and the store (ARCHITECTURE.md §7 urlSync): the link is read once at boot (state, embed options, theme,
 * notices), and afterwards every change of the shareable state is written back with a debounced
 * `history.replaceState`, so the address bar is always a link to what is on screen. Browser only (the codec it
 * uses is pure and tested in Node).
 */
import { findLesson, lessonStepCount } from '../lessons';
import type { AppStore, AppStoreInit } from './appStore';
import { useLmStore } from './lmStore';
import { withLmFields } from './lmUrl';
import {
  type ShareableState,
  selectShareableState,
  storeFieldsOf,
  type ThemePreference,
} from './shareableState';
import { type DecodedUrl, decodeUrlState, encodeUrlState, type UrlPageOptions } from './urlCodec';

/** What the page starts from. */
export interface BootState extends DecodedUrl {
  /** The store's initial choices from the link. */
  init: AppStoreInit;
}

/** Reads a query string (e.g. `location.search`) into the store's initial choices, page options and notices. */
export function readBootState(search: string): BootState {
  const decoded = decodeUrlState(search, { lessonSteps: lessonStepCount });
  return { ...decoded, init: initOf(decoded.state) };
}

/**
 * The store's initial choices for a shareable state: its store fields, less the selected groups (the store is
 * created without them; `pushBootNotices` sets them) and less a lesson this build does not have (a stale link).
 */
export function initOf(state: ShareableState): AppStoreInit {
  const { group: _group, lesson, ...fields } = storeFieldsOf(state);
  return { ...fields, lesson: lesson && findLesson(lesson.id) ? lesson : null };
}

/** Puts the link's notices in the store (info tone: the page works, with defaults for the fields named). */
export function pushBootNotices(store: AppStore, boot: BootState): void {
  const { pushNotice, setGroup } = store.getState();
  setGroup('a', boot.state.view.group.a);
  setGroup('b', boot.state.view.group.b);
  if (boot.notices.length === 0) return;
  const shown = boot.notices.slice(0, 6);
  const more = boot.notices.length - shown.length;
  pushNotice(
    'info',
    `Some fields of this link were not valid and their defaults are used instead: ${shown.join(' ')}${more > 0 ? ` (and ${more} more)` : ''}`,
  );
}

/** The link to the current state: `base` (origin + path) plus the encoded query. */
export function linkTo(state: ShareableState, base: string, page: Partial<UrlPageOptions> = {}): string {
  return `${base}${encodeUrlState(state, page)}`;
}

/**
 * Writes the shareable state into the address bar (replaceState, so no history entry per slider step),
 * debounced by `delayMs` but never later than `maxWaitMs` after the first unwritten change, so a long drag
 * (which changes the state every frame) cannot keep the address bar stale. `theme` is the link's theme
 * override, kept in the URL while it applies. Returns a stop.
 */
export function startUrlSync(
  store: AppStore,
  options: { delayMs?: number; maxWaitMs?: number; theme?: ThemePreference | null } = {},
): () => void {
  const delayMs = options.delayMs ?? 250;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pendingSince = 0;
  let last = '';
  const write = () => {
    timer = null;
    const explorer = encodeUrlState(selectShareableState(store.getState()), { theme: options.theme ?? null });
    const query = withLmFields(explorer, useLmStore.getState()); // the Language model tab's lm.* fields (lmUrl.ts)
    if (query === last) return;
    last = query;
    const url = `${location.pathname}${query}${location.hash}`;
    try {
      history.replaceState(history.state, '', url);
    } catch {
      // Some sandboxed iframes forbid history changes: the state still works, only the address bar lags.
    }
  };
  const unsubscribe = store.subscribe((next, previous) => {
    const a = selectShareableState(next);
    const b = selectShareableState(previous);
    if (
      a.schemes === b.schemes &&
      a.view.range === b.view.range &&
      a.view.group === b.view.group &&
      a.view.layout === b.view.layout &&
      a.view.singleChannel === b.view.singleChannel &&
      a.view.yScale === b.view.yScale &&
      a.view.bins === b.view.bins &&
      a.lesson === b.lesson &&
      a.worked === b.worked &&
      a.view.tab === b.view.tab &&
      a.llmInt8 === b.llmInt8 &&
      next.generator === previous.generator &&
      next.source === previous.source
    )
      return;
    const now = Date.now();
    if (timer === null) pendingSince = now;
    else clearTimeout(timer);
    timer = setTimeout(write, Math.max(0, Math.min(delayMs, pendingSince + maxWaitMs - now)));
  });
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
