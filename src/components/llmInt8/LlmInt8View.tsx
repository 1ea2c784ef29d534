/**
 * The LLM.int8() view (issue #5; Dettmers et al. 2022, arXiv:2208.07339 §3.2): seeded activations X with a few
 * outlier features multiply the current matrix; feature columns of X with any |x| >= threshold (and the matching
 * rows of W) stay in FP16, the rest is int8 with vector-wise absmax scales. Shows which columns are outliers,
 * what share is kept in FP16, and the error of the product Y = X·W (not only of the weights) for the mixed
 * decomposition against plain int8 vector-wise.
 */
import { memo, useMemo } from 'react';
import { ErrorHeatmap, type HeatmapTitles } from '../../charts/errorHeatmap/ErrorHeatmap';
import { FeatureMaxChart } from '../../charts/featureMax/FeatureMaxChart';
import { formatCount, formatExact } from '../../charts/formatNumber';
import { HistogramChart } from '../../charts/histogram/HistogramChart';
import type { HistogramBar } from '../../charts/histogram/histogramLayout';
import type { HistogramRenderOptions } from '../../charts/histogram/renderHistogram';
import { PALETTE } from '../../charts/palette';
import { useAppStore } from '../../state/appStore';
import type { DatasetSummary } from '../../worker/protocol';
import { ChartCard, LegendItem } from '../ChartCard';
import { NumberField } from '../controls/NumberField';
import { Select } from '../controls/Select';
import { Slider } from '../controls/Slider';
import { useLlmInt8 } from './useLlmInt8';

const Y_TITLES: HeatmapTitles = {
  x: 'output (column of Y)',
  y: 'token (row of Y)',
  legend: 'mean |Y − Y_ref|',
};

const TOKEN_CHOICES = ['16', '32', '64', '128', '256'] as const;

function Stat({ label, value, testId, raw }: { label: string; value: string; testId: string; raw?: number }) {
  return (
    <div className="flex flex-col">
      <span className="text-[11px] text-slate-500 dark:text-slate-400">{label}</span>
      <span className="text-sm font-semibold tabular-nums" data-testid={testId} data-value={raw}>
        {value}
      </span>
    </div>
  );
}

