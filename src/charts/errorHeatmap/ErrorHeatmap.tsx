/**
 * React wrapper of the error heatmap: a canvas for the |x̂ − x| grid under an SVG overlay for axes, legend,
 * hover outline and pointer events. Hovering names the rows, columns and quantization group under the
 * pointer; clicking selects that group (its grid is then drawn under the value histogram).
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Granularity } from '../../core/scheme';
import type { Heatmap } from '../../core/view';
import { ChartTooltip } from '../ChartTooltip';
import { formatExact } from '../formatNumber';
import { useElementWidth } from '../useChartSize';
import {
  blockRect,
  groupOfElement,
  HEATMAP_MARGIN,
  type HeatmapHit,
  heatmapHeight,
  hitHeatmap,
  layoutHeatmap,
} from './heatmapLayout';
import { outlineBlock, paintHeatmap, renderHeatmapAxes } from './renderHeatmap';

export interface ErrorHeatmapProps {
  heatmap: Heatmap;
  matrix: { rows: number; cols: number };
  /** The scheme's granularity (null for schemes without one): names the group under the pointer. */
  granularity: Granularity | null;
  /** Top of the colour scale; pass the larger of A's and B's maxima so colours compare. */
  colorMax: number;
  label: string;
  onSelectGroup?(group: number): void;
  testId?: string;
  /** Axis and colour-legend titles (default: a weight matrix's error). */
  titles?: HeatmapTitles;
}

export interface HeatmapTitles {
  x: string;
  y: string;
  legend: string;
}

const WEIGHT_TITLES: HeatmapTitles = {
  x: 'column (input feature)',
  y: 'row (output channel)',
  legend: 'mean |x̂ − x|',
};

export function ErrorHeatmap({
  heatmap,
  matrix,
  granularity,
  colorMax,
  label,
  onSelectGroup,
  testId,
  titles = WEIGHT_TITLES,
}: ErrorHeatmapProps) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const width = Math.max(160, useElementWidth(box));
  const height = heatmapHeight(width, matrix.rows, matrix.cols);
  const layout = useMemo(
    () => layoutHeatmap(heatmap, matrix, { width, height, margin: HEATMAP_MARGIN }, colorMax),
    [heatmap, matrix, width, height, colorMax],
  );
  const [hover, setHover] = useState<{ hit: HeatmapHit; x: number; y: number } | null>(null);

  useLayoutEffect(() => {
    if (canvas.current) paintHeatmap(canvas.current, layout, heatmap.meanAbsError);
  }, [layout, heatmap]);
  useLayoutEffect(() => {
    if (svg.current) renderHeatmapAxes(svg.current, layout, titles);
  }, [layout, titles]);

  const group =
    hover && granularity ? groupOfElement(granularity, matrix, hover.hit.row, hover.hit.col) : null;
  // Runs after every render: one attribute update, and the hovered group changes with the pointer anyway.
  useLayoutEffect(() => {
    if (svg.current) outlineBlock(svg.current, group ? blockRect(layout, group.rows, group.cols) : null);
  });

  const locate = (event: { currentTarget: SVGSVGElement; clientX: number; clientY: number }) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const hit = hitHeatmap(layout, heatmap, x, y);
    return hit ? { hit, x, y } : null;
  };
  const cellValue = hover
    ? heatmap.meanAbsError[hover.hit.cellRow * heatmap.gridCols + hover.hit.cellCol]
    : 0;
  const range = (r: { start: number; end: number }) =>
    r.start === r.end ? `${r.start}` : `${r.start}–${r.end}`;

  return (
    <div ref={box} className="relative w-full" data-testid={testId} style={{ height }}>
      <canvas
        ref={canvas}
        className="heatmap-canvas absolute"
        style={{
          left: layout.plot.left,
          top: layout.plot.top,
          width: layout.plot.width,
          height: layout.plot.height,
          imageRendering: 'pixelated',
        }}
      />
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: clicking a cell is a shortcut; the group picker above selects the same group by keyboard */}
      <svg
        ref={svg}
        role="img"
        aria-label={`${label}: mean absolute error per block of ${heatmap.rowsPerCell} x ${heatmap.colsPerCell} values, largest ${formatExact(heatmap.max)}`}
        className="chart absolute inset-0 block overflow-visible"
        style={{
          width,
          height,
          cursor: onSelectGroup && granularity && granularity.kind !== 'tensor' ? 'pointer' : 'default',
        }}
        onPointerMove={(event) => setHover(locate(event))}
        onPointerLeave={() => setHover(null)}
        onClick={(event) => {
          const at = locate(event);
          if (!at || !granularity || !onSelectGroup) return;
          onSelectGroup(groupOfElement(granularity, matrix, at.hit.row, at.hit.col).index);
        }}
      />
      {hover ? (
        <ChartTooltip
          x={hover.x}
          y={hover.y}
          width={width}
          title={
            group
              ? `Group ${group.index}: ${group.description}`
              : `Row ${hover.hit.row}, column ${hover.hit.col}`
          }
          rows={[
            { label: titles.legend, value: formatExact(cellValue) },
            { label: 'rows in cell', value: range(hover.hit.rows) },
            { label: 'columns in cell', value: range(hover.hit.cols) },
            { label: 'element', value: `(${hover.hit.row}, ${hover.hit.col})` },
          ]}
        >
          {onSelectGroup && granularity && granularity.kind !== 'tensor' ? (
            <div className="mt-1 text-[11px] text-slate-500 dark:text-slate-400">
              Click to show this group's grid
            </div>
          ) : null}
        </ChartTooltip>
      ) : null}
    </div>
  );
}
