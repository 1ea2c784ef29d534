/** Draws a RowErrorLayout into an <svg> with d3-selection (idempotent, updated in place). */
import { select } from 'd3-selection';
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
  root
    .select('g.gridlines')
    .selectAll('line')
    .data(layout.yTicks)
    .join('line')
    .attr('x1', plot.left)
    .attr('x2', plot.right)
    .attr('y1', (t) => t.offset)
    .attr('y2', (t) => t.offset)
    .attr('stroke', PALETTE.gridline);
  root.select('path.area').attr('d', layout.areaPath || null);
  root.select('path.other').attr('d', layout.otherPath);
  const hoverX =
    options.hoverRow === null
      ? null
      : plot.left + ((options.hoverRow + 0.5) / Math.max(1, layout.rows)) * plot.width;
  root
    .select('line.hover-rule')
    .attr('x1', hoverX ?? 0)
    .attr('x2', hoverX ?? 0)
    .attr('y1', plot.top)
    .attr('y2', plot.bottom)
    .attr('opacity', hoverX === null ? 0 : 0.9);

  const xTicks = root
    .select('g.x-axis')
    .selectAll<SVGGElement, (typeof layout.xTicks)[number]>('g.tick')
    .data(layout.xTicks)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'tick');
      g.append('line').attr('stroke', PALETTE.axis);
      g.append('text').attr('text-anchor', 'middle').attr('fill', PALETTE.axis);
      return g;
    })
    .attr('transform', (t) => `translate(${t.offset},0)`);
  xTicks
    .select('line')
    .attr('y1', plot.bottom)
    .attr('y2', plot.bottom + 4);
  xTicks
    .select('text')
    .attr('y', plot.bottom + 15)
    .text((t) => t.label);
  root
    .select('g.x-axis')
    .selectAll('line.baseline')
    .data([0])
    .join('line')
    .attr('class', 'baseline')
    .attr('x1', plot.left)
    .attr('x2', plot.right)
    .attr('y1', plot.bottom + 0.5)
    .attr('y2', plot.bottom + 0.5)
    .attr('stroke', PALETTE.axis);

  const yTicks = root
    .select('g.y-axis')
    .selectAll<SVGGElement, (typeof layout.yTicks)[number]>('g.tick')
    .data(layout.yTicks)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'tick');
      g.append('line').attr('stroke', PALETTE.axis);
      g.append('text')
        .attr('text-anchor', 'end')
        .attr('dominant-baseline', 'middle')
        .attr('fill', PALETTE.axis);
      return g;
    })
    .attr('transform', (t) => `translate(0,${t.offset})`);
  yTicks
    .select('line')
    .attr('x1', plot.left - 4)
    .attr('x2', plot.left);
  yTicks
    .select('text')
    .attr('x', plot.left - 6)
    .text((t) => t.label);

  root
    .select('text.x-title')
    .attr('x', (plot.left + plot.right) / 2)
    .attr('y', layout.height - 4)
    .text(options.xTitle);
  root
    .select('text.y-title')
    .attr('transform', `translate(12,${(plot.top + plot.bottom) / 2}) rotate(-90)`)
    .text(options.yTitle);
}
