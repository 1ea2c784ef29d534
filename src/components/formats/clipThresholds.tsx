/**
 * The three clipping searches side by side on the value histogram (issue #5): when a scheme clips with
 * MSE-optimal, KL or OCTAV, the worker's `clipThresholds` gives all three ranges for the selected group, drawn as
 * labelled lines with a legend that names the one in use. KL is per tensor only (the engine's rule), so a per-row
 * or per-group scheme shows two.
 */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo } from 'react';
import { formatExact } from '../../charts/formatNumber';
import type { ValueMarker } from '../../charts/histogram/histogramLayout';
import type { IntegerScheme, Scheme } from '../../core/scheme';
import { useEngineQueries } from '../../state/engineContext';
import type { ClipThresholds, ThresholdMethod } from '../../worker/formatsProtocol';
import { LegendItem } from '../ChartCard';

export const THRESHOLD_STYLE: Readonly<
  Record<ThresholdMethod, { label: string; name: string; color: string; dash: string | null; row: number }>
> = {
  mseOptimal: { label: 'MSE', name: 'MSE-optimal', color: 'var(--color-thresh-mse)', dash: null, row: 0 },
  kl: { label: 'KL', name: 'KL / entropy', color: 'var(--color-thresh-kl)', dash: '2 2.5', row: 1 },
  octav: { label: 'OCTAV', name: 'OCTAV', color: 'var(--color-thresh-octav)', dash: '7 3', row: 2 },
};

/** The integer scheme whose thresholds are drawn, with its clipping set aside (it does not change them). */
export function thresholdSchemeOf(scheme: Scheme): IntegerScheme | null {
  if (scheme.kind !== 'integer') return null;
  const kind = scheme.clipping.kind;
  if (kind !== 'mseOptimal' && kind !== 'kl' && kind !== 'octav') return null;
  return { ...scheme, clipping: { kind: 'none' } };
}

/** Two markers per search (low and high end of its range); only the high one carries the label. */
export function thresholdMarkers(result: ClipThresholds | undefined): ValueMarker[] {
  if (!result) return [];
  return result.thresholds.flatMap((t) => {
    const style = THRESHOLD_STYLE[t.method];
    const base = { color: style.color, dash: style.dash, row: style.row };
    return [
      { ...base, key: `${t.method}:lo`, value: t.lo, label: '' },
      { ...base, key: `${t.method}:hi`, value: t.hi, label: style.label },
    ];
  });
}

/** The thresholds of the three searches for `scheme`'s `group` (nothing unless it clips with one of them). */
export function useClipThresholds(
  channel: string,
  datasetId: string | undefined,
  scheme: Scheme,
  group: number,
): ClipThresholds | undefined {
  const queries = useEngineQueries();
  const base = thresholdSchemeOf(scheme);
  const query = useQuery(queries.clipThresholds(datasetId, base, group, channel));
  return base ? query.data : undefined;
}

/** Markers and legend entries for the value histogram. */
export function useThresholdMarkers(
  channel: string,
  datasetId: string | undefined,
  scheme: Scheme,
  group: number,
): { markers: ValueMarker[] | null; legend: ReactNode } {
  const result = useClipThresholds(channel, datasetId, scheme, group);
  const active = scheme.kind === 'integer' ? scheme.clipping.kind : null;
  const markers = useMemo(() => (result ? thresholdMarkers(result) : null), [result]);
  const legend = result
    ? result.thresholds.map((t) => {
        const style = THRESHOLD_STYLE[t.method];
        return (
          <span
            key={t.method}
            data-testid={`threshold-${channel}-${t.method}`}
            data-hi={t.hi}
            data-mse={t.mse}
            title={`${style.name}: range [${formatExact(t.lo)}, ${formatExact(t.hi)}], MSE of this group ${formatExact(t.mse)}`}
          >
            <LegendItem color={style.color} kind={style.dash ? 'dashed' : 'line'}>
              {style.name}{' '}
              {t.lo === -t.hi ? `±${formatExact(t.hi)}` : `[${formatExact(t.lo)}, ${formatExact(t.hi)}]`}
              {t.method === active ? ' (in use)' : ''}
            </LegendItem>
          </span>
        );
      })
    : null;
  return { markers, legend };
}
