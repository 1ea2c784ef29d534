/**
 * Picks the group (row, column or group of a row) whose quantization grid and parameters are shown, and
 * shows those parameters: step Δ, zero point, range. Hidden for a per-tensor scheme (one group).
 */

import { formatExact } from '../charts/formatNumber';
import type { GroupInfo } from '../core/view';
import { NumberField } from './controls/NumberField';

export function GroupPicker({
  label,
  group,
  groupCount,
  matrixCols,
  onChange,
  testId,
}: {
  label: string;
  group: GroupInfo;
  groupCount: number;
  matrixCols: number;
  onChange(group: number): void;
  testId?: string;
}) {
  const where =
    group.col !== null
      ? `column ${group.col}`
      : group.row !== null
        ? group.colStart === 0 && group.colEnd === matrixCols
          ? `row ${group.row}`
          : `row ${group.row}, columns ${group.colStart}–${group.colEnd - 1}`
        : 'the whole tensor';
  const params = (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-[11px] tabular-nums text-slate-600 dark:text-slate-300">
      <dt>step Δ</dt>
      <dd data-testid={testId ? `${testId}-scale` : undefined}>{formatExact(group.scale)}</dd>
      <dt>zero point</dt>
      <dd>{formatExact(group.zeroPoint)}</dd>
      <dt>range</dt>
      <dd>
        [{formatExact(group.lo)}, {formatExact(group.hi)}]
      </dd>
    </dl>
  );
  if (groupCount <= 1) {
    return (
      <div className="flex flex-wrap items-start gap-x-4 gap-y-1" data-testid={testId}>
        <span className="text-xs text-slate-600 dark:text-slate-300">
          Grid and parameters of the whole tensor:
        </span>
        {params}
      </div>
    );
  }
  const step = (delta: number) => onChange(Math.min(groupCount - 1, Math.max(0, group.index + delta)));
  const button =
    'h-8 rounded-md border border-slate-300 px-2 text-sm text-slate-700 disabled:opacity-40 dark:border-slate-600 dark:text-slate-200';
  return (
    <div className="flex flex-wrap items-end gap-x-3 gap-y-2" data-testid={testId}>
      <NumberField
        className="w-32"
        label={`Group (0–${groupCount - 1})`}
        value={group.index}
        integer
        min={0}
        max={groupCount - 1}
        debounceMs={250}
        onCommit={onChange}
        testId={testId ? `${testId}-index` : undefined}
      />
      <div className="flex gap-1">
        <button
          type="button"
          className={button}
          onClick={() => step(-1)}
          disabled={group.index <= 0}
          aria-label={`${label}: previous group`}
        >
          ‹
        </button>
        <button
          type="button"
          className={button}
          onClick={() => step(1)}
          disabled={group.index >= groupCount - 1}
          aria-label={`${label}: next group`}
        >
          ›
        </button>
      </div>
      <div className="flex flex-col">
        <span className="text-xs font-medium text-slate-700 dark:text-slate-200">{where}</span>
        {params}
      </div>
    </div>
  );
}
