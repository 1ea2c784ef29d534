/**
 * The compared views (A and B, or the one shown): which channels are on screen, each one's engine result, their
 * metrics and the scales they share. One hook for the page (App) and the embed (EmbedView), so both wire the
 * same queries the same way.
 */
import { useMemo, useRef } from 'react';
import type { Metrics } from '../core/view';
import { useAppStore } from '../state/appStore';
import { useEngine } from '../state/engineContext';
import { useSameFrameMirror } from '../state/sameFrame';
import type { Channel } from '../state/schemesSlice';
import { type QuantResultState, useQuantView } from '../state/useEngineResults';
import type { SharedScales } from './SchemeCharts';
import { computeSharedScales, keepUnchangedScales } from './sharedScales';

export interface ComparedViews {
  /** True when A and B are shown side by side. */
  compare: boolean;
  /** The channels on screen, in display order. */
  channels: Channel[];
  results: Record<Channel, QuantResultState>;
  /** Each channel's latest metrics (undefined until its first result, or when not shown). */
  metrics: Partial<Record<Channel, Metrics>>;
  shared: Record<Channel, SharedScales>;
}

export function useComparedViews(datasetId: string | undefined): ComparedViews {
  const layout = useAppStore((s) => s.layout);
  const singleChannel = useAppStore((s) => s.singleChannel);
  const compare = layout === 'compare';
  const channels = useMemo<Channel[]>(
    () => (compare ? ['a', 'b'] : [singleChannel]),
    [compare, singleChannel],
  );
  useSameFrameMirror(useEngine(), datasetId);
  const a = useQuantView('a', datasetId, channels.includes('a'));
  const b = useQuantView('b', datasetId, channels.includes('b'));
  const viewA = a.view;
  const viewB = b.view;
  const metricsA = viewA?.metrics;
  const metricsB = viewB?.metrics;
  const metrics = useMemo(() => ({ a: metricsA, b: metricsB }), [metricsA, metricsB]);
  const lastShared = useRef<Record<Channel, SharedScales> | null>(null);
  const shared = useMemo(
    () =>
      keepUnchangedScales(
        lastShared.current,
        computeSharedScales(
          compare ? { a: viewA, b: viewB } : { [singleChannel]: singleChannel === 'a' ? viewA : viewB },
          compare,
        ),
      ),
    [viewA, viewB, compare, singleChannel],
  );
  lastShared.current = shared;
  const results = useMemo(() => ({ a, b }), [a, b]);
  return { compare, channels, results, metrics, shared };
}
