/**
 * The Sweep view (issue #5): error against bits per weight for every format and granularity on the current
 * matrix, as a scatter with the Pareto front, points coloured and shaped by family. Runs in the worker with a
 * progress bar and a Cancel button; a chosen point can become scheme A or B of the explorer.
 */
import { memo, useMemo, useState } from 'react';
import { formatCount, formatExact } from '../../charts/formatNumber';
import { symbolPath } from '../../charts/sweep/renderSweep';
import { SweepChart } from '../../charts/sweep/SweepChart';
import { SWEEP_FAMILIES, type SweepMetric, sweepFamilyOf } from '../../charts/sweep/sweepLayout';
import { defaultSweepSchemes } from '../../core/sweep';
import { useAppStore } from '../../state/appStore';
import type { Channel } from '../../state/schemesSlice';
import type { DatasetSummary } from '../../worker/protocol';
import { SegmentedControl } from '../controls/SegmentedControl';
import { formatBits, summarizeStorage } from '../formats/schemeCatalog';
import { useSweep } from './useSweep';

const SCHEME_COUNT = defaultSweepSchemes().length;

function FamilyLegend() {
  return (
    <ul
      className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300"
      aria-label="Families"
    >
      {SWEEP_FAMILIES.map((f) => (
        <li key={f.id} className="inline-flex items-center gap-1.5">
          <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
            <path d={symbolPath(f.symbol, 60)} fill={f.color} />
          </svg>
          {f.label}
        </li>
      ))}
      <li className="inline-flex items-center gap-1.5">
        <svg width="20" height="10" aria-hidden="true">
          <path
            d="M0 8H10V2H20"
            fill="none"
            stroke="var(--color-axis)"
            strokeWidth="1.75"
            strokeDasharray="5 3"
          />
        </svg>
        Pareto front (larger, outlined points)
      </li>
    </ul>
  );
}

