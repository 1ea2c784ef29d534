/**
 * Data panel: the generator and its parameters (the matrix regenerates in the worker), a summary of the
 * matrix, and the slot where loading a file or a model's weights will go.
 */

import { memo } from 'react';
import { formatBytes, formatCount, formatExact } from '../charts/formatNumber';
import type { Distribution, GeneratorParams } from '../core/generators.types';
import { useAppStore } from '../state/appStore';
import type { DatasetResult } from '../state/useEngineResults';
import { NumberField } from './controls/NumberField';
import { Select, type SelectOption } from './controls/Select';
import { LoadedTensorSummary } from './load/LoadedTensorSummary';
import { LoadSection } from './load/LoadSection';

const DISTRIBUTIONS: ReadonlyArray<SelectOption<Distribution>> = [
  { value: 'transformer', label: 'Transformer-like' },
  { value: 'normal', label: 'Normal' },
  { value: 'uniform', label: 'Uniform' },
  { value: 'laplace', label: 'Laplace' },
  { value: 'studentT', label: 'Student-t' },
  { value: 'bimodal', label: 'Bimodal' },
];

/** What `scale` means for each distribution (core/generators.ts). */
const SCALE_LABEL: Record<Distribution, string> = {
  transformer: 'Scale (std)',
  normal: 'Scale (std)',
  uniform: 'Scale (half-width)',
  laplace: 'Scale (b)',
  studentT: 'Scale',
  bimodal: 'Scale (std of each mode)',
};

/** Square sizes one click away (the benchmark sizes). */
const SIZE_PRESETS = [256, 1024, 4096] as const;

/** Largest side offered; the engine also caps rows × cols at 8192² values. */
const MAX_SIDE = 8192;

export const DataPanel = memo(function DataPanel({ data }: { data: DatasetResult }) {
  const generator = useAppStore((s) => s.generator);
  // A loaded tensor replaces the generator's matrix: its fields hide until "Back to the generator".
  const isLoaded = useAppStore((s) => s.source.kind === 'loaded');
  const setGenerator = useAppStore((s) => s.setGenerator);
  const set = (patch: Partial<GeneratorParams>) => setGenerator(patch);
  const isTransformer = generator.distribution === 'transformer';

  return (
    <section aria-labelledby="data-heading" className="panel flex flex-col gap-4" data-testid="data-panel">
      <div className="flex items-center justify-between gap-2">
        <h2 id="data-heading" className="panel-title">
          Data
        </h2>
        {data.generating ? (
          <span className="text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
            generating…
          </span>
        ) : null}
      </div>

      <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-1">
        {isLoaded ? <LoadedTensorSummary dataset={data.dataset} /> : null}
        <div className="grid grid-cols-2 content-start gap-x-3 gap-y-3" hidden={isLoaded}>
          <div className="col-span-2">
            <Select
              label="Generator"
              value={generator.distribution}
              options={DISTRIBUTIONS}
              onChange={(distribution) => set({ distribution })}
              testId="generator-distribution"
            />
          </div>
          <NumberField
            label="Rows"
            value={generator.rows}
            integer
            min={1}
            max={MAX_SIDE}
            onCommit={(rows) => set({ rows })}
            testId="generator-rows"
          />
          <NumberField
            label="Columns"
            value={generator.cols}
            integer
            min={1}
            max={MAX_SIDE}
            onCommit={(cols) => set({ cols })}
            testId="generator-cols"
          />
          <div className="col-span-2 -mt-1 flex flex-wrap items-center gap-1 text-xs text-slate-500 dark:text-slate-400">
            <span>Size:</span>
            {SIZE_PRESETS.map((n) => (
              <button
                key={n}
                type="button"
                className="link-button"
                aria-pressed={generator.rows === n && generator.cols === n}
                onClick={() => set({ rows: n, cols: n })}
                data-testid={`generator-size-${n}`}
              >
                {n}²
              </button>
            ))}
          </div>
          <NumberField
            label="Seed"
            value={generator.seed}
            integer
            min={0}
            max={4294967295}
            onCommit={(seed) => set({ seed })}
            testId="generator-seed"
          />
          <NumberField
            label={SCALE_LABEL[generator.distribution]}
            value={generator.scale}
            min={Number.MIN_VALUE}
            onCommit={(scale) => set({ scale })}
          />
          <NumberField label="Shift (added)" value={generator.shift} onCommit={(shift) => set({ shift })} />
          {generator.distribution === 'studentT' ? (
            <NumberField
              label="Degrees of freedom"
              value={generator.df}
              min={0.1}
              onCommit={(df) => set({ df })}
            />
          ) : null}
          {isTransformer ? (
            <>
              <NumberField
                label="Outlier columns"
                value={generator.outlierCols}
                integer
                min={0}
                max={generator.cols}
                onCommit={(outlierCols) => set({ outlierCols })}
                testId="generator-outlier-cols"
              />
              <NumberField
                label="Outlier factor (×)"
                value={generator.outlierFactor}
                min={0}
                onCommit={(outlierFactor) => set({ outlierFactor })}
              />
              <NumberField
                label="Spikes (fraction)"
                value={generator.spikeFraction}
                min={0}
                max={1}
                onCommit={(spikeFraction) => set({ spikeFraction })}
                hint="share of isolated large values"
              />
            </>
          ) : null}
        </div>

        <div className="flex flex-col gap-4">
          {data.error ? (
            <p
              role="alert"
              className="rounded-md border border-[var(--color-error-text)] px-2 py-1.5 text-xs text-[var(--color-error-text)]"
            >
              Could not generate this matrix: {data.error.message}
            </p>
          ) : null}

          <DatasetSummaryTable data={data} />

          <LoadSection />
        </div>
      </div>
    </section>
  );
});

function DatasetSummaryTable({ data }: { data: DatasetResult }) {
  const s = data.dataset?.summary;
  if (!s) {
    return <p className="text-xs text-slate-500 dark:text-slate-400">Generating the matrix…</p>;
  }
  const rows: Array<[string, string, string]> = [
    ['Shape', `${formatCount(s.rows)} × ${formatCount(s.cols)}`, 'summary-shape'],
    ['Values', `${formatCount(s.count)} (${formatBytes(s.count * 4)} float32)`, 'summary-count'],
    ['Min', formatExact(s.min), 'summary-min'],
    ['Max', formatExact(s.max), 'summary-max'],
    ['Mean', formatExact(s.mean), 'summary-mean'],
    ['Std', formatExact(s.std), 'summary-std'],
    ['Absmax', formatExact(s.absmax), 'summary-absmax'],
  ];
  return (
    <div className={data.generating ? 'opacity-60 transition-opacity' : ''}>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
        Summary
      </h3>
      <table className="w-full text-sm tabular-nums" data-testid="data-summary">
        <tbody>
          {rows.map(([label, value, id]) => (
            <tr key={label} className="border-b border-slate-200 last:border-0 dark:border-slate-700">
              <th
                scope="row"
                className="py-0.5 pr-2 text-left font-normal text-slate-600 dark:text-slate-300"
              >
                {label}
              </th>
              <td className="py-0.5 text-right text-slate-900 dark:text-slate-100" data-testid={id}>
                {value}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.nonFinite > 0 ? (
        <p
          role="status"
          className="mt-2 text-xs text-[var(--color-error-text)]"
          data-testid="summary-nonfinite"
        >
          {formatCount(s.nonFinite)} NaN/Inf values: left out of ranges, metrics and histograms.
        </p>
      ) : null}
    </div>
  );
}
