/**
 * Above the data summary when a loaded tensor is shown: its name, source, original dtype and shape, how an
 * N-D tensor is viewed as a matrix, whether rows were sampled (and the limit), and the way back to the generator.
 */
import { memo } from 'react';
import { formatCount } from '../../charts/formatNumber';
import { useAppStore } from '../../state/appStore';
import type { DatasetSummary } from '../../worker/protocol';
import { BUTTON_CLASS } from './loadStyles';
import { formatShape } from './TensorList';

/** How the engine sees a shape: first dimension as rows, the rest flattened (core/tensor.ts shapeAs2D). */
export function describeView(shape: readonly number[], rows: number, cols: number): string | null {
  if (shape.length === 2) return null;
  const view = `${formatCount(rows)} × ${formatCount(cols)}`;
  if (shape.length === 0) return `viewed as ${view} (a single value)`;
  if (shape.length === 1) return `viewed as ${view} (one row)`;
  return `viewed as ${view} (first dim as rows, rest flattened)`;
}

export const LoadedTensorSummary = memo(function LoadedTensorSummary({
  dataset,
}: {
  dataset: DatasetSummary | undefined;
}) {
  const showGenerator = useAppStore((s) => s.showGenerator);
  const info = dataset?.loaded;
  if (!dataset || !info) return null;
  const sampled = info.sampled;
  const totalRows = sampled ? sampled.totalRows : dataset.summary.rows;
  const view = describeView(info.shape, totalRows, dataset.summary.cols);
  const rows: Array<[string, string, string]> = [
    ['Tensor', info.name, 'loaded-name'],
    ['From', info.sourceLabel, 'loaded-source'],
    ['Dtype in file', info.dtype, 'loaded-dtype'],
    ['Shape', formatShape(info.shape), 'loaded-shape'],
  ];
  return (
    <div className="flex flex-col gap-2" data-testid="loaded-tensor">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
        Loaded tensor
      </h3>
      <table className="w-full table-fixed text-sm">
        <tbody>
          {rows.map(([label, value, id]) => (
            <tr key={id} className="border-b border-slate-200 last:border-0 dark:border-slate-700">
              <th
                scope="row"
                className="w-[42%] py-0.5 pr-2 text-left align-top font-normal text-slate-600 dark:text-slate-300"
              >
                {label}
              </th>
              <td
                className={`break-all py-0.5 text-right text-slate-900 dark:text-slate-100 ${id === 'loaded-name' ? 'font-mono text-xs' : ''}`}
                data-testid={id}
              >
                {value}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {view ? (
        <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="loaded-view">
          {formatShape(info.shape)} {view}.
        </p>
      ) : null}
      {sampled ? (
        <p
          className="rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-100"
          data-testid="loaded-sampled"
        >
          Sampled: {formatCount(sampled.keptRows)} of {formatCount(sampled.totalRows)} rows (evenly spaced),
          to stay within {formatCount(info.maxValues)} values.
        </p>
      ) : null}
      <div>
        <button type="button" className={BUTTON_CLASS} onClick={showGenerator} data-testid="use-generator">
          ← Back to the generator
        </button>
      </div>
    </div>
  );
});