export const SweepView = memo(function SweepView({ dataset }: { dataset: DatasetSummary | undefined }) {
  const { state, run, cancel } = useSweep(dataset?.id);
  const [metric, setMetric] = useState<SweepMetric>('mse');
  const [selected, setSelected] = useState<number | null>(null);
  const [applied, setApplied] = useState<string | null>(null);
  const setScheme = useAppStore((s) => s.setScheme);
  const result = state.result;
  const points = useMemo(() => result?.points ?? [], [result]);
  const running = state.status === 'running';
  const stale = result !== null && state.resultDatasetId !== dataset?.id;
  const point = selected !== null ? points[selected] : undefined;
  const front = useMemo(
    () =>
      points
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.onFront)
        .sort((a, b) => a.p.bitsPerWeight - b.p.bitsPerWeight),
    [points],
  );

  const choose = (index: number) => {
    setSelected(index);
    setApplied(null);
  };
  const apply = (channel: Channel) => {
    if (!point) return;
    setScheme(channel, point.scheme);
    setApplied(`Scheme ${channel.toUpperCase()} is now ${point.label}. The Explorer tab shows it.`);
  };
  const progress = state.progress;
  const done = progress?.done ?? 0;
  const total = progress?.total ?? SCHEME_COUNT;

  return (
    <section
      aria-labelledby="sweep-heading"
      className="panel flex min-w-0 flex-col gap-4"
      data-testid="sweep-view"
    >
      <header className="flex flex-col gap-1">
        <h2 id="sweep-heading" className="panel-title">
          Sweep: error against bits per weight
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Quantizes the current matrix with every format and granularity ({SCHEME_COUNT} schemes: integer
          absmax and zero-point at 2–8 bits per tensor, row and group 128 / 32, the float element formats
          scaled per row, every block format, k-means, binary and ternary) and plots each one’s error against
          its storage. Points on the Pareto front have no rival with both fewer bits and lower error.
        </p>
      </header>

      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="rounded-md bg-[var(--color-original)] px-3 py-1.5 text-sm font-semibold text-white disabled:opacity-50 dark:text-slate-950"
          onClick={run}
          disabled={running || !dataset}
          data-testid="sweep-run"
        >
          {result ? 'Run again' : 'Run the sweep'}
        </button>
        <button
          type="button"
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 disabled:opacity-40 dark:border-slate-600 dark:text-slate-200"
          onClick={cancel}
          disabled={!running}
          data-testid="sweep-cancel"
        >
          Cancel
        </button>
        <div className="flex items-center gap-2">
          <span className="text-xs text-slate-600 dark:text-slate-300">Error axis</span>
          <SegmentedControl<SweepMetric>
            label="Sweep error axis"
            size="sm"
            value={metric}
            segments={[
              { value: 'mse', label: 'MSE (log)' },
              { value: 'sqnr', label: 'SQNR (dB)' },
            ]}
            onChange={setMetric}
            testId="sweep-metric"
          />
        </div>
      </div>

      <div aria-live="polite" className="flex flex-col gap-1 text-xs text-slate-600 dark:text-slate-300">
        {running ? (
          <>
            <progress
              className="h-2 w-full max-w-md"
              max={total}
              value={done}
              aria-label="Sweep progress"
              data-testid="sweep-progress"
            />
            <span data-testid="sweep-progress-text">
              {done} / {total} schemes{progress ? ` · last: ${progress.label}` : ' · starting…'}
            </span>
          </>
        ) : null}
        {state.status === 'cancelled' ? (
          <span data-testid="sweep-status">
            Cancelled.{result ? ' The last complete result stays below.' : ''}
          </span>
        ) : null}
        {state.status === 'done' && result ? (
          <span data-testid="sweep-status">
            {formatCount(points.length)} schemes in {((state.elapsedMs ?? 0) / 1000).toFixed(2)} s
            {result.rowsUsed < result.totalRows
              ? ` on ${formatCount(result.rowsUsed)} of ${formatCount(result.totalRows)} rows (evenly spaced whole rows, to keep it interactive)`
              : ''}
            .
          </span>
        ) : null}
        {state.error ? (
          <p role="alert" className="text-sm text-[var(--color-error-text)]" data-testid="sweep-error">
            {state.error}
          </p>
        ) : null}
        {stale ? (
          <span className="text-[var(--color-error-text)]">
            The data changed since this sweep ran; run it again to measure the new matrix.
          </span>
        ) : null}
      </div>

      {result ? (
        <>
          <FamilyLegend />
          <SweepChart
            points={points}
            metric={metric}
            selected={selected}
            onSelect={choose}
            testId="sweep-chart"
          />
          <div
            className="flex min-h-16 flex-col gap-2 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700"
            data-testid="sweep-selection"
          >
            {point ? (
              <>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <span className="font-semibold" data-testid="sweep-selected-label">
                    {point.label}
                  </span>
                  <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
                    {formatBits(point.bitsPerWeight)} bits/weight · MSE {formatExact(point.mse)} · SQNR{' '}
                    {Number.isFinite(point.sqnrDb) ? point.sqnrDb.toFixed(2) : '∞'} dB
                    {point.onFront ? ' · on the Pareto front' : ''}
                  </span>
                </div>
                <span className="text-xs text-slate-500 dark:text-slate-400">
                  Storage: {summarizeStorage(point.scheme).storage} (
                  {SWEEP_FAMILIES.find((f) => f.id === sweepFamilyOf(point.scheme))?.label})
                </span>
                <div className="flex flex-wrap gap-2">
                  {(['a', 'b'] as const).map((c) => (
                    <button
                      key={c}
                      type="button"
                      className="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
                      onClick={() => apply(c)}
                      data-testid={`sweep-set-${c}`}
                    >
                      <span className={`scheme-badge scheme-badge-${c}`}>{c.toUpperCase()}</span>
                      Set as scheme {c.toUpperCase()}
                    </button>
                  ))}
                </div>
                {applied ? (
                  <p className="text-xs text-[var(--color-better)]" role="status" data-testid="sweep-applied">
                    {applied}
                  </p>
                ) : null}
              </>
            ) : (
              <span className="text-slate-500 dark:text-slate-400">
                Click a point (or focus the chart and use the arrow keys) to see it and use it as scheme A or
                B.
              </span>
            )}
          </div>
          <details className="text-sm" data-testid="sweep-front-list">
            <summary className="cursor-pointer text-xs font-medium text-slate-600 dark:text-slate-300">
              The Pareto front as a list ({front.length} schemes)
            </summary>
            <ol className="mt-2 flex flex-col gap-0.5 text-xs tabular-nums">
              {front.map(({ p, i }) => (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => choose(i)}>
                    {formatBits(p.bitsPerWeight)} bits/weight — {p.label} (MSE {formatExact(p.mse)})
                  </button>
                </li>
              ))}
            </ol>
          </details>
        </>
      ) : (
        <div className="flex h-48 items-center justify-center rounded-md border border-dashed border-slate-300 text-sm text-slate-500 dark:border-slate-600 dark:text-slate-400">
          {running ? 'Measuring…' : 'Run the sweep to plot every format on this matrix.'}
        </div>
      )}
    </section>
  );
});
