/** Draws a RowErrorLayout into an <svg> with d3-selection (idempotent, updated in place). */
import { select } from 'd3-selection';
import { assignAttrs } from '../attrs';
import { renderGridlines, renderPlotAxes } from '../axes';
import { PALETTE } from '../palette';
import type { RowErrorLayout } from './rowErrorLayout';

export function renderRowError(
  svg: SVGSVGElement,
  layout: RowErrorLayout,
  options: { xTitle: string; yTitle: string; hoverRow: number | null },
): void {
  const root = select(svg);
  root
    .attr('viewBox', `0 0 ${layout.width} ${layout.height}`)
    .attr('width', layout.width)
    .attr('height', layout.height);
  if (root.select('g.gridlines').empty()) {
    root.append('g').attr('class', 'gridlines');
    root.append('path').attr('class', 'area').attr('fill', PALETTE.error).attr('fill-opacity', 0.75);
    root
      .append('path')
      .attr('class', 'other')
      .attr('fill', 'none')
      .attr('stroke', PALETTE.axis)
      .attr('stroke-width', 1.25)
      .attr('stroke-dasharray', '3 2');
    root.append('line').attr('class', 'hover-rule').attr('stroke', PALETTE.highlight).attr('stroke-width', 2);
    root.append('g').attr('class', 'axis x-axis');
    root.append('g').attr('class', 'axis y-axis');
    root.append('text').attr('class', 'x-title axis-title').attr('text-anchor', 'middle');
    root.append('text').attr('class', 'y-title axis-title').attr('text-anchor', 'middle');
  }
  const { plot } = layout;
  renderGridlines(root.select<SVGGElement>('g.gridlines'), layout.yTicks, plot.left, plot.right);
  const area = root.select<SVGPathElement>('path.area').node();
  if (area) assignAttrs(area, { d: layout.areaPath || 'M0 0' });
  const other = root.select<SVGPathElement>('path.other').node();
  if (other) assignAttrs(other, { d: layout.otherPath ?? 'M0 0' });
  const hoverX =
    options.hoverRow === null
      ? null
      : plot.left + ((options.hoverRow + 0.5) / Math.max(1, layout.rows)) * plot.width;
  const rule = root.select<SVGLineElement>('line.hover-rule').node();
  if (rule) {
    assignAttrs(rule, {
      x1: hoverX ?? 0,
      x2: hoverX ?? 0,
      y1: plot.top,
      y2: plot.bottom,
      opacity: hoverX === null ? 0 : 0.9,
    });
  }
  renderPlotAxes(
    root,
    layout,
    { ...plot, height: layout.height },
    { x: options.xTitle, y: options.yTitle },
    { labelY: plot.bottom + 15 },
  );
}
