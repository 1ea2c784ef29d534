/**
 * `theme="inherit"` for the library: the host page's theme (frameProtocol.ts's rule, read from the page the
 * explorer sits in), followed as it changes: a class or attribute on <html> / <body>, or the system's setting.
 * Browser only.
 */
import { hostThemeOf } from '../components/embed/frameProtocol';
import type { Theme } from '../theme/theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function hostParentOf(element: Element): Element {
  const root = element.getRootNode();
  const host = root instanceof ShadowRoot ? root.host : element;
  return host.parentElement ?? document.documentElement;
}

/** The theme of the page around `element`. */
export function readHostTheme(element: Element): Theme {
  const html = document.documentElement;
  const body = document.body;
  const marked = [html, body].find(
    (e) =>
      e &&
      (e.dataset.theme === 'dark' ||
        e.dataset.theme === 'light' ||
        e.classList.contains('dark') ||
        e.classList.contains('light')),
  );
  return hostThemeOf({
    dataTheme: marked?.dataset.theme ?? null,
    classes: marked ? [...marked.classList] : [],
    // color-scheme is inherited, so the host's parent has the page's own around the explorer (the host element
    // itself takes the explorer's `:host` rule).
    colorScheme: getComputedStyle(hostParentOf(element)).colorScheme,
    systemDark: matchMedia(DARK_QUERY).matches,
  });
}

/** Calls `apply` with the host's theme now and on every change; returns the function that stops following. */
export function followHostTheme(element: Element, apply: (theme: Theme) => void): () => void {
  let last: Theme | null = null;
  const update = () => {
    const next = readHostTheme(element);
    if (next !== last) {
      last = next;
      apply(next);
    }
  };
  const observer = new MutationObserver(update);
  for (const target of [document.documentElement, document.body])
    if (target)
      observer.observe(target, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] });
  const media = matchMedia(DARK_QUERY);
  media.addEventListener('change', update);
  update();
  return () => {
    observer.disconnect();
    media.removeEventListener('change', update);
  };
}
