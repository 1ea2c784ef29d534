/**
 * The explorer tab: the scheme panels (A and B side by side, or one; each opens on its headline numbers and value
 * histogram, so both are in the first screen), the caption that says what their difference shows, then the metrics
 * table and the worked example. It owns the engine queries (useComparedViews), so a scheme change re-renders this
 * tab only, not the page around it (header, data panel, tab strip).
 */

import { memo, type ReactNode, useDeferredValue, useMemo, useRef } from 'react';
import type { Channel } from '../state/schemesSlice';
import type { DatasetSummary } from '../worker/protocol';
import { ErrorBoundary } from './ErrorBoundary';
import { CompareCaption } from './figure/CompareCaption';
import { type Headline, headlinesOf } from './figure/HeadlineNumbers';
import { LazyView, lazyNamed } from './LazyView';
import { MetricsTable } from './MetricsTable';
import { SchemePanel } from './SchemePanel';
import { useComparedViews } from './useComparedViews';
import { useWideLayout } from './useWideLayout';
import { ViewToolbar } from './ViewToolbar';
import { BackToWholeModel } from './wholeModel/BackToWholeModel';

const WorkedExample = lazyNamed(() => import('./worked/WorkedExample').then((m) => m.WorkedExample));

export const ExplorerTab = memo(function ExplorerTab({
  dataset,
  dataPanel,
}: {
  dataset: DatasetSummary | undefined;
  /** Narrow screens: the page's data panel, shown after the histogram pair and its caption (App decides). */
  dataPanel?: ReactNode;
}) {
  const wide = useWideLayout();
  const datasetId = dataset?.id;
  const { compare, channels, results, metrics, shared } = useComparedViews(datasetId);
  const viewA = results.a.view;
  const viewB = results.b.view;
  const captionViews = useMemo(() => ({ a: viewA, b: viewB }), [viewA, viewB]);
  // The table sits below the charts: it follows in a later, interruptible render (a deferred value). The two
  // renders may land in either order, so each panel's `data-ready` also waits for the table to show its metrics
  // (`tableShown`): a reader of the table after `data-ready` never sees the previous bit width's numbers.
  const tableMetrics = useDeferredValue(metrics);
  // Each panel's headline keeps its object while it shows the same numbers and marks: A's result alone does not
  // re-render B's panel.
  const lastHeadlines = useRef<Record<Channel, Headline> | null>(null);
  const headlines = useMemo(() => headlinesOf(metrics, compare, lastHeadlines.current), [metrics, compare]);
  lastHeadlines.current = headlines;
  // One scheme's panel, whole or one of its two parts (narrow screens show the story part above the data panel).
  const schemePanel = (c: Channel, part: 'all' | 'story' | 'rest') => (
    <ErrorBoundary key={c} label={`Scheme ${c.toUpperCase()}`}>
      <SchemePanel
        channel={c}
        result={results[c]}
        dataset={dataset}
        shared={shared[c]}
        headline={headlines[c]}
        tableShown={tableMetrics[c] === metrics[c]}
        part={part}
      />
    </ErrorBoundary>
  );
  return (
    <>
      <BackToWholeModel />
      <ViewToolbar summary={dataset?.summary} />
      {wide ? <CompareCaption channels={channels} views={captionViews} /> : null}
      {wide ? null : (
        // Narrow screens: the story first (A's histogram, then B's, the caption under them), then the data panel,
        // then each scheme's controls and other charts. DOM order, so the Tab order is the order seen.
        <div className="flex min-w-0 flex-col gap-4" data-testid="explorer-story">
          {channels.map((c) => schemePanel(c, 'story'))}
          <CompareCaption channels={channels} views={captionViews} />
          {dataPanel}
        </div>
      )}
      <div className={`grid min-w-0 grid-cols-1 gap-4 ${compare ? 'lg:grid-cols-2' : ''}`}>
        {channels.map((c) => schemePanel(c, wide ? 'all' : 'rest'))}
      </div>
      <ErrorBoundary label="The metrics table">
        <MetricsTable channels={channels} metrics={tableMetrics} />
      </ErrorBoundary>
      <ErrorBoundary label="The worked example">
        <LazyView label="the worked example">
          <WorkedExample channels={channels} datasetId={datasetId} />
        </LazyView>
      </ErrorBoundary>
    </>
  );
});
