/**
 * The embed page's own options, read before the link goes to the URL codec (they are about the frame, not the
 * state a link shares): `theme=inherit` (follow the page that embeds the frame, which says its theme by
 * `postMessage`) and `bg=transparent` (no background of its own, so the figure sits on the post's). Pure.
 * E.g. `?v=1&a.bits=4&embed=1&theme=inherit&bg=transparent` → search `?v=1&a.bits=4&embed=1`, both options on.
 */

export interface FrameOptions {
  /** Follow the host page's theme (told by postMessage); until it speaks, the reader's system theme. */
  inheritTheme: boolean;
  /** Transparent background (the host's shows through). */
  transparent: boolean;
}

/** Takes the frame options out of a query string; every other field is left as it was, in order. */
export function splitFrameOptions(search: string): { search: string; frame: FrameOptions } {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const inheritTheme = params.get('theme') === 'inherit';
  const transparent = params.get('bg') === 'transparent';
  if (inheritTheme) params.delete('theme');
  if (transparent) params.delete('bg');
  const rest = params.toString();
  return { search: rest ? `?${rest}` : '', frame: { inheritTheme, transparent } };
}

/** The frame options as link fields to append to an embed link (`&theme=inherit&bg=transparent`). */
export function frameOptionsQuery(frame: FrameOptions): string {
  return `${frame.inheritTheme ? '&theme=inherit' : ''}${frame.transparent ? '&bg=transparent' : ''}`;
}