export const LlmInt8View = memo(function LlmInt8View({ dataset }: { dataset: DatasetSummary | undefined }) {
  // In the store (workspaceSlice), so a link or a lesson step can set them.
  const params = useAppStore((s) => s.llmInt8);
  const patch = useAppStore((s) => s.patchLlmInt8);
  const { view, computing, error } = useLlmInt8(dataset?.id, params);
  const features = dataset?.summary.cols ?? 0;
  const rows = dataset?.summary.rows ?? 0;

  const histogramInput = useMemo(
    () =>
      view
        ? {
            edges: view.errorHistogram.edges,
            original: view.errorHistogram.int8,
            dequantized: view.errorHistogram.mixed,
          }
        : null,
    [view],
  );
  const histogramOptions = useMemo(() => ({ yScale: 'log' as const }), []);
  const histogramRender = useMemo<HistogramRenderOptions>(
    () => ({
      label: 'LLM.int8() product error',
      xTitle: 'Y − Y_ref (error of each product entry)',
      yTitle: 'entries per bin (log)',
      clipDraggable: false,
      brush: false,
    }),
    [],
  );
  const describeBar = (bar: HistogramBar) => ({
    title: `Y − Y_ref in [${formatExact(bar.x0)}, ${formatExact(bar.x1)})`,
    rows: [
      { label: 'plain int8', value: formatCount(bar.original), swatch: PALETTE.original },
      { label: 'LLM.int8() mixed', value: formatCount(bar.dequantized), swatch: PALETTE.dequantized },
    ],
  });
  const heatmapMatrix = useMemo(() => (view ? { rows: view.tokens, cols: view.outUsed } : null), [view]);
  const colorMax = view ? Math.max(view.heatmapInt8.max, view.heatmapMixed.max) : 0;
  const ratio = view && view.errorMixed.mse > 0 ? view.errorInt8.mse / view.errorMixed.mse : null;
  const outliers = view ? Array.from(view.outlierColumns) : [];

  return (
    <section
      aria-labelledby="llm-heading"
      className="panel flex min-w-0 flex-col gap-4"
      data-testid="llm-int8-view"
      data-ready={view && !computing ? 'true' : 'false'}
    >
      <header className="flex flex-col gap-1">
        <h2 id="llm-heading" className="panel-title">
          LLM.int8(): outlier features kept in FP16
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          The current matrix is read as an <code>nn.Linear</code> weight [out × in] = [{rows} × {features}],
          so the layer computes Y = X·W with W = weightᵀ [{features} × {rows}] and activations X [tokens ×{' '}
          {features}] (seeded normal values, plus a few feature columns carrying large systematic outliers, as
          LLM.int8() §4 observes). Columns of X with any |x| ≥ threshold and the matching rows of W stay in
          FP16; the rest is int8 with one absmax scale per token (row of X) and per output (column of W).
          Plain int8 quantizes everything the same way, outliers included.
        </p>
      </header>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-5">
        <div className="sm:col-span-2">
          <Slider
            label="Outlier threshold"
            value={params.threshold}
            min={0.5}
            max={20}
            step={0.5}
            onChange={(threshold) => patch({ threshold })}
            format={(t) => `|x| ≥ ${t}${t === 6 ? ' (bitsandbytes default)' : ''}`}
            testId="llm-threshold"
          />
        </div>
        <Select
          label="Tokens (rows of X)"
          value={String(params.tokens) as (typeof TOKEN_CHOICES)[number]}
          options={TOKEN_CHOICES.map((t) => ({ value: t, label: t }))}
          onChange={(t) => patch({ tokens: Number(t) })}
          testId="llm-tokens"
        />
        <NumberField
          label="Outlier features"
          value={params.outlierFeatures}
          integer
          min={0}
          max={Math.max(0, features)}
          onCommit={(outlierFeatures) => patch({ outlierFeatures })}
          testId="llm-outlier-features"
        />
        <NumberField
          label="Outlier magnitude"
          value={params.outlierMagnitude}
          min={0.001}
          max={10000}
          onCommit={(outlierMagnitude) => patch({ outlierMagnitude })}
          testId="llm-outlier-magnitude"
        />
      </div>

      {error ? (
        <p role="alert" className="text-sm text-[var(--color-error-text)]" data-testid="llm-error">
          The engine could not run LLM.int8() with these settings: {error.message}
          {view ? ' The charts below show the last result.' : ''}
        </p>
      ) : null}

      {view && histogramInput && heatmapMatrix ? (
        <div className={`flex flex-col gap-5 ${computing ? 'opacity-70 transition-opacity' : ''}`}>
          <div className="grid grid-cols-2 gap-3 rounded-md bg-slate-100 p-3 sm:grid-cols-3 lg:grid-cols-6 dark:bg-slate-800">
            <Stat
              label="Outlier columns (FP16)"
              value={`${outliers.length} of ${view.features}`}
              testId="llm-outlier-count"
              raw={outliers.length}
            />
            <Stat
              label="Share kept in FP16"
              value={`${(view.fp16Fraction * 100).toFixed(2)} %`}
              testId="llm-fp16-share"
              raw={view.fp16Fraction}
            />
            <Stat
              label="MSE of Y, plain int8"
              value={formatExact(view.errorInt8.mse)}
              testId="llm-mse-int8"
              raw={view.errorInt8.mse}
            />
            <Stat
              label="MSE of Y, LLM.int8()"
              value={formatExact(view.errorMixed.mse)}
              testId="llm-mse-mixed"
              raw={view.errorMixed.mse}
            />
            <Stat
              label="Plain / mixed MSE"
              value={
                ratio === null ? '–' : `×${ratio >= 100 ? formatCount(Math.round(ratio)) : ratio.toFixed(2)}`
              }
              testId="llm-mse-ratio"
              raw={ratio ?? undefined}
            />
            <Stat
              label="RMS of Y (scale)"
              value={formatExact(view.yRms)}
              testId="llm-y-rms"
              raw={view.yRms}
            />
          </div>
          <p className="text-[11px] text-slate-500 dark:text-slate-400" data-testid="llm-outlier-list">
            {outliers.length === 0
              ? 'No feature reaches the threshold: LLM.int8() is plain int8 here.'
              : `Outlier features: ${outliers.slice(0, 24).join(', ')}${outliers.length > 24 ? ` and ${outliers.length - 24} more` : ''}.`}
            {view.outUsed < view.out
              ? ` Y uses the first ${formatCount(view.outUsed)} of ${formatCount(view.out)} outputs, to keep one update interactive.`
              : ''}{' '}
            Computed in {view.elapsedMs.toFixed(0)} ms.
          </p>

          <ChartCard
            title="Activations: max |x| of each feature"
            testId="llm-chart-features"
            legend={
              <>
                <LegendItem color={PALETTE.original}>int8 feature</LegendItem>
                <LegendItem color={PALETTE.error}>outlier feature (FP16), flagged above</LegendItem>
                <LegendItem color={PALETTE.clip} kind="dashed">
                  threshold
                </LegendItem>
              </>
            }
          >
            <FeatureMaxChart
              featureAbsMax={view.featureAbsMax}
              outlierColumns={view.outlierColumns}
              threshold={view.threshold}
              testId="llm-features"
            />
          </ChartCard>

          <ChartCard
            title="Error of the product Y = X·W"
            testId="llm-chart-error"
            legend={
              <>
                <LegendItem color={PALETTE.original}>plain int8 vector-wise</LegendItem>
                <LegendItem color={PALETTE.dequantized} kind="outline">
                  LLM.int8() (int8 + FP16 outliers)
                </LegendItem>
              </>
            }
            note={`max |error|: plain int8 ${formatExact(view.errorInt8.maxAbs)}, LLM.int8() ${formatExact(view.errorMixed.maxAbs)}; the reference Y is X·W in float64.`}
          >
            <HistogramChart
              input={histogramInput}
              options={histogramOptions}
              render={histogramRender}
              describeBar={describeBar}
              height={200}
              testId="llm-error-histogram"
            />
          </ChartCard>

          <div className="grid min-w-0 grid-cols-1 gap-4 lg:grid-cols-2">
            <ChartCard
              title="|Y error|, plain int8"
              testId="llm-chart-heatmap-int8"
              note="Same colour scale in both maps."
            >
              <ErrorHeatmap
                heatmap={view.heatmapInt8}
                matrix={heatmapMatrix}
                granularity={null}
                colorMax={colorMax}
                label="Plain int8 product error"
                titles={Y_TITLES}
                testId="llm-heatmap-int8"
              />
            </ChartCard>
            <ChartCard title="|Y error|, LLM.int8()" testId="llm-chart-heatmap-mixed">
              <ErrorHeatmap
                heatmap={view.heatmapMixed}
                matrix={heatmapMatrix}
                granularity={null}
                colorMax={colorMax}
                label="LLM.int8() product error"
                titles={Y_TITLES}
                testId="llm-heatmap-mixed"
              />
            </ChartCard>
          </div>
        </div>
      ) : (
        <div className="flex h-48 items-center justify-center rounded-md border border-dashed border-slate-300 text-sm text-slate-500 dark:border-slate-600 dark:text-slate-400">
          {error ? 'No result yet.' : 'Computing…'}
        </div>
      )}
    </section>
  );
});
