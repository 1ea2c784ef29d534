/**
 * Metrics of A and B side by side, the better value of each comparable metric marked. Each value cell has
 * `data-testid="metric-<key>-<channel>"` and `data-value` = the raw Metrics field at full precision.
 */

import { memo, useRef } from 'react';
import { formatBytes, formatCount, formatExact } from '../charts/formatNumber';
import type { Metrics } from '../core/view';
import { metricsTable } from '../export/tables';
import { useAppStoreApi } from '../state/appStore';
import type { Channel } from '../state/schemesSlice';
import { ExportMenu } from './export/ExportMenu';
import { describeScheme } from './schemeMethods';
import { scrollRegionProps, useOverflowsX } from './useOverflowsX';

interface MetricRow {
  key: string;
  label: string;
  unit?: string;
  /** What the metric means, as a tooltip on the row header. */
  help: string;
  value(m: Metrics): number;
  format(m: Metrics): string;
  /** Which direction is better; null where neither is (more clipping can lower the MSE). */
  better: 'lower' | 'higher' | null;
}

export const METRIC_ROWS: readonly MetricRow[] = [
  {
    key: 'mse',
    label: 'MSE',
    help: 'mean of (x − x̂)² over all values',
    value: (m) => m.mse,
    format: (m) => formatExact(m.mse),
    better: 'lower',
  },
  {
    key: 'rmse',
    label: 'RMSE',
    help: '√MSE, in the units of x',
    value: (m) => m.rmse,
    format: (m) => formatExact(m.rmse),
    better: 'lower',
  },
  {
    key: 'max-error',
    label: 'Max |error|',
    help: 'largest |x − x̂|',
    value: (m) => m.maxAbsError,
    format: (m) => formatExact(m.maxAbsError),
    better: 'lower',
  },
  {
    key: 'sqnr',
    label: 'SQNR',
    unit: 'dB',
    help: '10·log10(Σx² / Σ(x − x̂)²); higher is better, +6 dB per extra bit',
    value: (m) => m.sqnrDb,
    format: (m) => (Number.isFinite(m.sqnrDb) ? m.sqnrDb.toFixed(2) : formatExact(m.sqnrDb)),
    better: 'higher',
  },
  {
    key: 'clipped',
    label: 'Clipped',
    unit: '%',
    help: 'share of values outside their group’s clipping range (neither better nor worse: clipping trades large errors on a few values for a finer grid)',
    value: (m) => m.clippedFraction,
    format: (m) => formatExact(m.clippedFraction * 100),
    better: null,
  },
  {
    key: 'levels',
    label: 'Levels used',
    help: 'distinct codes that occur, of those the format has',
    value: (m) => m.levelsUsed,
    format: (m) => `${formatCount(m.levelsUsed)} / ${formatCount(m.levelsTotal)}`,
    better: null,
  },
  {
    key: 'bpw',
    label: 'Bits per weight',
    help: 'element bits plus scale and zero-point bits per value',
    value: (m) => m.bitsPerWeight,
    format: (m) => formatExact(m.bitsPerWeight),
    better: 'lower',
  },
  {
    key: 'memory',
    label: 'Memory',
    help: 'quantized size (rows × cols × bits per weight / 8) against float32',
    value: (m) => m.quantizedBytes,
    format: (m) =>
      `${formatBytes(m.quantizedBytes)} (${((100 * m.quantizedBytes) / Math.max(1, m.originalBytes)).toFixed(1)}% of float32)`,
    better: 'lower',
  },
];

/** Which channel holds the better value, or null for a tie / no direction / a missing side. */
export function betterChannel(
  row: MetricRow,
  a: Metrics | undefined,
  b: Metrics | undefined,
): Channel | null {
  if (!row.better || !a || !b) return null;
  const va = row.value(a);
  const vb = row.value(b);
  if (Number.isNaN(va) || Number.isNaN(vb) || va === vb) return null;
  // Ties within float noise (the same scheme twice) are not a "better".
  if (
    Number.isFinite(va) &&
    Number.isFinite(vb) &&
    Math.abs(va - vb) <= 1e-12 * Math.max(Math.abs(va), Math.abs(vb))
  )
    return null;
  const aBetter = row.better === 'lower' ? va < vb : va > vb;
  return aBetter ? 'a' : 'b';
}

/**
 * How B compares with A, in words a reader takes in at a glance: a ratio for sizes and errors ("×0.91"),
 * a difference for dB and percentages ("+0.43 dB"). Empty when either side is missing or not finite.
 */
