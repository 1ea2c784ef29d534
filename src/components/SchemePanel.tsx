/**
 * One scheme's panel, in the order a first-time reader needs it: the headline numbers and the value histogram
 * first (so A's and B's sit side by side in the first screen), then the controls, the formulas (collapsed) and
 * the other charts. Status: busy after ~150 ms, engine errors. Carries `data-state`, `data-shown` (the headline
 * numbers and the value histogram show the latest request: what the benchmark times) and `data-ready` (the whole
 * panel does, and the metrics table its numbers: the controls after a bits step, the charts below them and the
 * formulas follow a painted frame after `data-shown`), `data-result` (a number per result shown: a change the page
 * computes in its own frame keeps the panel ready throughout, core/sameFrame.ts) and `data-on-page` (that result
 * was computed on the page).
 */
import { memo, useMemo, useRef } from 'react';
import type { Scheme } from '../core/scheme';
import type { QuantView, Reuse } from '../core/view';
import { useAppStore } from '../state/appStore';
import type { Channel } from '../state/schemesSlice';
import { type QuantResultState, useDelayedFlag } from '../state/useEngineResults';
import type { DatasetSummary } from '../worker/protocol';
import { BusyIndicator } from './BusyIndicator';
import { ErrorBoundary } from './ErrorBoundary';
import { type Headline, HeadlineNumbers } from './figure/HeadlineNumbers';
import { FormulaPanel } from './formulas/SchemeFormulas';
import { type SchemeChartId, SchemeCharts, type SharedScales } from './SchemeCharts';
import { SchemeControls } from './SchemeControls';
import { describeScheme } from './schemeMethods';
import { useAfterPaint } from './useAfterPaint';

/** A number per result shown, so a test or a bench sees each new result even when the panel stays ready. */
const serials = new WeakMap<QuantView, number>();
let lastSerial = 0;
function serialOf(view: QuantView): number {
  let serial = serials.get(view);
  if (serial === undefined) {
    serial = ++lastSerial;
    serials.set(view, serial);
  }
  return serial;
}

/** The timing's short label on what a call took from the panel's last one (QuantView.reused). */
const REUSE_LABEL: Record<Reuse, string> = {
  none: '',
  quantization: ' · codes kept',
  measuring: ' · reused',
};

/** The same, said in the timing's tooltip. */
const REUSE_NOTE: Record<Reuse, string> = {
  none: '',
  quantization: '; codes and values kept from the last run of this scheme: only the measuring ran',
  measuring: '; only the group shown changed: everything else is the last run of this scheme',
};

/** The most threads any part of the call ran on (the search, or the measuring). */
function threadsShown(view: { threads: number; measuringThreads: number }): number {
  return Math.max(view.threads, view.measuringThreads);
}

const FIRST_CHARTS: ReadonlySet<SchemeChartId> = new Set(['hist']);
const OTHER_CHARTS: ReadonlySet<SchemeChartId> = new Set(['grid', 'error', 'heatmap', 'rows']);
/**
 * The value histogram reads none of the shared scales (the heatmap and per-row charts do): drawn with this constant,
 * it skips re-rendering when only the other panel's result moved them.
 */
const NO_SHARED: SharedScales = { heatmapMax: 0, rowMseMax: 0, other: null };

/** True when `a` and `b` are the same integer scheme but for their bits (a step of the bits slider). */
function onlyBitsDiffer(a: Scheme, b: Scheme): boolean {
  if (a === b) return true;
  if (a.kind !== 'integer' || b.kind !== 'integer') return false;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof typeof a>)
    if (key !== 'bits' && a[key] !== b[key]) return false;
  return true;
}

