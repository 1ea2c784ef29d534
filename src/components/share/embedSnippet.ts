/**
 * The link and `<iframe>` snippet of the Share dialog. Pure: the page's base URL comes in as an argument.
 * The snippet is an iframe as wide as the post's column (up to the chosen width) with a height estimated for
 * the charts chosen, plus a few lines of script that size it to its content and tell it the page's theme
 * (frameProtocol.ts). Without the script the estimate stands.
 */
import {
  DEFAULT_EMBED_CHARTS,
  type EmbedChart,
  type ShareableState,
  type ThemePreference,
} from '../../state/shareableState';
import { encodeUrlState } from '../../state/urlCodec';
import { MAX_FRAME_HEIGHT, MIN_FRAME_HEIGHT, SIZE_MESSAGE, THEME_MESSAGE } from '../embed/frameProtocol';
import { LM_EMBED_CHARTS } from '../lm/lmEmbedCharts';

/** `inherit`: follow the page that embeds the frame (told by the snippet's script). */
export type EmbedTheme = ThemePreference | 'inherit';

export interface EmbedChoice {
  charts: EmbedChart[];
  /** Widest the iframe gets, in CSS pixels (it shrinks with the post's column). */
  width: number;
  /** null: the embed follows the reader's system theme. */
  theme: EmbedTheme | null;
  /** No background of its own (the post's shows through). */
  transparent: boolean;
}

export const DEFAULT_EMBED_CHOICE: EmbedChoice = {
  charts: [...DEFAULT_EMBED_CHARTS],
  width: 800,
  theme: null,
  transparent: false,
};

/** The full link to this state, e.g. `https://host/explorer/?v=1&gen=…`. */
export function shareLink(base: string, state: ShareableState): string {
  return `${base}${encodeUrlState(state)}`;
}

/** The embed link: the same state with `embed=1&charts=…` (and `theme=`, `bg=transparent` if chosen). */
export function embedLink(base: string, state: ShareableState, choice: EmbedChoice): string {
  const charts = choice.charts.length > 0 ? choice.charts : [...DEFAULT_EMBED_CHARTS];
  const theme = choice.theme === 'inherit' ? null : choice.theme;
  const frame = { inheritTheme: choice.theme === 'inherit', transparent: choice.transparent };
  return `${base}${encodeUrlState(state, { embed: { charts }, theme, frame })}`;
}

/**
 * Height in CSS pixels of each part of an embed at a width of 640 px or more, measured on the default data in
 * Chromium (rounded up): per scheme (A and B side by side, so a row counts once), and for the whole figure.
 */
const PER_SCHEME_HEIGHT: Partial<Record<EmbedChart, number>> = {
  hist: 440,
  error: 260,
  heatmap: 380,
  rows: 260,
  mapping: 290,
  formula: 490,
};
const FIGURE_HEIGHT: Partial<Record<EmbedChart, number>> = {
  metrics: 360,
  worked: 700,
  // the Whole model figure once analysed (a GPT-2-shaped model: three kinds of tensor, the table's 32rem
  // scroll box, the strip and its legend); the model's line above them counts with the table
  wmdepth: 330,
  wmtable: 640,
  wmbudget: 130,
  // The Language model's parts once run (LmEmbed.tsx), the layer table at GPT-2's 12 blocks.
  lmppl: 220,
  lmloss: 340,
  lmcont: 360,
  lmsqnr: 340,
};
/** The Language model figure's card above its parts (model, size, schemes, text, the button). */
const LM_HEADER_HEIGHT = 200;

/** Below this width the embed stacks A above B (Tailwind's `sm`). */
const STACK_BELOW = 640;

/**
 * The iframe's height when the page runs no resize script: what the charts chosen need at `width`, A and B side
 * by side or stacked. E.g. the default (value histogram and metrics, A and B) at 800 px: 60 + 30 + 440 + 70 +
 * 360 = 960.
 */
