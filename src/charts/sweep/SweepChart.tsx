/**
 * React wrapper of the sweep scatter: React owns the <svg> and the tooltip; d3 owns what is inside. Keyboard:
 * the chart is focusable and the arrow keys step the selection through the points in order of bits per
 * weight (Home / End jump to the ends), so a point can be chosen without a mouse.
 */
import { type KeyboardEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SweepPoint } from '../../core/sweep';
import { ChartTooltip } from '../ChartTooltip';
import { formatExact } from '../formatNumber';
import { useElementWidth } from '../useChartSize';
import { useLatest } from '../useLatest';
import { renderSweep, type SweepHandlers } from './renderSweep';
import { keyboardOrder, layoutSweep, SWEEP_FAMILIES, SWEEP_MARGIN, type SweepMetric } from './sweepLayout';

export function SweepChart({
  points,
  metric,
  selected,
  onSelect,
  height = 380,
  testId,
}: {
  points: ReadonlyArray<SweepPoint>;
  metric: SweepMetric;
  selected: number | null;
  onSelect(index: number): void;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = useElementWidth(box);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const layout = useMemo(
    () => layoutSweep(points, { width: Math.max(width, 200), height, margin: SWEEP_MARGIN }, metric),
    [points, width, height, metric],
  );
  const order = useMemo(() => keyboardOrder(points), [points]);
  const handlers = useLatest<SweepHandlers>({
    onHover(p, at) {
      setHover(p ? { index: p.index, ...at } : null);
    },
    onSelect,
  });
  useLayoutEffect(() => {
    if (svg.current && width > 0) renderSweep(svg.current, layout, handlers, { selected, label: 'sweep' });
  }, [layout, width, handlers, selected]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (order.length === 0) return;
    const at = selected === null ? -1 : order.indexOf(selected);
    let next: number | null = null;
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = Math.min(order.length - 1, at + 1);
    else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = Math.max(0, at < 0 ? 0 : at - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = order.length - 1;
    if (next === null) return;
    event.preventDefault();
    onSelect(order[next]);
  };

  const point = hover ? points[hover.index] : null;
  const family = point ? SWEEP_FAMILIES.find((f) => f.id === layout.points[hover?.index ?? 0]?.family) : null;
  return (
    <div ref={box} className="relative w-full" data-testid={testId} data-points={points.length}>
      {/* A slider over the points in order of bits per weight: arrow keys step, the value text names the point. */}
      <div
        role="slider"
        tabIndex={0}
        aria-label={`Sweep: ${points.length} schemes, ${metric === 'mse' ? 'MSE' : 'SQNR'} against bits per weight, ${layout.front.length} on the Pareto front; arrow keys choose a point`}
        aria-valuemin={0}
        aria-valuemax={points.length}
        aria-valuenow={selected === null ? 0 : order.indexOf(selected) + 1}
        aria-valuetext={selected === null ? 'no point chosen' : (points[selected]?.label ?? '')}
        className="rounded focus-visible:outline-2 focus-visible:outline-[var(--color-focus)]"
        onKeyDown={onKeyDown}
        data-testid={testId ? `${testId}-keys` : undefined}
      >
        <svg
          ref={svg}
          aria-hidden="true"
          className="chart block w-full overflow-visible"
          style={{ height }}
        />
      </div>
      {hover && point ? (
        <ChartTooltip
          x={hover.x}
          y={hover.y}
          width={width}
          title={point.label}
          rows={[
            { label: 'family', value: family?.label ?? '', swatch: family?.color },
            { label: 'bits/weight', value: formatExact(point.bitsPerWeight) },
            { label: 'MSE', value: formatExact(point.mse) },
            { label: 'SQNR', value: `${Number.isFinite(point.sqnrDb) ? point.sqnrDb.toFixed(2) : '∞'} dB` },
            { label: 'Pareto front', value: point.onFront ? 'yes' : 'no' },
          ]}
        >
          <div className="mt-1 text-[10px] text-slate-500 dark:text-slate-400">click to choose it</div>
        </ChartTooltip>
      ) : null}
    </div>
  );
}
