/**
 * Draws the mapping chart into an SVG from its layout (d3-selection joins, attributes written only when they
 * change): shaded clipped zones, gridlines, identity line, staircase, clip edges, axes.
 */
import { select } from 'd3-selection';
import { assignAttrs } from '../attrs';
import { renderGridlines, renderPlotAxes } from '../axes';
import { PALETTE } from '../palette';
import type { MappingLayout } from './mappingLayout';

/** Creates the layer groups once; later calls only update attributes. */
function ensureLayers(svg: SVGSVGElement) {
  const root = select(svg);
  if (root.select('g.layers').empty()) {
    const layers = root.append('g').attr('class', 'layers');
    layers.append('g').attr('class', 'zones');
    layers.append('g').attr('class', 'gridlines');
    layers
      .append('line')
      .attr('class', 'diagonal')
      .attr('stroke', PALETTE.axis)
      .attr('stroke-dasharray', '3 3');
    layers
      .append('path')
      .attr('class', 'staircase')
      .attr('fill', 'none')
      .attr('stroke', PALETTE.dequantized)
      .attr('stroke-width', 2);
    layers.append('g').attr('class', 'clip-edges');
    layers.append('g').attr('class', 'x-axis');
    layers.append('g').attr('class', 'y-axis');
    layers.append('text').attr('class', 'axis-title x-title').attr('text-anchor', 'middle');
    layers.append('text').attr('class', 'axis-title y-title').attr('text-anchor', 'middle');
  }
  return root.select<SVGGElement>('g.layers');
}

export function renderMapping(
  svg: SVGSVGElement,
  layout: MappingLayout,
  titles: { x: string; y: string; height: number },
): void {
  const layers = ensureLayers(svg);
  const { plot } = layout;
  layers
    .select('g.zones')
    .selectAll<SVGRectElement, { x: number; width: number }>('rect')
    .data(layout.clippedZones)
    .join((enter) => enter.append('rect').attr('fill', PALETTE.clip).attr('fill-opacity', 0.12))
    .each(function (z) {
      assignAttrs(this, { x: z.x, width: Math.max(0, z.width), y: plot.top, height: plot.height });
    });
  renderGridlines(layers.select<SVGGElement>('g.gridlines'), layout.yTicks, plot.left, plot.right);
  const d = layout.diagonal;
  const diagonal = layers.select<SVGLineElement>('line.diagonal').node();
  if (diagonal) assignAttrs(diagonal, { x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 });
  const staircase = layers.select<SVGPathElement>('path.staircase').node();
  if (staircase) assignAttrs(staircase, { d: layout.path, 'data-steps': layout.steps });
  const edges = layout.clip ? [layout.clip.xLo, layout.clip.xHi].filter((x): x is number => x !== null) : [];
  layers
    .select('g.clip-edges')
    .selectAll<SVGLineElement, number>('line')
    .data(edges)
    .join((enter) =>
      enter
        .append('line')
        .attr('stroke', PALETTE.clip)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', '5 3'),
    )
    .each(function (x) {
      assignAttrs(this, { x1: x, x2: x, y1: plot.top, y2: plot.bottom });
    });
  renderPlotAxes(layers, layout, { ...plot, height: titles.height }, titles, { labelY: plot.bottom + 16 });
}
