/**
 * The embed mode (`?embed=1&charts=…`): a compact, chrome-less view for an iframe: the chosen charts of the
 * schemes on screen (A and B, or one), the metrics, formulas, mapping or worked example, and a link to the full
 * explorer. No data panel and no controls; the state comes from the link.
 */
import { useMemo } from 'react';
import { computeSharedScales } from '../../App';
import type { QuantView } from '../../core/view';
import { useAppStore } from '../../state/appStore';
import type { Channel } from '../../state/schemesSlice';
import type { EmbedChart } from '../../state/shareableState';
import { useActiveDataset } from '../../state/useActiveDataset';
import { useDefaultZoom } from '../../state/useDefaultZoom';
import { useQuantView } from '../../state/useEngineResults';
import { ErrorBoundary } from '../ErrorBoundary';
import { SchemeFormulas, SchemeMapping } from '../formulas/SchemeFormulas';
import { LAB_EMBED_CHARTS, LabEmbed } from '../lab/LabEmbed';
import { MetricsTable } from '../MetricsTable';
import { NoticeList } from '../NoticeList';
import { type SchemeChartId, SchemeCharts } from '../SchemeCharts';
import { describeScheme } from '../schemeMethods';
import { WorkedExample } from '../worked/WorkedExample';

const CARD_CHARTS: ReadonlyArray<SchemeChartId & EmbedChart> = ['hist', 'error', 'heatmap', 'rows'];

export function EmbedView({
  charts,
  fullLink,
  standalone = true,
}: {
  charts: readonly EmbedChart[];
  fullLink: string | null;
  /** The whole page (an iframe: fills the viewport) or a part of another page (the library: its own height). */
  standalone?: boolean;
}) {
  const data = useActiveDataset();
  useDefaultZoom(data.dataset);
  const layout = useAppStore((s) => s.layout);
  const singleChannel = useAppStore((s) => s.singleChannel);
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
  const shared = useMemo(
    () =>
      computeSharedScales(
        compare ? { a: viewA, b: viewB } : { [singleChannel]: singleChannel === 'a' ? viewA : viewB },
        compare,
      ),
    [viewA, viewB, compare, singleChannel],
  );
  const metrics = useMemo(() => ({ a: viewA?.metrics, b: viewB?.metrics }), [viewA, viewB]);
  const cards = useMemo(
    () => new Set<SchemeChartId>(CARD_CHARTS.filter((c) => charts.includes(c))),
    [charts],
  );
  const has = (chart: EmbedChart) => charts.includes(chart);
  const perScheme = cards.size > 0 || has('formula') || has('mapping');

  return (
    <div
      className={`flex ${standalone ? 'min-h-screen' : ''} flex-col gap-3 bg-white p-3 text-slate-900 dark:bg-slate-950 dark:text-slate-100`}
      data-testid="embed-view"
      data-charts={charts.join(',')}
    >
      <NoticeList />
      {has('metrics') ? (
        <ErrorBoundary label="The metrics table">
          <MetricsTable channels={channels} metrics={metrics} />
        </ErrorBoundary>
      ) : null}
      {perScheme ? (
        <div className={`grid min-w-0 grid-cols-1 gap-3 ${compare ? 'sm:grid-cols-2' : ''}`}>
          {channels.map((c) => (
            <EmbedScheme
              key={c}
              channel={c}
              view={results[c].view}
              ready={results[c].status === 'ready'}
              error={results[c].error}
              cards={cards}
              formula={has('formula')}
              mapping={has('mapping')}
              shared={shared[c]}
              datasetId={datasetId}
            />
          ))}
        </div>
      ) : null}
      {LAB_EMBED_CHARTS.some(has) ? <LabEmbed charts={charts} /> : null}
      {has('worked') ? (
        <ErrorBoundary label="The worked example">
          <WorkedExample channels={channels} compact />
        </ErrorBoundary>
      ) : null}
      <footer className="mt-auto flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 pt-2 text-[11px] text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <span>
          Quantization Explorer
          {data.dataset ? ` · ${data.dataset.summary.rows} × ${data.dataset.summary.cols} matrix` : ''}
        </span>
        {fullLink ? (
          <a
            className="link-button"
            href={fullLink}
            target="_blank"
            rel="noopener"
            data-testid="embed-open-full"
          >
            Open in the full explorer ↗
          </a>
        ) : null}
      </footer>
    </div>
  );
}

function EmbedScheme({
  channel,
  view,
  ready,
  error,
  cards,
  formula,
  mapping,
  shared,
  datasetId,
}: {
  channel: Channel;
  view: QuantView | undefined;
  ready: boolean;
  error: Error | null;
  cards: ReadonlySet<SchemeChartId>;
  formula: boolean;
  mapping: boolean;
  shared: ReturnType<typeof computeSharedScales>[Channel];
  datasetId: string | undefined;
}) {
  const scheme = useAppStore((s) => s.schemes[channel]);
  const label = `Scheme ${channel.toUpperCase()}`;
  return (
    <section
      className="flex min-w-0 flex-col gap-3"
      aria-label={`${label}: ${describeScheme(scheme)}`}
      data-testid={`embed-scheme-${channel}`}
      data-ready={ready ? 'true' : 'false'}
    >
      <h2 className="flex items-center text-sm font-semibold">
        <span className={`scheme-badge scheme-badge-${channel}`}>{channel.toUpperCase()}</span>
        {describeScheme(scheme)}
      </h2>
      {error ? (
        <p role="alert" className="text-xs text-[var(--color-error-text)]">
          The engine could not quantize with these settings: {error.message}
        </p>
      ) : null}
      {view ? (
        <ErrorBoundary label={`${label} charts`}>
          {formula ? <SchemeFormulas channel={channel} scheme={scheme} view={view} /> : null}
          {mapping ? <SchemeMapping channel={channel} label={label} scheme={scheme} view={view} /> : null}
          {cards.size > 0 ? (
            <SchemeCharts
              channel={channel}
              label={label}
              scheme={scheme}
              view={view}
              shared={shared}
              datasetId={datasetId}
              show={cards}
            />
          ) : null}
        </ErrorBoundary>
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">{error ? 'No result.' : 'Computing…'}</p>
      )}
    </section>
  );
}
