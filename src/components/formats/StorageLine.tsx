/**
 * The line under the scheme picker: bits per weight and the storage they assume, so formats are compared at
 * equal storage (int4 group 128 vs NF4 vs MXFP4 vs NVFP4). Exact for this matrix once the engine answered
 * for the current scheme (or, for integers, from the shape); nominal otherwise.
 */
import type { Scheme } from '../../core/scheme';
import type { QuantView } from '../../core/view';
import { formatBits, summarizeStorage } from './schemeCatalog';

export function StorageLine({
  channel,
  scheme,
  shape,
  view,
}: {
  channel: string;
  scheme: Scheme;
  shape: { rows: number; cols: number } | undefined;
  view: QuantView | undefined;
}) {
  const summary = summarizeStorage(scheme, shape);
  // The engine's figure is exact for this matrix; use it when the view answers this very scheme.
  const fromEngine = view && JSON.stringify(view.scheme) === JSON.stringify(scheme) ? view.metrics : null;
  const bits = fromEngine ? fromEngine.bitsPerWeight : summary.bitsPerWeight;
  const exact = fromEngine !== null || summary.exact;
  return (
    <p
      className="rounded-md bg-slate-100 px-2 py-1.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-200"
      data-testid={`scheme-${channel}-storage`}
      data-bits={bits}
    >
      <span className="font-semibold tabular-nums">
        {exact ? '' : '≈ '}
        {formatBits(bits)} bits/weight
      </span>{' '}
      <span className="text-slate-600 dark:text-slate-300">
        {exact ? (shape ? `(this ${shape.rows} × ${shape.cols} matrix)` : '') : '(nominal: full blocks)'}
      </span>
      <br />
      <span>Storage: {fromEngine?.storage ?? summary.storage}</span>
    </p>
  );
}
