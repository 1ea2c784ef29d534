/**
 * The embed mode (`?embed=1&charts=…`): a compact, chrome-less figure for an iframe or the library: the chosen
 * charts of the schemes on screen first (A and B side by side, stacked below 640 px), the caption that says what
 * their difference shows, then the metrics table, mapping, formulas or worked example, and a link to the full
 * explorer. No data panel and no controls; the state comes from the link. Its height is its content's (no
 * full-viewport minimum), so the frame can be sized to it (frameBridge.ts).
 */
import { useMemo } from 'react';
import type { QuantView } from '../../core/view';
import { useAppStore } from '../../state/appStore';
import type { Channel } from '../../state/schemesSlice';
import type { EmbedChart } from '../../state/shareableState';
import { useActiveDataset } from '../../state/useActiveDataset';
import { useDefaultZoom } from '../../state/useDefaultZoom';
import { ErrorBoundary } from '../ErrorBoundary';
import { CompareCaption } from '../figure/CompareCaption';
import { LazyView, lazyNamed } from '../LazyView';
import { LAB_EMBED_CHARTS, LabEmbed } from '../lab/LabEmbed';
import { LM_EMBED_CHARTS } from '../lm/lmEmbedCharts';
import { MetricsTable } from '../MetricsTable';
import { NoticeList } from '../NoticeList';
import { type SchemeChartId, SchemeCharts, type SharedScales } from '../SchemeCharts';
import { describeScheme } from '../schemeMethods';
import { useComparedViews } from '../useComparedViews';
import { WHOLE_MODEL_EMBED_CHARTS } from '../wholeModel/embedCharts';

// Formulas (with KaTeX) and the worked example load only in a figure that shows them.
const SchemeFormulas = lazyNamed(() => import('../formulas/SchemeFormulas').then((m) => m.SchemeFormulas));
const SchemeMapping = lazyNamed(() => import('../formulas/SchemeFormulas').then((m) => m.SchemeMapping));
const WorkedExample = lazyNamed(() => import('../worked/WorkedExample').then((m) => m.WorkedExample));
const WholeModelEmbed = lazyNamed(() =>
  import('../wholeModel/WholeModelEmbed').then((m) => m.WholeModelEmbed),
);
const LmEmbed = lazyNamed(() => import('../lm/LmEmbed').then((m) => m.LmEmbed));

const CARD_CHARTS: ReadonlyArray<SchemeChartId & EmbedChart> = ['hist', 'error', 'heatmap', 'rows'];

export function EmbedView({
  charts,
  fullLink,
  transparent = false,
  asPage = true,
}: {
  charts: readonly EmbedChart[];
  fullLink: string | null;
  /** No background of its own: the host page's shows through (`bg=transparent`, `background="transparent"`). */
  transparent?: boolean;
  /** The whole document (an iframe): a main landmark and a page heading; false inside a host page (the library). */
  asPage?: boolean;
}) {
  const data = useActiveDataset();
  useDefaultZoom(data.dataset);
  const datasetId = data.dataset?.id;
  const { compare, channels, results, metrics, shared } = useComparedViews(datasetId);
  const cards = useMemo(
    () => new Set<SchemeChartId>(CARD_CHARTS.filter((c) => charts.includes(c))),
    [charts],
  );
  const has = (chart: EmbedChart) => charts.includes(chart);
  const Root = asPage ? 'main' : 'div';
  const viewA = results.a.view;
  const viewB = results.b.view;
  const captionViews = useMemo(() => ({ a: viewA, b: viewB }), [viewA, viewB]);
  const perScheme = cards.size > 0 || has('formula') || has('mapping');
  // A figure of the model lab or the language model alone shows no matrix: its footer does not name one.
  const showsMatrix = perScheme || has('metrics') || has('worked');

  return (
    <Root
      className={`flex flex-col gap-3 p-3 text-slate-900 dark:text-slate-100 ${transparent ? '' : 'bg-white dark:bg-slate-950'}`}
      data-testid="embed-view"
      data-charts={charts.join(',')}
    >
      {asPage ? (
        <h1 className="sr-only">
          Quantization Explorer: {channels.map((c) => `scheme ${c.toUpperCase()}`).join(' against ')}
        </h1>
      ) : null}
      <NoticeList />
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
      {cards.has('hist') ? <CompareCaption channels={channels} views={captionViews} /> : null}
      {has('metrics') ? (
        <ErrorBoundary label="The metrics table">
          <MetricsTable channels={channels} metrics={metrics} />
        </ErrorBoundary>
      ) : null}
      {LAB_EMBED_CHARTS.some(has) ? <LabEmbed charts={charts} /> : null}
      {WHOLE_MODEL_EMBED_CHARTS.some(has) ? (
        <ErrorBoundary label="The whole-model figure">
          <LazyView label="the whole-model figure">
            <WholeModelEmbed charts={charts} />
          </LazyView>
        </ErrorBoundary>
      ) : null}
      {LM_EMBED_CHARTS.some(has) ? (
        <ErrorBoundary label="The language model">
          <LazyView label="the language model">
            <LmEmbed charts={charts} />
          </LazyView>
        </ErrorBoundary>
      ) : null}
      {has('worked') ? (
        <ErrorBoundary label="The worked example">
          <LazyView label="the worked example">
            <WorkedExample channels={channels} compact />
          </LazyView>
        </ErrorBoundary>
      ) : null}
      <footer className="mt-auto flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 pt-2 text-[11px] text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <span>
          Quantization Explorer
          {data.dataset && showsMatrix
            ? ` · ${data.dataset.summary.rows} × ${data.dataset.summary.cols} matrix`
            : ''}
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
    </Root>
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
  shared: SharedScales;
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
          {mapping || formula ? (
            <LazyView label="the formulas">
              {mapping ? <SchemeMapping channel={channel} label={label} scheme={scheme} view={view} /> : null}
              {formula ? <SchemeFormulas channel={channel} scheme={scheme} view={view} /> : null}
            </LazyView>
          ) : null}
        </ErrorBoundary>
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">{error ? 'No result.' : 'Computing…'}</p>
      )}
    </section>
  );
}
