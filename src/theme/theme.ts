/**
 * Light and dark themes: the reader's preference (light, dark, or follow the system, the default) is kept in
 * localStorage; the resolved theme is written as `data-theme` on the root element, which the palette variables
 * and Tailwind's `dark:` variant follow (styles.css). A link may override the preference for one visit
 * (`theme=dark`, e.g. an embed on a dark blog) without storing it. Browser only.
 */
import type { ThemePreference } from '../state/shareableState';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'quant-explorer:theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The theme a preference resolves to: the system's for 'system'. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  if (preference === 'system') return systemDark ? 'dark' : 'light';
  return preference;
}

/** The stored preference, 'system' when none is stored (or storage is blocked). */
export function readStoredPreference(): ThemePreference {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

function storePreference(preference: ThemePreference): void {
  try {
    if (preference === 'system') globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, preference);
  } catch {
    // Storage blocked (private mode, sandboxed iframe): the choice lasts for this page only.
  }
}

function systemIsDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches;
}

/** Writes the theme on `root`: `data-theme` for the stylesheet, `color-scheme` for form controls and scrollbars. */
export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

/**
 * A theme controller for one root element: holds the preference, applies it, follows the system while the
 * preference is 'system', and notifies subscribers (the toggle) of changes.
 */
export interface ThemeController {
  preference(): ThemePreference;
  theme(): Theme;
  /** Sets the preference; `persist` (default true) stores it for later visits. */
  setPreference(preference: ThemePreference, persist?: boolean): void;
  subscribe(listener: () => void): () => void;
  dispose(): void;
}

export function createThemeController(root: HTMLElement, initial: ThemePreference): ThemeController {
  let preference = initial;
  const listeners = new Set<() => void>();
  const media = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : null;
  const update = () => {
    applyTheme(root, resolveTheme(preference, systemIsDark()));
    for (const listener of listeners) listener();
  };
  const onSystemChange = () => {
    if (preference === 'system') update();
  };
  media?.addEventListener('change', onSystemChange);
  update();
  return {
    preference: () => preference,
    theme: () => resolveTheme(preference, systemIsDark()),
    setPreference(next, persist = true) {
      preference = next;
      if (persist) storePreference(next);
      update();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      media?.removeEventListener('change', onSystemChange);
      listeners.clear();
    },
  };
}
