/**
 * The messages between an embedded explorer (the iframe) and the page that embeds it. Pure: checked shapes only,
 * since any window may post anything to either side.
 * - frame → host: `{ type: 'quant-explorer:size', height }`, the frame's content height in CSS pixels, on every
 *   change (the snippet's script sets the iframe's height to it, so there is no inner scrollbar);
 * - host → frame: `{ type: 'quant-explorer:theme', theme: 'light' | 'dark' }`, for frames opened with
 *   `theme=inherit` (the script sends it whenever the frame speaks, and when the host's theme changes).
 */
import type { Theme } from '../../theme/theme';

export const SIZE_MESSAGE = 'quant-explorer:size';
export const THEME_MESSAGE = 'quant-explorer:theme';

/** A frame is never sized below or above these (a hostile or broken height cannot collapse or flood the post). */
export const MIN_FRAME_HEIGHT = 80;
export const MAX_FRAME_HEIGHT = 20_000;

export interface SizeMessage {
  type: typeof SIZE_MESSAGE;
  height: number;
}

export interface ThemeMessage {
  type: typeof THEME_MESSAGE;
  theme: Theme;
}

export function sizeMessage(height: number): SizeMessage {
  return { type: SIZE_MESSAGE, height: Math.ceil(height) };
}

/** The theme a message names, or null if it is not a theme message. */
export function readThemeMessage(data: unknown): Theme | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m.type !== THEME_MESSAGE) return null;
  return m.theme === 'light' || m.theme === 'dark' ? m.theme : null;
}

/** The height a size message asks for, clamped, or null if it is not one. */
export function readSizeMessage(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m.type !== SIZE_MESSAGE || typeof m.height !== 'number' || !Number.isFinite(m.height)) return null;
  return Math.min(MAX_FRAME_HEIGHT, Math.max(MIN_FRAME_HEIGHT, Math.ceil(m.height)));
}

/**
 * What a host page's theme is, from what it shows: an explicit `data-theme` or a `dark` / `light` class on its
 * root, else its `color-scheme` when it names just one, else the reader's system preference. The host script
 * (embedSnippet.ts) and the custom element's `theme="inherit"` both use this rule.
 */
export function hostThemeOf(host: {
  dataTheme: string | null;
  classes: readonly string[];
  colorScheme: string;
  systemDark: boolean;
}): Theme {
  if (host.dataTheme === 'dark' || host.dataTheme === 'light') return host.dataTheme;
  if (host.classes.includes('dark')) return 'dark';
  if (host.classes.includes('light')) return 'light';
  const schemes = host.colorScheme.split(/\s+/).filter((s) => s === 'light' || s === 'dark');
  if (schemes.length === 1) return schemes[0] as Theme;
  return host.systemDark ? 'dark' : 'light';
}
