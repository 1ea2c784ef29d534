/** Page-level view options: compare A and B or show one, the count axis, zoom reset and bin count. */
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatExact } from '../charts/formatNumber';
import type { TensorSummary } from '../core/generators.types';
import { useAppStore } from '../state/appStore';
import { centralRange } from '../state/centralRange';
import { SegmentedControl } from './controls/SegmentedControl';

type ViewChoice = 'compare' | 'a' | 'b';

export const ViewToolbar = memo(function ViewToolbar({ summary }: { summary: TensorSummary | undefined }) {
  const { layout, singleChannel, yScale, range, bins } = useAppStore(
    useShallow((s) => ({
      layout: s.layout,
      singleChannel: s.singleChannel,
      yScale: s.yScale,
      range: s.range,
      bins: s.bins,
    })),
  );
  const setLayout = useAppStore((s) => s.setLayout);
  const setYScale = useAppStore((s) => s.setYScale);
  const setRange = useAppStore((s) => s.setRange);
  const setBins = useAppStore((s) => s.setBins);
  const choice: ViewChoice = layout === 'compare' ? 'compare' : singleChannel;
  const central = centralRange(summary);
  return (
    <div className="flex flex-wrap items-center gap-x-5 gap-y-2" data-testid="view-toolbar">
      <SegmentedControl<ViewChoice>
        label="View"
        value={choice}
        segments={[
          { value: 'compare', label: 'Compare A | B' },
          { value: 'a', label: 'Only A' },
          { value: 'b', label: 'Only B' },
        ]}
        onChange={(v) => (v === 'compare' ? setLayout('compare') : setLayout('single', v))}
        testId="view-layout"
      />
      <div className="flex items-center gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-300" id="count-axis-label">
          Count axis
        </span>
        <SegmentedControl
          label="Count axis"
          size="sm"
          value={yScale}
          segments={[
            { value: 'linear', label: 'Linear' },
            { value: 'log', label: 'Log' },
          ]}
          onChange={setYScale}
          testId="count-axis"
        />
      </div>
      <div className="flex items-center gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-300">Bins</span>
        <SegmentedControl
          label="Histogram bins"
          size="sm"
          value={String(bins)}
          segments={['32', '64', '128', '256'].map((b) => ({ value: b, label: b }))}
          onChange={(b) => setBins(Number(b))}
        />
      </div>
      <div className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
        <span>Zoom</span>
        {range ? (
          <span className="tabular-nums" data-testid="zoom-range">
            [{formatExact(range[0])}, {formatExact(range[1])}]
          </span>
        ) : (
          <span>full range</span>
        )}
        {central ? (
          <button
            type="button"
            className="link-button"
            onClick={() => setRange(central)}
            data-testid="zoom-central"
            title="mean ± 4 standard deviations"
          >
            Central part (±4σ)
          </button>
        ) : null}
        {range ? (
          <button
            type="button"
            className="link-button"
            onClick={() => setRange(null)}
            data-testid="zoom-reset"
          >
            Reset zoom
          </button>
        ) : null}
      </div>
    </div>
  );
});