export function defaultEmbedHeight(charts: readonly EmbedChart[], compare: boolean, width: number): number {
  const stacked = compare && width < STACK_BELOW;
  const narrow = width < STACK_BELOW;
  const perScheme = charts.reduce((sum, c) => sum + (PER_SCHEME_HEIGHT[c] ?? 0), 0);
  let height = 60; // padding and the footer
  if (perScheme > 0) height += (30 + perScheme) * (stacked ? 2 : 1);
  if (charts.includes('hist')) height += narrow ? 130 : 70; // the caption
  if (charts.some((c) => (LM_EMBED_CHARTS as readonly EmbedChart[]).includes(c)))
    height += LM_HEADER_HEIGHT * (narrow ? 1.5 : 1);
  for (const c of charts) height += (FIGURE_HEIGHT[c] ?? 0) * (narrow ? 1.8 : 1);
  return Math.min(MAX_FRAME_HEIGHT, Math.max(MIN_FRAME_HEIGHT, Math.ceil(height)));
}

/** HTML-escapes an attribute value (the link holds `&`). */
function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The host page's side of frameProtocol.ts, pasted once per page (a second copy does nothing): sets each
 * `iframe[data-quant-explorer]` to the height its frame posts (clamped), and tells the frames the page's theme
 * (hostThemeOf's rule: `data-theme` or a `dark` / `light` class on <html> or <body>, else a single
 * `color-scheme`, else the system's) whenever a frame speaks and whenever the page's theme changes.
 */
export const EMBED_HOST_SCRIPT = `<script>
(function () {
  if (window.quantExplorerHost) return;
  window.quantExplorerHost = true;
  var frames = function () { return document.querySelectorAll("iframe[data-quant-explorer]"); };
  var theme = function () {
    var els = [document.documentElement, document.body];
    for (var i = 0; i < els.length; i++) {
      var e = els[i], t = e && e.getAttribute("data-theme");
      if (t === "dark" || t === "light") return t;
      if (e && e.classList.contains("dark")) return "dark";
      if (e && e.classList.contains("light")) return "light";
    }
    var s = getComputedStyle(document.documentElement).colorScheme.split(" ").filter(function (w) {
      return w === "dark" || w === "light";
    });
    return s.length === 1 ? s[0] : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  };
  var tell = function (w) { w.postMessage({ type: "${THEME_MESSAGE}", theme: theme() }, "*"); };
  addEventListener("message", function (e) {
    var d = e.data;
    if (!d || d.type !== "${SIZE_MESSAGE}" || !isFinite(d.height)) return;
    frames().forEach(function (f) {
      if (f.contentWindow !== e.source) return;
      f.style.height = Math.min(${MAX_FRAME_HEIGHT}, Math.max(${MIN_FRAME_HEIGHT}, Math.ceil(d.height))) + "px";
      tell(e.source);
    });
  });
  var all = function () { frames().forEach(function (f) { if (f.contentWindow) tell(f.contentWindow); }); };
  var watch = new MutationObserver(all);
  watch.observe(document.documentElement, { attributes: true });
  if (document.body) watch.observe(document.body, { attributes: true });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", all);
})();
</script>`;

/**
 * A ready snippet for a blog post or course page: the iframe (no border, lazy, as wide as the column up to
 * `choice.width`, `height` the estimate for `compare` and the charts) followed by the host script.
 * E.g. `<iframe src="https://…/?v=1&amp;…&amp;embed=1&amp;charts=hist,metrics" data-quant-explorer …></iframe>`.
 */
export function iframeSnippet(src: string, choice: EmbedChoice, title: string, compare = true): string {
  const height = defaultEmbedHeight(choice.charts, compare, choice.width);
  const iframe = `<iframe src="${attribute(src)}" data-quant-explorer width="${choice.width}" height="${height}" style="border:0;width:100%;max-width:${choice.width}px;height:${height}px" title="${attribute(title)}" loading="lazy"></iframe>`;
  return `${iframe}\n${EMBED_HOST_SCRIPT}`;
}
