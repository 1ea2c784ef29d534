/**
 * The charts of one scheme: value histogram (original vs dequantized, grid, clip markers, zoom), error
 * histogram, error heatmap and per-row error. Values come from the scheme's QuantView; the clip markers of
 * manual clipping come from the store so they follow a drag before the worker answers.
 */
import { memo, useMemo } from 'react';
import { ErrorHeatmap } from '../charts/errorHeatmap/ErrorHeatmap';
import { formatCount, formatExact } from '../charts/formatNumber';
import { HistogramChart } from '../charts/histogram/HistogramChart';
import type { HistogramBar } from '../charts/histogram/histogramLayout';
import type { ClipEdge, HistogramRenderOptions } from '../charts/histogram/renderHistogram';
import { PALETTE } from '../charts/palette';
import { RowErrorChart } from '../charts/rowError/RowErrorChart';
import type { IntegerScheme, Scheme } from '../core/scheme';
import type { QuantView } from '../core/view';
import { errorHistogramTable, heatmapTable, histogramTable, rowErrorTable } from '../export/tables';
import { useAppStore } from '../state/appStore';
import type { Channel } from '../state/schemesSlice';
import { ChartCard, LegendItem } from './ChartCard';
import { useThresholdMarkers } from './formats/clipThresholds';
import { GridCard } from './formats/GridCard';
import { GroupPicker } from './GroupPicker';
import { describeScheme } from './schemeMethods';

/** Scales shared by A and B so their charts compare at a glance. */
export interface SharedScales {
  heatmapMax: number;
  rowMseMax: number;
  /** The other scheme's per-row MSE (dashed line on the per-row chart). */
  other: { label: string; rowMse: Float64Array } | null;
}

const EMPTY_LEVELS = new Float32Array(0);

/** The cards of SchemeCharts, for choosing which to show (the embed mode shows a subset). */
export type SchemeChartId = 'hist' | 'grid' | 'error' | 'heatmap' | 'rows';

/** The clipping range the markers show: the manual range (from the store) or the selected group's range. */
export function clipRangeOf(scheme: Scheme, view: QuantView): { lo: number; hi: number } | null {
  if (scheme.kind === 'integer' && scheme.clipping.kind === 'manual') {
    const { lo, hi } = scheme.clipping;
    if (scheme.method === 'absmax') {
      const alpha = Math.max(Math.abs(lo), Math.abs(hi));
      return { lo: -alpha, hi: alpha };
    }
    return { lo, hi };
  }
  return Number.isFinite(view.group.lo) && Number.isFinite(view.group.hi)
    ? { lo: view.group.lo, hi: view.group.hi }
    : null;
}

/** Applies a marker drag: absmax clips symmetrically to ±|value|; zero-point moves one edge, keeping lo < hi. */
export function nextManualClip(
  scheme: IntegerScheme,
  edge: ClipEdge,
  value: number,
): { lo: number; hi: number } {
  const current = scheme.clipping.kind === 'manual' ? scheme.clipping : { lo: value, hi: value };
  if (scheme.method === 'absmax') {
    const alpha = Math.max(Math.abs(value), Number.MIN_VALUE);
    return { lo: -alpha, hi: alpha };
  }
  const gap = Math.max(Math.abs(current.hi - current.lo) * 1e-3, 1e-12);
  if (edge === 'lo') return { lo: Math.min(value, current.hi - gap), hi: current.hi };
  return { lo: current.lo, hi: Math.max(value, current.lo + gap) };
}

/**
 * Memoised: a panel re-renders on every key press and on the other panel's results (its headline marks), while
 * these charts change only with their own result, scheme, shared scales or the view settings read here.
 */
