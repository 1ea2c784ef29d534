/**
 * The embed page's side of frameProtocol.ts: posts its content height to the embedding page on every change
 * (a ResizeObserver on the content), and, with `theme=inherit`, takes the theme the embedding page sends.
 * Does nothing when the page is not in a frame. Browser only.
 */
import type { ThemeController } from '../../theme/theme';
import { readThemeMessage, sizeMessage } from './frameProtocol';

export function startFrameBridge(
  content: HTMLElement,
  theme: ThemeController,
  options: { inheritTheme: boolean },
): () => void {
  const host = window.parent;
  if (host === window) return () => {};
  let last = -1;
  const post = () => {
    const height = Math.ceil(content.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // The height says nothing private, and the embedding page may be on any origin.
    host.postMessage(sizeMessage(height), '*');
  };
  const observer = new ResizeObserver(post);
  observer.observe(content);
  post();
  const onMessage = (event: MessageEvent) => {
    if (event.source !== host || !options.inheritTheme) return;
    const next = readThemeMessage(event.data);
    if (next && (theme.preference() !== next || theme.theme() !== next)) theme.setPreference(next, false);
  };
  window.addEventListener('message', onMessage);
  return () => {
    observer.disconnect();
    window.removeEventListener('message', onMessage);
  };
}
