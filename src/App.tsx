/**
 * Page layout only: header, data panel, metrics, and the scheme panels (A and B side by side, or one).
 * State comes from the store and the engine queries; the panels draw it.
 */
import { useMemo } from 'react';
import { DataPanel } from './components/DataPanel';
import { ErrorBoundary } from './components/ErrorBoundary';
import { HeaderTools } from './components/HeaderTools';
import { LessonPanel } from './components/lessons/LessonPanel';
import { LlmInt8View } from './components/llmInt8/LlmInt8View';
import { MetricsTable } from './components/MetricsTable';
import { NoticeList } from './components/NoticeList';
import type { SharedScales } from './components/SchemeCharts';
import { SchemePanel } from './components/SchemePanel';
import { SweepView } from './components/sweep/SweepView';
import { ViewToolbar } from './components/ViewToolbar';
import { WorkspaceTabs } from './components/WorkspaceTabs';
import { BackToWholeModel } from './components/wholeModel/BackToWholeModel';
import { WholeModelView } from './components/wholeModel/WholeModelView';
import { WorkedExample } from './components/worked/WorkedExample';
import type { QuantView } from './core/view';
import { useAppStore } from './state/appStore';
import type { Channel } from './state/schemesSlice';
import { useActiveDataset } from './state/useActiveDataset';
import { useDefaultZoom } from './state/useDefaultZoom';
import { useQuantView } from './state/useEngineResults';

/** Scales both panels share: heatmap colour top, per-row MSE axis top, and each other's per-row MSE. */
export function computeSharedScales(
  views: Partial<Record<Channel, QuantView>>,
  compare: boolean,
): Record<Channel, SharedScales> {
  const shown = (compare ? [views.a, views.b] : [views.a ?? views.b]).filter(
    (v): v is QuantView => v !== undefined,
  );
  let heatmapMax = 0;
  let rowMseMax = 0;
  for (const v of shown) {
    heatmapMax = Math.max(heatmapMax, v.heatmap.max);
    for (let i = 0; i < v.rowMse.length; i++) if (v.rowMse[i] > rowMseMax) rowMseMax = v.rowMse[i];
  }
  const otherOf = (mine: QuantView | undefined, theirs: QuantView | undefined, label: string) =>
    compare && mine && theirs && mine.rows === theirs.rows ? { label, rowMse: theirs.rowMse } : null;
  return {
    a: { heatmapMax, rowMseMax, other: otherOf(views.a, views.b, 'Scheme B') },
    b: { heatmapMax, rowMseMax, other: otherOf(views.b, views.a, 'Scheme A') },
  };
}

export function App() {
  const data = useActiveDataset();
  useDefaultZoom(data.dataset);
  const layout = useAppStore((s) => s.layout);
  const singleChannel = useAppStore((s) => s.singleChannel);
  const tab = useAppStore((s) => s.tab);
  const setTab = useAppStore((s) => s.setTab);
  const compare = layout === 'compare';
  const channels = useMemo<Channel[]>(
    () => (compare ? ['a', 'b'] : [singleChannel]),
    [compare, singleChannel],
  );
  const datasetId = data.dataset?.id;
  const results = {
    a: useQuantView('a', datasetId, channels.includes('a')),
    b: useQuantView('b', datasetId, channels.includes('b')),
  };
  const viewA = results.a.view;
  const viewB = results.b.view;
  const metricsA = viewA?.metrics;
  const metricsB = viewB?.metrics;
  const metrics = useMemo(() => ({ a: metricsA, b: metricsB }), [metricsA, metricsB]);
  const shared = useMemo(
    () =>
      computeSharedScales(
        compare ? { a: viewA, b: viewB } : { [singleChannel]: singleChannel === 'a' ? viewA : viewB },
        compare,
      ),
    [viewA, viewB, compare, singleChannel],
  );

  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-[1600px] flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-lg font-semibold tracking-tight">Quantization Explorer</h1>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            What rounding a weight matrix to a few bits does to its values, compared side by side.
          </p>
          <HeaderTools />
        </div>
      </header>
      <div className="mx-auto grid max-w-[1600px] grid-cols-1 gap-4 p-4 lg:grid-cols-[17rem_minmax(0,1fr)]">
        <aside className="min-w-0 lg:sticky lg:top-4 lg:self-start">
          <ErrorBoundary label="The data panel">
            <DataPanel data={data} />
          </ErrorBoundary>
        </aside>
        <main className="flex min-w-0 flex-col gap-4">
          <NoticeList />
          <ErrorBoundary label="The lesson">
            <LessonPanel />
          </ErrorBoundary>
          <WorkspaceTabs
            tab={tab}
            onTabChange={setTab}
            panels={{
              explore: () => (
                <>
                  <BackToWholeModel />
                  <ViewToolbar summary={data.dataset?.summary} />
                  <ErrorBoundary label="The metrics table">
                    <MetricsTable channels={channels} metrics={metrics} />
                  </ErrorBoundary>
                  <div className={`grid min-w-0 grid-cols-1 gap-4 ${compare ? 'lg:grid-cols-2' : ''}`}>
                    {channels.map((c) => (
                      <ErrorBoundary key={c} label={`Scheme ${c.toUpperCase()}`}>
                        <SchemePanel
                          channel={c}
                          result={results[c]}
                          dataset={data.dataset}
                          shared={shared[c]}
                        />
                      </ErrorBoundary>
                    ))}
                  </div>
                  <ErrorBoundary label="The worked example">
                    <WorkedExample channels={channels} datasetId={datasetId} />
                  </ErrorBoundary>
                </>
              ),
              sweep: () => (
                <ErrorBoundary label="The sweep">
                  <SweepView dataset={data.dataset} />
                </ErrorBoundary>
              ),
              llmInt8: () => (
                <ErrorBoundary label="The LLM.int8() view">
                  <LlmInt8View dataset={data.dataset} />
                </ErrorBoundary>
              ),
              wholeModel: () => (
                <ErrorBoundary label="The whole-model view">
                  <WholeModelView />
                </ErrorBoundary>
              ),
            }}
          />
        </main>
      </div>
    </div>
  );
}