export const SchemeCharts = memo(function SchemeCharts({
  channel,
  label,
  scheme,
  view,
  shared,
  datasetId,
  show,
}: {
  channel: Channel;
  label: string;
  scheme: Scheme;
  view: QuantView;
  shared: SharedScales;
  /** The dataset `view` was computed on (for the clipping-threshold comparison). */
  datasetId?: string;
  /** The cards to show (default: all). */
  show?: ReadonlySet<SchemeChartId>;
}) {
  const visible = (id: SchemeChartId) => !show || show.has(id);
  const schemeName = describeScheme(scheme);
  const yScale = useAppStore((s) => s.yScale);
  const range = useAppStore((s) => s.range);
  const setRange = useAppStore((s) => s.setRange);
  const setGroup = useAppStore((s) => s.setGroup);
  const setClipping = useAppStore((s) => s.setClipping);
  const manual = scheme.kind === 'integer' && scheme.clipping.kind === 'manual';
  const clip = clipRangeOf(scheme, view);
  const clipLo = clip?.lo;
  const clipHi = clip?.hi;
  const thresholds = useThresholdMarkers(channel, datasetId, scheme, view.group.index);
  const thresholdMarkers = thresholds.markers;

  const valueInput = useMemo(
    () => ({
      edges: view.histogram.edges,
      original: view.histogram.original,
      dequantized: view.histogram.dequantized,
      levels: view.levels ?? EMPTY_LEVELS,
      clip: clipLo !== undefined && clipHi !== undefined ? { lo: clipLo, hi: clipHi } : null,
      markers: thresholdMarkers,
    }),
    [view, clipLo, clipHi, thresholdMarkers],
  );
  const errorInput = useMemo(
    () => ({ edges: view.errorHistogram.edges, original: view.errorHistogram.counts }),
    [view],
  );
  const options = useMemo(() => ({ yScale }), [yScale]);
  const valueRender = useMemo<HistogramRenderOptions>(
    () => ({
      label: `${label} value histogram`,
      xTitle: 'weight value x',
      yTitle: yScale === 'log' ? 'values per bin (log)' : 'values per bin',
      clipDraggable: manual,
      brush: true,
    }),
    [label, yScale, manual],
  );
  const errorRender = useMemo<HistogramRenderOptions>(
    () => ({
      label: `${label} error histogram`,
      xTitle: 'error x̂ − x (same units as x)',
      yTitle: yScale === 'log' ? 'values per bin (log)' : 'values per bin',
      clipDraggable: false,
      brush: false,
      primaryColor: PALETTE.error,
    }),
    [label, yScale],
  );
  const matrix = useMemo(() => ({ rows: view.rows, cols: view.cols }), [view.rows, view.cols]);

  const describeValueBar = (bar: HistogramBar) => ({
    title: `x in [${formatExact(bar.x0)}, ${formatExact(bar.x1)})`,
    rows: [
      { label: 'original', value: formatCount(bar.original), swatch: PALETTE.original },
      { label: 'dequantized', value: formatCount(bar.dequantized), swatch: PALETTE.dequantized },
    ],
  });
  const describeErrorBar = (bar: HistogramBar) => ({
    title: `x̂ − x in [${formatExact(bar.x0)}, ${formatExact(bar.x1)})`,
    rows: [{ label: 'values', value: formatCount(bar.original), swatch: PALETTE.error }],
  });

  const outside = view.histogram.outsideOriginal;
  const granularity = scheme.kind === 'integer' ? scheme.granularity : null;
  const perGroupGrid = view.groupCount > 1;
  const hiddenLevels = view.levels.length;

  return (
    <div className="flex flex-col gap-5">
      {visible('hist') ? (
        <ChartCard
          title="Values: original vs dequantized"
          testId={`chart-values-${channel}`}
          exportAs={{
            name: `histogram-${channel}`,
            title: `${schemeName} (${label}): values, original vs dequantized`,
            data: () => histogramTable(view, schemeName, channel),
          }}
          actions={
            range ? (
              <button
                type="button"
                className="link-button"
                onClick={() => setRange(null)}
                data-testid={`zoom-reset-${channel}`}
              >
                Reset zoom
              </button>
            ) : (
              <span className="text-[11px] text-slate-500 dark:text-slate-400">
                drag across the plot to zoom
              </span>
            )
          }
          legend={
            <>
              <LegendItem color={PALETTE.original}>original</LegendItem>
              <LegendItem color={PALETTE.dequantized} kind="outline">
                dequantized
              </LegendItem>
              <LegendItem color={PALETTE.grid} kind="tick">
                grid levels{perGroupGrid ? ` (group ${view.group.index})` : ''}
              </LegendItem>
              {clip ? (
                <LegendItem color={PALETTE.clip} kind={manual ? 'line' : 'dashed'}>
                  clip range
                  {manual ? ' (drag or use arrow keys)' : perGroupGrid ? ` (group ${view.group.index})` : ''}
                </LegendItem>
              ) : null}
              {thresholds.legend}
            </>
          }
          note={
            <>
              {hiddenLevels} grid levels in this group
              {range ? `; zoomed to [${formatExact(range[0])}, ${formatExact(range[1])}]` : ''}
              {outside > 0 ? `; ${formatCount(outside)} values outside the zoomed range are not shown` : ''}.
            </>
          }
        >
          <HistogramChart
            input={valueInput}
            options={options}
            render={valueRender}
            describeBar={describeValueBar}
            onZoom={(r) => setRange(r)}
            onClipChange={(edge, value) => {
              if (scheme.kind !== 'integer') return;
              const next = nextManualClip(scheme, edge, value);
              setClipping(channel, { kind: 'manual', ...next });
            }}
            testId={`histogram-${channel}`}
          />
          <GroupPicker
            label={label}
            group={view.group}
            groupCount={view.groupCount}
            matrixCols={view.cols}
            onChange={(g) => setGroup(channel, g)}
            testId={`group-${channel}`}
          />
        </ChartCard>
      ) : null}

      {visible('grid') ? <GridCard channel={channel} label={label} view={view} /> : null}

      {visible('error') ? (
        <ChartCard
          title="Error histogram"
          testId={`chart-error-${channel}`}
          exportAs={{
            name: `error-histogram-${channel}`,
            title: `${schemeName} (${label}): error histogram`,
            data: () => errorHistogramTable(view, schemeName, channel),
          }}
          legend={<LegendItem color={PALETTE.error}>x̂ − x</LegendItem>}
          note={`mean error (bias) ${formatExact(view.metrics.meanError)}; max |error| ${formatExact(view.metrics.maxAbsError)}`}
        >
          <HistogramChart
            input={errorInput}
            options={options}
            render={errorRender}
            describeBar={describeErrorBar}
            height={170}
            testId={`error-histogram-${channel}`}
          />
        </ChartCard>
      ) : null}

      {visible('heatmap') ? (
        <ChartCard
          title="Error heatmap |x̂ − x|"
          testId={`chart-heatmap-${channel}`}
          exportAs={{
            name: `heatmap-${channel}`,
            title: `${schemeName} (${label}): error heatmap |x̂ − x|`,
            data: () => heatmapTable(view, schemeName, channel),
          }}
          note={
            view.heatmap.rowsPerCell > 1 || view.heatmap.colsPerCell > 1
              ? `Each cell averages ${view.heatmap.rowsPerCell} × ${view.heatmap.colsPerCell} values. Colours share one scale across schemes. Hover for exact values${granularity && granularity.kind !== 'tensor' ? '; click to show that group’s grid' : ''}.`
              : `One cell per value. Colours share one scale across schemes. Hover for exact values${granularity && granularity.kind !== 'tensor' ? '; click to show that group’s grid' : ''}.`
          }
        >
          <ErrorHeatmap
            heatmap={view.heatmap}
            matrix={matrix}
            granularity={granularity}
            colorMax={shared.heatmapMax}
            label={`${label} error heatmap`}
            onSelectGroup={(g) => setGroup(channel, g)}
            testId={`heatmap-${channel}`}
          />
        </ChartCard>
      ) : null}

      {visible('rows') ? (
        <ChartCard
          title="Error per row (output channel)"
          testId={`chart-rows-${channel}`}
          exportAs={{
            name: `row-mse-${channel}`,
            title: `${schemeName} (${label}): MSE per row`,
            data: () => rowErrorTable(view, schemeName, channel),
          }}
          legend={
            <>
              <LegendItem color={PALETTE.error}>{label}</LegendItem>
              {shared.other ? (
                <LegendItem color={PALETTE.axis} kind="dashed">
                  {shared.other.label}
                </LegendItem>
              ) : null}
            </>
          }
          note={shared.other ? 'Both schemes share this y axis.' : undefined}
        >
          <RowErrorChart
            rowMse={view.rowMse}
            other={shared.other}
            yMax={shared.rowMseMax}
            label={label}
            testId={`row-error-${channel}`}
          />
        </ChartCard>
      ) : null}
    </div>
  );
});
