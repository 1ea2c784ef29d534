/**
 * The URL and the store (ARCHITECTURE.md §7 urlSync): the link is read once at boot (state, embed options, theme,
 * notices), and afterwards every change of the shareable state is written back with a debounced
 * `history.replaceState`, so the address bar is always a link to what is on screen. Browser only (the codec it
 * uses is pure and tested in Node).
 *
 * Which lessons exist is asked of the caller (`LessonSteps`, src/lessons' `lessonStepCount`): lessons are data over
 * the shareable state, a layer above this one (scripts/checkLayers.ts).
 */
import type { AppStore, AppStoreInit } from './appStore';
import { boundOpeningWork } from './boundLink';
import {
  type ShareableState,
  selectShareableState,
  storeFieldsOf,
  type ThemePreference,
} from './shareableState';
import { type DecodedUrl, decodeUrlState, encodeUrlState, type UrlPageOptions } from './urlCodec';

/** The number of steps of the lesson with this id, undefined for a lesson this build does not have. */
export type LessonSteps = (id: string) => number | undefined;

/** What the page starts from. */
export interface BootState extends DecodedUrl {
  /** The store's initial choices from the link. */
  init: AppStoreInit;
}

/** Reads a query string (e.g. `location.search`) into the store's initial choices, page options and notices. */
export function readBootState(search: string, lessonSteps: LessonSteps): BootState {
  const decoded = decodeUrlState(search, { lessonSteps });
  // A link cannot freeze the page it opens: its first computation is bounded (boundLink.ts), each cut named.
  const bounded = boundOpeningWork(decoded.state);
  const notices = [...decoded.notices, ...bounded.notices];
  return { ...decoded, state: bounded.state, notices, init: initOf(bounded.state, lessonSteps) };
}

/**
 * The store's initial choices for a shareable state: its store fields, less the selected groups (the store is
 * created without them; `pushBootNotices` sets them) and less a lesson this build does not have (a stale link).
 */
export function initOf(state: ShareableState, lessonSteps: LessonSteps): AppStoreInit {
  const { group: _group, lesson, ...fields } = storeFieldsOf(state);
  return {
    ...fields,
    // the Whole model tab's fields come from a link only (a lesson step leaves them alone: storeFieldsOf)
    wholeModel: state.wholeModel,
    lesson: lesson && lessonSteps(lesson.id) !== undefined ? lesson : null,
  };
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
    `Some fields of this link were not used as written: ${shown.join(' ')}${more > 0 ? ` (and ${more} more)` : ''}`,
  );
}

/**
 * Whether the address bar should be rewritten at boot: some field of the link fell back, so the address shows a
 * value the page does not. A Hub tensor's link waits for its tensor (until it loads, the store's shareable data
 * is the generator's), and its first write follows the load.
 */
export function shouldRewriteAtBoot(boot: DecodedUrl): boolean {
  return boot.notices.length > 0 && boot.state.data.kind !== 'hub';
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
  options: {
    delayMs?: number;
    maxWaitMs?: number;
    theme?: ThemePreference | null;
    /** Write the state at once (a link whose fields fell back: re-sharing it must not carry the bad values). */
    rewriteNow?: boolean;
  } = {},
): () => void {
  const delayMs = options.delayMs ?? 250;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pendingSince = 0;
  let last = '';
  const write = () => {
    timer = null;
    const query = encodeUrlState(selectShareableState(store.getState()), { theme: options.theme ?? null });
    if (query === last) return;
    last = query;
    const url = `${location.pathname}${query}${location.hash}`;
    try {
      history.replaceState(history.state, '', url);
    } catch {
      // Some sandboxed iframes forbid history changes: the state still works, only the address bar lags.
    }
  };
  if (options.rewriteNow) write();
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
      next.wholeModel === previous.wholeModel &&
      a.lab === b.lab &&
      a.lm === b.lm &&
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
