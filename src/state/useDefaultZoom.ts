/**
 * The first impression: a new matrix opens zoomed on its central part (mean ± 4σ), not on its full range.
 * Weight matrices have a few large outliers; on the full range the value histogram is one spike at 0 and the
 * quantization grid cannot be seen. Zoomed, the original bell curve and the few grid levels it is rounded to
 * show at once (the lesson of outliers stretching an absmax grid). Compared in screenshots against the log
 * count axis, which shows the tails but hides the rounding: the central zoom teaches more.
 * The zoom is only a default: a range the user chose (brush, reset, a link) is left alone.
 */
import { useEffect, useRef } from 'react';
import type { DatasetSummary } from '../worker/protocol';
import { useAppStoreApi } from './appStore';
import { centralRange } from './centralRange';

const sameRange = (a: [number, number] | null, b: [number, number] | null) =>
  a === b || (a !== null && b !== null && a[0] === b[0] && a[1] === b[1]);

/**
 * Zooms to the central part of each new dataset, when the zoom on screen is still a default: none, or the
 * central part this hook set for the previous dataset. A user's own zoom is kept until the data changes.
 */
export function useDefaultZoom(dataset: DatasetSummary | undefined): void {
  const store = useAppStoreApi();
  /** The dataset last seen, and the zoom this hook set for it (null: it set none, the user's zoom stayed). */
  const last = useRef<{ id: string; auto: [number, number] | null } | null>(null);
  const id = dataset?.id;
  const summary = dataset?.summary;
  useEffect(() => {
    if (id === undefined || !summary || last.current?.id === id) return;
    const current = store.getState().range;
    const auto = last.current?.auto ?? null;
    const untouched = current === null || (auto !== null && sameRange(current, auto));
    const central = centralRange(summary);
    last.current = { id, auto: untouched ? central : null };
    if (untouched && !sameRange(current, central)) store.getState().setRange(central);
  }, [id, summary, store]);
}
