/**
 * React wrapper of the grid strip: React owns the <svg> and the tooltip; d3 owns what is inside the svg.
 * The tooltip names the hovered level and its gaps to the neighbouring levels.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ChartTooltip } from '../ChartTooltip';
import { formatExact } from '../formatNumber';
import { useElementWidth } from '../useChartSize';
import { useLatest } from '../useLatest';
import { layoutQuantGrid, QUANT_GRID_HEIGHT, QUANT_GRID_MARGIN } from './quantGridLayout';
import { type QuantGridHandlers, renderQuantGrid } from './renderQuantGrid';

export function QuantGridChart({
  levels,
  label,
  testId,
}: {
  /** The group's dequantized levels (any order; non-finite values are left out). */
  levels: Float32Array;
  /** Accessible name, e.g. "Scheme A grid of group 0". */
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = useElementWidth(box);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const layout = useMemo(
    () =>
      layoutQuantGrid(levels, {
        width: Math.max(width, 120),
        height: QUANT_GRID_HEIGHT,
        margin: QUANT_GRID_MARGIN,
      }),
    [levels, width],
  );
  const handlers = useLatest<QuantGridHandlers>({
    onHover(index, at) {
      setHover(index === null ? null : { index, ...at });
    },
  });
  useLayoutEffect(() => {
    if (svg.current && width > 0) renderQuantGrid(svg.current, layout, handlers);
  }, [layout, width, handlers]);

  const v = hover ? layout.levels[hover.index] : 0;
  const below = hover && hover.index > 0 ? v - layout.levels[hover.index - 1] : null;
  const above = hover && hover.index < layout.levels.length - 1 ? layout.levels[hover.index + 1] - v : null;
  return (
    <div ref={box} className="relative w-full" data-testid={testId} data-levels={layout.levels.length}>
      <svg
        ref={svg}
        role="img"
        aria-label={`${label}: ${layout.levels.length} levels on a linear axis (top) and a symmetric log axis (bottom)`}
        className="chart block w-full overflow-visible"
        style={{ height: QUANT_GRID_HEIGHT }}
      />
      {hover ? (
        <ChartTooltip
          x={hover.x}
          y={hover.y}
          width={width}
          title={`level ${formatExact(v)}`}
          rows={[
            { label: 'gap below', value: below === null ? '–' : formatExact(below) },
            { label: 'gap above', value: above === null ? '–' : formatExact(above) },
          ]}
        />
      ) : null}
    </div>
  );
}
