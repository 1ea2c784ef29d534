/** What a link holds: the shareable state and the page options (types and the empty link; no logic). */
import {
  DEFAULT_SHAREABLE_STATE,
  type EmbedOptions,
  type ShareableState,
  type ThemePreference,
} from '../shareableState';

/** An embed frame's own options: about the frame, not the state a link shares. */
export interface FrameOptions {
  /** `theme=inherit`: follow the page that embeds the frame (told by postMessage); until it speaks, the system's. */
  inheritTheme: boolean;
  /** `bg=transparent`: no background of its own (the post's shows through). */
  transparent: boolean;
}

export const NO_FRAME_OPTIONS: FrameOptions = { inheritTheme: false, transparent: false };

/** Everything a link carries besides the explorer state. */
export interface UrlPageOptions {
  /** null: the full explorer; otherwise the compact embed with these charts. */
  embed: EmbedOptions | null;
  /** null: no override (the reader's own preference applies, or the host page's with `frame.inheritTheme`). */
  theme: ThemePreference | null;
  frame: FrameOptions;
}

export interface UrlLink {
  state: ShareableState;
  page: UrlPageOptions;
}

/** A link without any key: the defaults, the full explorer, no theme override. */
export const EMPTY_LINK: UrlLink = {
  state: DEFAULT_SHAREABLE_STATE,
  page: { embed: null, theme: null, frame: NO_FRAME_OPTIONS },
};
