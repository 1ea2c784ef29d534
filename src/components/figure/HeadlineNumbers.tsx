/**
 * The numbers a reader looks for first, on one line above a scheme's histogram: MSE, SQNR and bits per weight,
 * the better of A and B marked (in words for screen readers). The full table is the Metrics panel.
 */
import { memo } from 'react';
import type { Metrics } from '../../core/view';
import type { Channel } from '../../state/schemesSlice';
import { betterChannel, METRIC_ROWS } from '../MetricsTable';

const HEADLINE_KEYS = ['mse', 'sqnr', 'bpw'] as const;

export const HeadlineNumbers = memo(function HeadlineNumbers({
  channel,
  metrics,
  compare,
}: {
  channel: Channel;
  metrics: Partial<Record<Channel, Metrics>>;
  /** Mark the better value only when A and B are both shown. */
  compare: boolean;
}) {
  const mine = metrics[channel];
  return (
    <dl
      className="flex flex-wrap items-baseline gap-x-4 gap-y-0.5 text-sm tabular-nums"
      data-testid={`headline-${channel}`}
    >
      {HEADLINE_KEYS.map((key) => {
        const row = METRIC_ROWS.find((r) => r.key === key);
        if (!row) return null;
        const best = compare && betterChannel(row, metrics.a, metrics.b) === channel;
        return (
          <div key={key} className="flex items-baseline gap-1">
            <dt className="text-xs text-slate-600 dark:text-slate-300">
              {key === 'bpw' ? 'bits/weight' : row.label}
            </dt>
            <dd
              className={best ? 'metric-better font-semibold' : 'font-medium'}
              data-testid={`headline-${key}-${channel}`}
              data-value={mine ? String(row.value(mine)) : undefined}
            >
              {mine ? (key === 'sqnr' ? `${row.format(mine)} dB` : row.format(mine)) : '…'}
              {best ? (
                <>
                  <span aria-hidden="true"> ✓</span>
                  <span className="sr-only"> (better)</span>
                </>
              ) : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
});