export function compareText(row: MetricRow, a: Metrics | undefined, b: Metrics | undefined): string {
  if (!a || !b) return '';
  const va = row.value(a);
  const vb = row.value(b);
  if (!Number.isFinite(va) || !Number.isFinite(vb)) return '';
  const signed = (v: number, digits: number) =>
    `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;
  if (row.key === 'sqnr') return `${signed(vb - va, 2)} dB`;
  if (row.key === 'clipped') return `${signed((vb - va) * 100, 3)} pp`;
  if (row.key === 'levels') return signed(vb - va, 0);
  if (va === 0) return vb === 0 ? '×1' : '';
  const ratio = vb / va;
  return `×${ratio >= 100 ? ratio.toFixed(0) : ratio >= 0.01 ? ratio.toPrecision(3) : ratio.toExponential(1)}`;
}

export const MetricsTable = memo(function MetricsTable({
  metrics,
  channels,
}: {
  metrics: Partial<Record<Channel, Metrics>>;
  channels: readonly Channel[];
}) {
  const storage = { a: metrics.a?.storage, b: metrics.b?.storage };
  // Read when exported, not subscribed: a key press on a slider does not re-render the table.
  const store = useAppStoreApi();
  const scrollBox = useRef<HTMLDivElement>(null);
  const overflowing = useOverflowsX(scrollBox, channels.length);
  return (
    <section aria-labelledby="metrics-heading" className="panel" data-testid="metrics-table">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="metrics-heading" className="panel-title">
          Metrics
        </h2>
        <ExportMenu
          name="metrics"
          title="Metrics"
          data={() =>
            metricsTable(
              Object.fromEntries(channels.map((c) => [c, metrics[c]])),
              Object.fromEntries(channels.map((c) => [c, describeScheme(store.getState().schemes[c])])),
            )
          }
          testId="export-metrics"
        />
      </div>
      <div
        ref={scrollBox}
        className="overflow-x-auto"
        {...scrollRegionProps(overflowing, 'Metrics table, scrolls sideways')}
      >
        <table className="w-full min-w-[22rem] text-sm tabular-nums">
          <thead>
            <tr className="border-b border-slate-300 text-left text-xs text-slate-500 dark:border-slate-600 dark:text-slate-400">
              <th scope="col" className="py-1 pr-3 font-medium">
                Metric
              </th>
              {channels.map((c) => (
                <th key={c} scope="col" className="py-1 pr-3 text-right font-medium">
                  <span className={`scheme-badge scheme-badge-${c}`}>{c.toUpperCase()}</span>Scheme{' '}
                  {c.toUpperCase()}
                </th>
              ))}
              {channels.length === 2 ? (
                <th
                  scope="col"
                  className="py-1 pr-1 text-right font-medium"
                  title="B compared with A: ratio, or difference for dB and %"
                >
                  B vs A
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {METRIC_ROWS.map((row) => {
              const winner = channels.length === 2 ? betterChannel(row, metrics.a, metrics.b) : null;
              return (
                <tr key={row.key} className="border-b border-slate-200 last:border-0 dark:border-slate-700">
                  <th
                    scope="row"
                    className="py-1 pr-3 text-left font-normal text-slate-700 dark:text-slate-200"
                    title={row.help}
                  >
                    {row.label}
                    {row.unit ? (
                      <span className="text-slate-500 dark:text-slate-400"> ({row.unit})</span>
                    ) : null}
                    {row.better ? (
                      <span className="ml-1 text-[11px] text-slate-600 dark:text-slate-300">
                        {row.better === 'lower' ? '↓ better' : '↑ better'}
                      </span>
                    ) : null}
                  </th>
                  {channels.map((c) => {
                    const m = metrics[c];
                    const best = winner === c;
                    return (
                      <td
                        key={c}
                        className={`py-1 pr-3 text-right ${best ? 'metric-better font-semibold' : 'text-slate-900 dark:text-slate-100'}`}
                        title={row.key === 'bpw' ? storage[c] : undefined}
                      >
                        {best ? (
                          <span aria-hidden="true" className="mr-1">
                            ✓
                          </span>
                        ) : null}
                        <span
                          data-testid={`metric-${row.key}-${c}`}
                          data-value={m ? String(row.value(m)) : undefined}
                          data-better={best ? 'true' : undefined}
                        >
                          {m ? row.format(m) : '…'}
                        </span>
                        {best ? <span className="sr-only"> (better)</span> : null}
                      </td>
                    );
                  })}
                  {channels.length === 2 ? (
                    <td
                      className="py-1 pr-1 text-right text-xs text-slate-500 dark:text-slate-400"
                      data-testid={`metric-${row.key}-ratio`}
                    >
                      {compareText(row, metrics.a, metrics.b)}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {channels.some((c) => storage[c]) ? (
        <p className="mt-2 text-[11px] text-slate-500 dark:text-slate-400">
          Storage assumed:{' '}
          {channels
            .filter((c) => storage[c])
            .map((c) => `${c.toUpperCase()}: ${storage[c]}`)
            .join(' · ')}
        </p>
      ) : null}
    </section>
  );
});
