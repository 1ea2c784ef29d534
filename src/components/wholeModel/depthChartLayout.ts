/**
 * Layout of the SQNR-by-depth chart (pure): one panel per tensor kind, x = layer index, y = SQNR (dB), one line
 * per scheme through the per-layer values (several tensors of a kind in one layer — q, k, v — pool their signal
 * and noise). Tensors outside the blocks sit before the first layer (embeddings) or after the last (output head,
 * final norm), marked "in" / "out".
 */
import type { WholeModelRow } from '../../core/wholeModel/modelTable';
import { TENSOR_KINDS, type TensorKind } from '../../core/wholeModel/tensorKinds';

export interface DepthPoint {
  /** Layer index, −1 before the blocks, layers.length after them. */
  x: number;
  sqnrDb: number;
  /** The tensors pooled into the point. */
  tensors: string[];
}

export interface DepthPanel {
  kind: TensorKind;
  /** Per scheme, its points by increasing x (points with an infinite SQNR are left out). */
  series: DepthPoint[][];
  yMin: number;
  yMax: number;
}

export interface DepthLayout {
  panels: DepthPanel[];
  /** x range shared by every panel. */
  xMin: number;
  xMax: number;
  layers: number;
}

export function layoutDepth(rows: readonly WholeModelRow[], schemeCount: number): DepthLayout {
  let layers = 0;
  for (const r of rows) if (r.layer !== null) layers = Math.max(layers, r.layer + 1);
  const xOf = (r: WholeModelRow) => (r.layer !== null ? r.layer : r.kind === 'embedding' ? -1 : layers);
  const panels: DepthPanel[] = [];
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  for (const kind of TENSOR_KINDS) {
    const mine = rows.filter((r) => r.kind === kind);
    if (mine.length === 0) continue;
    let yMin = Number.POSITIVE_INFINITY;
    let yMax = Number.NEGATIVE_INFINITY;
    const series: DepthPoint[][] = [];
    for (let s = 0; s < schemeCount; s++) {
      const byX = new Map<number, { signal: number; noise: number; tensors: string[] }>();
      for (const r of mine) {
        const e = r.errors[s];
        if (!e) continue;
        const x = xOf(r);
        const n = r.stats.count;
        const acc = byX.get(x) ?? { signal: 0, noise: 0, tensors: [] };
        acc.signal += n * (r.stats.std ** 2 + r.stats.mean ** 2);
        acc.noise += n * e.mse;
        acc.tensors.push(r.name);
        byX.set(x, acc);
      }
      const points: DepthPoint[] = [];
      for (const [x, acc] of [...byX].sort((a, b) => a[0] - b[0])) {
        if (!(acc.noise > 0) || !(acc.signal > 0)) continue;
        const sqnrDb = 10 * Math.log10(acc.signal / acc.noise);
        points.push({ x, sqnrDb, tensors: acc.tensors });
        yMin = Math.min(yMin, sqnrDb);
        yMax = Math.max(yMax, sqnrDb);
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
      }
      series.push(points);
    }
    if (!Number.isFinite(yMin)) continue;
    if (yMax - yMin < 1) {
      yMin -= 0.5;
      yMax += 0.5;
    }
    panels.push({ kind, series, yMin, yMax });
  }
  if (!Number.isFinite(xMin)) {
    xMin = 0;
    xMax = 1;
  }
  if (xMax === xMin) xMax = xMin + 1;
  return { panels, xMin, xMax, layers };
}
