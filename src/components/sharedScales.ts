/** The scales the two scheme panels share when compared, so their charts can be read against each other. */
import type { QuantView } from '../core/view';
import type { Channel } from '../state/schemesSlice';
import type { SharedScales } from './SchemeCharts';

/** Scales both panels share: heatmap colour top, per-row MSE axis top, and each other's per-row MSE. */
export function computeSharedScales(
  views: Partial<Record<Channel, QuantView>>,
  compare: boolean,
): Record<Channel, SharedScales> {
  const shown = (compare ? [views.a, views.b] : [views.a ?? views.b]).filter(
    (v): v is QuantView => v !== undefined,
  );
  let heatmapMax = 0;
  let rowMseMax = 0;
  for (const v of shown) {
    heatmapMax = Math.max(heatmapMax, v.heatmap.max);
    for (let i = 0; i < v.rowMse.length; i++) if (v.rowMse[i] > rowMseMax) rowMseMax = v.rowMse[i];
  }
  const otherOf = (mine: QuantView | undefined, theirs: QuantView | undefined, label: string) =>
    compare && mine && theirs && mine.rows === theirs.rows ? { label, rowMse: theirs.rowMse } : null;
  return {
    a: { heatmapMax, rowMseMax, other: otherOf(views.a, views.b, 'Scheme B') },
    b: { heatmapMax, rowMseMax, other: otherOf(views.b, views.a, 'Scheme A') },
  };
}

/** Whether two panels' shared scales draw the same charts (same maxima, same comparison series). */
function sameScales(x: SharedScales, y: SharedScales): boolean {
  return (
    x.heatmapMax === y.heatmapMax &&
    x.rowMseMax === y.rowMseMax &&
    x.other?.rowMse === y.other?.rowMse &&
    x.other?.label === y.other?.label
  );
}

/**
 * `next`, with each channel's object replaced by `previous`'s where they draw the same: a panel whose scales did
 * not change keeps the same object, so its memoised charts skip re-rendering when only the other panel changed.
 */
export function keepUnchangedScales(
  previous: Record<Channel, SharedScales> | null,
  next: Record<Channel, SharedScales>,
): Record<Channel, SharedScales> {
  if (!previous) return next;
  const a = sameScales(previous.a, next.a) ? previous.a : next.a;
  const b = sameScales(previous.b, next.b) ? previous.b : next.b;
  return a === previous.a && b === previous.b ? previous : { a, b };
}
