/** Store slice: how results are shown (layout, zoom, log axes, selected group, bins). */
import type { StateCreator } from 'zustand';
import { DEFAULT_VIEW } from '../core/view';
import type { AppState } from './appStore';
import type { Channel } from './schemesSlice';

/** `compare`: A and B side by side; `single`: one scheme, full width. */
export type Layout = 'compare' | 'single';
export type YScale = 'linear' | 'log';

export interface ViewSlice {
  layout: Layout;
  /** The scheme shown in the single view. */
  singleChannel: Channel;
  /** Count axis of the value histograms. */
  yScale: YScale;
  /** Shared x range of the value histograms (brushed zoom); null = the data's [min, max]. */
  range: [number, number] | null;
  bins: number;
  /** Group (row / column / group index) whose grid and parameters are shown, per scheme. */
  group: Record<Channel, number>;
  setLayout(layout: Layout, singleChannel?: Channel): void;
  setYScale(yScale: YScale): void;
  setRange(range: [number, number] | null): void;
  setBins(bins: number): void;
  setGroup(channel: Channel, group: number): void;
}

export const createViewSlice =
  (
    init?: Partial<Pick<ViewSlice, 'layout' | 'singleChannel' | 'yScale' | 'range' | 'bins'>>,
  ): StateCreator<AppState, [], [], ViewSlice> =>
  (set) => ({
    layout: init?.layout ?? 'compare',
    singleChannel: init?.singleChannel ?? 'a',
    yScale: init?.yScale ?? 'linear',
    range: init?.range ?? null,
    bins: init?.bins ?? DEFAULT_VIEW.bins,
    group: { a: 0, b: 0 },
    setLayout: (layout, singleChannel) =>
      set((s) => ({ layout, singleChannel: singleChannel ?? s.singleChannel })),
    setYScale: (yScale) => set({ yScale }),
    setRange: (range) => {
      // An empty or reversed range would give no bins; treat it as "no zoom".
      if (range && !(range[1] > range[0])) range = null;
      set({ range });
    },
    setBins: (bins) => set({ bins }),
    setGroup: (channel, group) =>
      set((s) => ({ group: { ...s.group, [channel]: Math.max(0, Math.floor(group)) } })),
  });
