/**
 * The link and `<iframe>` snippet of the Share dialog. Pure: the page's base URL comes in as an argument.
 */
import {
  DEFAULT_EMBED_CHARTS,
  type EmbedChart,
  type ShareableState,
  type ThemePreference,
} from '../../state/shareableState';
import { encodeUrlState } from '../../state/urlCodec';

export interface EmbedChoice {
  charts: EmbedChart[];
  /** CSS pixels of the iframe. */
  width: number;
  height: number;
  /** null: the embed follows the reader's system theme. */
  theme: ThemePreference | null;
}

export const DEFAULT_EMBED_CHOICE: EmbedChoice = {
  charts: [...DEFAULT_EMBED_CHARTS],
  width: 720,
  height: 560,
  theme: null,
};

/** The full link to this state, e.g. `https://host/explorer/?v=1&gen=…`. */
export function shareLink(base: string, state: ShareableState): string {
  return `${base}${encodeUrlState(state)}`;
}

/** The embed link: the same state with `embed=1&charts=…` (and `theme=` if chosen). */
export function embedLink(base: string, state: ShareableState, choice: EmbedChoice): string {
  const charts = choice.charts.length > 0 ? choice.charts : [...DEFAULT_EMBED_CHARTS];
  return `${base}${encodeUrlState(state, { embed: { charts }, theme: choice.theme })}`;
}

/** HTML-escapes an attribute value (the link holds `&`). */
function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A ready `<iframe>` for a blog post or course page: fixed size that shrinks on narrow screens, no border, lazy.
 * E.g. `<iframe src="https://…/?v=1&amp;…&amp;embed=1&amp;charts=hist,metrics" width="720" height="560" …></iframe>`.
 */
export function iframeSnippet(src: string, choice: EmbedChoice, title: string): string {
  return `<iframe src="${attribute(src)}" width="${choice.width}" height="${choice.height}" style="border:0;max-width:100%" title="${attribute(title)}" loading="lazy"></iframe>`;
}