/** Memoised: re-renders only when its own result, dataset or shared scales change. */
export const SchemePanel = memo(function SchemePanel({
  channel,
  result,
  dataset,
  shared,
  headline,
  tableShown = true,
  part = 'all',
}: {
  channel: Channel;
  result: QuantResultState;
  dataset: DatasetSummary | undefined;
  shared: SharedScales;
  /**
   * This panel's headline numbers and which of them beat the other panel's: kept as one object while it shows
   * the same, so the other panel's results do not re-render this one (ExplorerTab, headlinesOf).
   */
  headline: Headline;
  /**
   * The metrics table (a deferred render below the panels) shows this panel's latest metrics: part of `data-ready`,
   * so a test that waits for the panel reads the table's new numbers.
   */
  tableShown?: boolean;
  /**
   * 'all': the whole panel (wide layout). Narrow screens split it so a reader who only scrolls meets A's and B's
   * histograms first: 'story' is the title, headline numbers and value histogram; 'rest' the panel without them
   * (controls, formulas, other charts), which keeps the panel's test ids and status.
   */
  part?: 'all' | 'story' | 'rest';
}) {
  const live: Scheme = useAppStore((s) => s.schemes[channel]);
  const label = `Scheme ${channel.toUpperCase()}`;
  const busy = useDelayedFlag(result.status === 'computing', 150);
  const { view, error } = result;
  const shownScheme = result.requested?.scheme ?? live;
  // What lies below the controls (the formulas and the other charts, off the first screen) follows a painted frame
  // later, together, so a change paints the headline numbers and the value histogram first.
  const now = useMemo(() => ({ view, scheme: shownScheme, shared }), [view, shownScheme, shared]);
  const later = useAfterPaint(now);
  // The controls and the title. A step of the bits slider (whose thumb and value show it at once: Slider's echo)
  // reaches them with the rest of the panel, a painted frame after the new histogram: the key press then renders
  // and lays out next to nothing, and its frame is over before the engine replies. Any other change, a change
  // still computing after 150 ms (busy), or an error shows in them at once.
  const lastControls = useRef(live);
  const settling = (result.status === 'computing' && !busy) || (result.status === 'ready' && later !== now);
  const scheme = settling && onlyBitsDiffer(lastControls.current, live) ? lastControls.current : live;
  lastControls.current = scheme;
  // The histogram sits above the controls and the other charts below the formulas: one way to draw either part,
  // dimmed while a newer result is computing.
  const charts = (
    shown: QuantView,
    show: ReadonlySet<SchemeChartId>,
    drawn: { scheme: Scheme; shared: SharedScales } = { scheme: shownScheme, shared },
  ) => (
    <div
      className={
        result.status === 'computing' && busy ? 'opacity-70 transition-opacity' : 'transition-opacity'
      }
    >
      <SchemeCharts
        channel={channel}
        label={label}
        scheme={drawn.scheme}
        view={shown}
        shared={drawn.shared}
        datasetId={dataset?.id}
        show={show}
      />
    </div>
  );
  const title = (id: string) => (
    <h2 id={id} className="panel-title">
      <span className={`scheme-badge scheme-badge-${channel}`}>{channel.toUpperCase()}</span>
      {label}
      <span className="ml-2 text-sm font-normal text-slate-500 dark:text-slate-400">
        {describeScheme(scheme)}
      </span>
    </h2>
  );
  const story = (
    <>
      <HeadlineNumbers channel={channel} headline={headline} />

      <ErrorBoundary label={`${label} value histogram`}>
        {view ? (
          charts(view, FIRST_CHARTS, { scheme: shownScheme, shared: NO_SHARED })
        ) : (
          <div className="flex h-64 items-center justify-center rounded-md border border-dashed border-slate-300 text-sm text-slate-500 dark:border-slate-600 dark:text-slate-400">
            {error ? 'No result yet.' : 'Computing…'}
          </div>
        )}
      </ErrorBoundary>
    </>
  );
  if (part === 'story') {
    return (
      // Named apart from the rest of the panel (whose heading says the same): two landmarks, two names.
      <section
        aria-label={`${label}: headline numbers and value histogram`}
        className="panel flex min-w-0 flex-col gap-3"
        data-testid={`scheme-story-${channel}`}
      >
        {title(`scheme-${channel}-story-heading`)}
        {story}
      </section>
    );
  }
  return (
    <section
      aria-labelledby={`scheme-${channel}-heading`}
      className="panel flex min-w-0 flex-col gap-4"
      data-testid={`scheme-panel-${channel}`}
      data-state={result.status}
      data-shown={result.status === 'ready' ? 'true' : 'false'}
      data-ready={result.status === 'ready' && later === now && tableShown ? 'true' : 'false'}
      data-computing={result.status === 'computing' ? 'true' : 'false'}
      data-elapsed-ms={view ? view.elapsedMs : undefined}
      data-on-page={view ? view.onPage === true : undefined}
      data-result={view ? serialOf(view) : undefined}
      aria-busy={result.status === 'computing'}
    >
      <header className="flex flex-wrap items-center justify-between gap-2">
        {title(`scheme-${channel}-heading`)}
        <span className="flex items-center gap-3">
          <BusyIndicator active={busy} label={`${label} is computing`} />
          {view && !busy ? (
            <span
              className="text-[11px] tabular-nums text-slate-500 dark:text-slate-400"
              title={`time the engine took ${view.onPage ? 'on the page, in the frame of the change' : 'in the worker'} (${
                view.pass === 'wasm-simd' ? 'WebAssembly SIMD kernel' : 'plain TypeScript loops'
              }${view.threads > 1 ? `; the search split over ${view.threads} threads` : ''}${
                view.measuringThreads > 1 ? `; measured on ${view.measuringThreads} threads` : ''
              }${REUSE_NOTE[view.reused]})`}
              data-pass={view.pass}
              data-threads={view.threads}
              data-measuring-threads={view.measuringThreads}
              data-reused={view.reused}
              data-on-page={view.onPage === true}
            >
              {view.elapsedMs.toFixed(1)} ms
              {threadsShown(view) > 1 ? ` · ${threadsShown(view)} threads` : ''}
              {REUSE_LABEL[view.reused]}
            </span>
          ) : null}
        </span>
      </header>

      {part === 'all' ? story : null}

      <div id={`scheme-${channel}-settings`} tabIndex={-1} className="focus:outline-none">
        <SchemeControls
          channel={channel}
          label={label}
          scheme={scheme}
          view={later.view}
          dataset={dataset}
          error={error}
        />
      </div>

      {error ? (
        <p
          role="alert"
          className="rounded-md border border-[var(--color-error-text)] px-2 py-1.5 text-sm text-[var(--color-error-text)]"
          data-testid={`scheme-error-${channel}`}
        >
          The engine could not quantize with these settings: {error.message}
          {view ? ' The charts show the last result.' : ''}
        </p>
      ) : null}

      <ErrorBoundary label={`${label} formulas`}>
        <FormulaPanel channel={channel} label={label} scheme={later.scheme} view={later.view} />
      </ErrorBoundary>

      <ErrorBoundary label={`${label} charts`}>
        {later.view ? charts(later.view, OTHER_CHARTS, later) : null}
      </ErrorBoundary>
    </section>
  );
});
