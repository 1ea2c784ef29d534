/**
 * The numbers a reader looks for first, on one line above a scheme's histogram: MSE, SQNR and bits per weight,
 * the better of A and B marked (in words for screen readers). The full table is the Metrics panel.
 */
import { memo } from 'react';
import type { Metrics } from '../../core/view';
import type { Channel } from '../../state/schemesSlice';
import { betterChannel, METRIC_ROWS } from '../MetricsTable';

const HEADLINE_KEYS = ['mse', 'sqnr', 'bpw'] as const;

/** What one panel's headline shows: its own metrics and which of them beat the other panel's. */
export interface Headline {
  metrics: Metrics | undefined;
  /** The headline keys where this channel is the better one (only when A and B are both shown). */
  better: readonly string[];
}

/**
 * Each channel's headline, with a channel's object kept from `previous` while it shows the same: a change of A
 * that does not move B's "better" marks leaves B's headline (and so B's whole panel) alone.
 */
export function headlinesOf(
  metrics: Partial<Record<Channel, Metrics>>,
  compare: boolean,
  previous: Record<Channel, Headline> | null,
): Record<Channel, Headline> {
  const one = (channel: Channel): Headline => {
    const better: string[] = [];
    if (compare)
      for (const key of HEADLINE_KEYS) {
        const row = METRIC_ROWS.find((r) => r.key === key);
        if (row && betterChannel(row, metrics.a, metrics.b) === channel) better.push(key);
      }
    const last = previous?.[channel];
    return last && last.metrics === metrics[channel] && last.better.join() === better.join()
      ? last
      : { metrics: metrics[channel], better };
  };
  const a = one('a');
  const b = one('b');
  return previous && a === previous.a && b === previous.b ? previous : { a, b };
}

export const HeadlineNumbers = memo(function HeadlineNumbers({
  channel,
  headline,
}: {
  channel: Channel;
  headline: Headline;
}) {
  const mine = headline.metrics;
  return (
    <dl
      className="flex flex-wrap items-baseline gap-x-4 gap-y-0.5 text-sm tabular-nums"
      data-testid={`headline-${channel}`}
    >
      {HEADLINE_KEYS.map((key) => {
        const row = METRIC_ROWS.find((r) => r.key === key);
        if (!row) return null;
        const best = headline.better.includes(key);
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
