/**
 * The grid of the selected group as its own card under the value histogram (issue #5): float formats have
 * unevenly spaced values, dense near zero, which the ticks under a histogram spanning the whole data cannot
 * show. The note puts the unevenness in numbers (gap near zero vs gap at the edge).
 */
import { memo, useMemo } from 'react';
import { formatCount, formatExact } from '../../charts/formatNumber';
import { PALETTE } from '../../charts/palette';
import { QuantGridChart } from '../../charts/quantGrid/QuantGridChart';
import { measureSpacing } from '../../charts/quantGrid/quantGridLayout';
import type { QuantView } from '../../core/view';
import { ChartCard, LegendItem } from '../ChartCard';

/** One sentence on how even the grid is. */
export function describeSpacing(levels: Float32Array): string {
  const sorted = levels.filter((v) => Number.isFinite(v)).sort();
  const s = measureSpacing(sorted);
  if (!s) return `${sorted.length} level${sorted.length === 1 ? '' : 's'}.`;
  if (s.ratio < 1.001) return `${s.levels} evenly spaced levels, ${formatExact(s.minGap)} apart.`;
  return `${s.levels} levels; gap ${formatExact(s.gapNearZero)} next to zero and ${formatExact(s.gapAtEdge)} at the edge (the coarsest gap is ${s.ratio >= 100 ? formatCount(Math.round(s.ratio)) : s.ratio.toFixed(s.ratio < 10 ? 2 : 0)}× the finest).`;
}

export const GridCard = memo(function GridCard({
  channel,
  label,
  view,
}: {
  channel: string;
  label: string;
  view: QuantView;
}) {
  const where = view.groupCount > 1 ? ` (group ${view.group.index})` : '';
  const note = useMemo(() => describeSpacing(view.levels), [view.levels]);
  return (
    <ChartCard
      title={`Grid: the representable values${where}`}
      testId={`chart-grid-${channel}`}
      legend={
        <LegendItem color={PALETTE.grid} kind="tick">
          levels at true spacing (top) and on a symmetric log axis (bottom)
        </LegendItem>
      }
      note={<span data-testid={`grid-note-${channel}`}>{note} Hover a tick for its value and gaps.</span>}
    >
      <QuantGridChart levels={view.levels} label={`${label} grid${where}`} testId={`grid-${channel}`} />
    </ChartCard>
  );
});
