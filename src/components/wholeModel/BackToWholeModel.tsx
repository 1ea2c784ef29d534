/** In the explorer, after a Whole model row opened a tensor: says which, and goes back to the table. */
import { memo } from 'react';
import { useAppStore } from '../../state/appStore';

/** Memoised (no props): the explorer tab re-renders on each key press and result; this does not. */
export const BackToWholeModel = memo(function BackToWholeModel() {
  const opened = useAppStore((s) => s.wholeModel.openedTensor);
  const loadedName = useAppStore((s) =>
    s.source.kind === 'loaded' ? s.source.dataset.loaded?.name : undefined,
  );
  const setTab = useAppStore((s) => s.setTab);
  if (!opened || loadedName !== opened) return null;
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="wm-back">
      <button
        type="button"
        onClick={() => setTab('wholeModel')}
        className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        ← Back to the whole model
      </button>
      <span className="text-slate-600 dark:text-slate-300">
        Showing <span className="font-mono">{opened}</span> from the whole-model table.
      </span>
    </p>
  );
});
