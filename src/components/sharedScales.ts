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
