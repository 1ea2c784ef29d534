/** Selectors over the app store: what the engine is asked, derived from what the user chose. */
import { DEFAULT_VIEW, type ViewParams } from '../core/view';
import type { AppState } from './appStore';
import type { Channel } from './schemesSlice';

/** The scheme of a channel. */
export const selectScheme = (channel: Channel) => (s: AppState) => s.schemes[channel];

/**
 * The ViewParams sent with a channel's quantize call: bins and zoom shared by both schemes (so their
 * histograms share bin edges), the channel's selected group.
 */
export function selectViewParams(s: AppState, channel: Channel): ViewParams {
  return { ...DEFAULT_VIEW, bins: s.bins, range: s.range, group: s.group[channel] };
}

/** The channels on screen: both when comparing, one in the single view. */
export function selectVisibleChannels(s: AppState): Channel[] {
  return s.layout === 'compare' ? ['a', 'b'] : [s.singleChannel];
}
